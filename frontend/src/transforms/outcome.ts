// Messages of a FHIR OperationOutcome (the backend's error body), for the error box.

export function outcomeMessages(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const issues = (body as { issue?: unknown }).issue;
  if (!Array.isArray(issues)) return [];
  const out: string[] = [];
  for (const issue of issues) {
    if (!issue || typeof issue !== 'object') continue;
    const i = issue as { diagnostics?: unknown; details?: { text?: unknown } };
    for (const text of [i.details?.text, i.diagnostics]) {
      if (typeof text === 'string' && text.trim() !== '' && !out.includes(text)) out.push(text);
    }
  }
  return out;
}
