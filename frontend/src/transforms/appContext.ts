// The appContext a CDS Hooks card's SMART link passes through the token response,
// e.g. '{"day":11,"rule":"R-DIC"}'. Anything unreadable is ignored, never fatal.

export interface AppContext {
  day: number | null;
  rule: string | null;
}

export function parseAppContext(raw: unknown): AppContext | null {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return null;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const day = typeof o.day === 'number' && Number.isInteger(o.day) ? o.day : null;
  const rule = typeof o.rule === 'string' && o.rule.trim() !== '' ? o.rule.trim() : null;
  return day === null && rule === null ? null : { day, rule };
}
