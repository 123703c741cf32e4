// Settings of the app. Every setting has a default here and, where noted, can be
// overridden per deployment with a <meta name="..."> tag in launch.html/index.html
// (the deployer's choice) or per launch with a query parameter.

/** SMART client id registered with the EHR. Default `carac-watch`;
 *  meta `carac-client-id`; fhirclient itself also honours `?clientId=` on launch.html. */
export const DEFAULT_CLIENT_ID = 'carac-watch';

/** SMART v2 scopes for an EHR launch (read-only access to what the evaluation needs).
 *  meta `carac-scope`. */
export const DEFAULT_SCOPE =
  'launch openid fhirUser online_access patient/Patient.rs patient/Observation.rs ' +
  'patient/Condition.rs patient/MedicationAdministration.rs patient/Procedure.rs patient/AdverseEvent.rs';

/** Added for a standalone launch (no `launch` parameter) so the EHR asks for a patient. */
export const STANDALONE_EXTRA_SCOPE = 'launch/patient';

/** Page the authorization server redirects back to, relative to launch.html. */
export const REDIRECT_URI = 'index.html';

/** PKCE is mandatory in SMART App Launch 2: refuse servers without S256. */
export const PKCE_MODE = 'required' as const;

/** Backend evaluation endpoint, relative to the app's page. Default `../api/summary`;
 *  meta `carac-summary-url` (any URL); query `?summaryUrl=` (same origin only, see below). */
export const DEFAULT_SUMMARY_URL = '../api/summary';

/** sessionStorage key carrying a `?summaryUrl=` given to launch.html across the OAuth redirect.
 *  Per tab, and a URL only: never patient data. */
export const SUMMARY_URL_KEY = 'carac-watch:summaryUrl';

/** sessionStorage key of the chosen UI language (per tab; not patient data). */
export const LANGUAGE_KEY = 'carac-watch:language';

export interface Overrides {
  meta: (name: string) => string | null | undefined;
  query: URLSearchParams;
  stored?: string | null;
}

export function clientId(o: Overrides): string {
  return o.meta('carac-client-id')?.trim() || DEFAULT_CLIENT_ID;
}

/** Scopes for the launch: the standalone flow asks the EHR to pick a patient (`launch/patient`) and drops
 *  the EHR-launch scope `launch`, which is only for a launch with the EHR's `launch` parameter (SMART App
 *  Launch 2; servers may refuse `launch` without it, as the sandbox does). */
export function scopeFor(o: Overrides, ehrLaunch: boolean): string {
  const base = o.meta('carac-scope')?.trim() || DEFAULT_SCOPE;
  if (ehrLaunch) return base;
  const scopes = base.split(/\s+/).filter((s) => s && s !== 'launch');
  if (!scopes.includes(STANDALONE_EXTRA_SCOPE)) scopes.push(STANDALONE_EXTRA_SCOPE);
  return scopes.join(' ');
}

/**
 * The summary URL, absolute. A query override is honoured only when it stays on the
 * app's own origin: the app sends the EHR access token there, and a crafted link must
 * not be able to send it elsewhere. The meta tag is written by the deployer and may
 * point anywhere.
 */
export function summaryUrl(o: Overrides, pageUrl: string): string {
  const page = new URL(pageUrl);
  for (const candidate of [o.query.get('summaryUrl'), o.stored]) {
    const url = sameOrigin(candidate, page);
    if (url) return url;
  }
  const meta = o.meta('carac-summary-url')?.trim();
  return new URL(meta || DEFAULT_SUMMARY_URL, page).href;
}

/** The URL if it resolves to the page's origin, else null. */
export function sameOrigin(candidate: string | null | undefined, page: URL): string | null {
  if (!candidate) return null;
  try {
    const url = new URL(candidate, page);
    return url.origin === page.origin ? url.href : null;
  } catch {
    return null;
  }
}

/** Reads <meta name=...> content from the current document. */
export function metaReader(doc: Document): Overrides['meta'] {
  return (name) => doc.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
}
