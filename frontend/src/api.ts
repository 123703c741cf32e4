// The one call to the CARAC Watch backend: POST the launch context, get the evaluation.
import type { Evaluation } from './types';
import { outcomeMessages } from './transforms/outcome';
import type { Language } from './strings';

export interface SummaryRequest {
  url: string;
  accessToken: string;
  fhirServer: string;
  patient: string;
  language: Language;
  signal?: AbortSignal;
}

/** Why a request failed, in terms the UI can word in either language. */
export type SummaryFailure =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'http'; status: number; messages: string[] }
  | { kind: 'bad-json'; detail: string };

export type SummaryResult = { ok: true; evaluation: Evaluation } | { ok: false; failure: SummaryFailure };

export async function fetchSummary(req: SummaryRequest, fetchImpl: typeof fetch = fetch): Promise<SummaryResult> {
  let response: Response;
  try {
    response = await fetchImpl(req.url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${req.accessToken}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, application/fhir+json',
      },
      body: JSON.stringify({ fhirServer: req.fhirServer, patient: req.patient, language: req.language }),
      // The token travels in the header; no cookies are needed or wanted.
      credentials: 'omit',
      cache: 'no-store',
      signal: req.signal,
    });
  } catch (e) {
    if (isAbort(e)) throw e;
    return { ok: false, failure: { kind: 'unreachable', detail: String(e) } };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    return { ok: false, failure: { kind: 'http', status: response.status, messages: outcomeMessages(body) } };
  }
  if (!isEvaluation(body)) {
    return { ok: false, failure: { kind: 'bad-json', detail: `HTTP ${response.status}` } };
  }
  return { ok: true, evaluation: body };
}

export const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

/** Minimal shape check so that the views can rely on `days` being an array. */
export function isEvaluation(body: unknown): body is Evaluation {
  return !!body && typeof body === 'object' && Array.isArray((body as Evaluation).days);
}
