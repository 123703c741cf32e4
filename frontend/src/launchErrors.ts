// Turns a fhirclient launch failure into words for the person in front of the EHR.
import type { Translator } from './strings';
import type { ErrorInfo } from './views/error';

export function launchError(err: unknown, tr: Translator): ErrorInfo {
  const detail = err instanceof Error ? err.message : String(err);
  // fhirclient reports a missing/used/expired launch as a missing "state".
  const message = /state/i.test(detail) ? tr.t('launchNoState') : tr.t('launchFailed');
  return { kind: 'launch', title: tr.t('launchErrorTitle'), message, advice: tr.t('launchAdvice'), details: [detail] };
}
