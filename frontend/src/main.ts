// index.html: completes the SMART launch, asks the backend for the evaluation and draws it.
// All state lives in this module's closure for this tab's launch: nothing about the
// patient is written to storage, and fhirclient keeps its token in this tab's sessionStorage.
import FHIR from 'fhirclient';
import type Client from 'fhirclient/lib/Client';
import { html, nothing, render } from 'lit-html';
import { ifDefined } from 'lit-html/directives/if-defined.js';
import { metaReader, summaryUrl, SUMMARY_URL_KEY } from './config';
import { translator, type Language } from './strings';
import { initialLanguage, rememberLanguage, safeSession } from './language';
import { fetchSummary, isAbort, type SummaryFailure } from './api';
import type { Evaluation } from './types';
import { parseAppContext, type AppContext } from './transforms/appContext';
import type { PatientLike } from './transforms/patient';
import { launchError } from './launchErrors';
import { banner } from './views/banner';
import { errorBox, type ErrorInfo } from './views/error';
import { evaluationView } from './views/evaluation';
import { clearDetails } from './views/inspect';

declare global {
  interface Window {
    caracTiming?: { firstChartMs: number };
  }
}

interface State {
  lang: Language;
  patientId: string;
  patient: PatientLike | null;
  fullBanner: boolean;
  appContext: AppContext | null;
  loading: boolean;
  evaluation: Evaluation | null;
  error: ErrorInfo | null;
}

const root = document.getElementById('app')!;
// lit-html appends to a container: drop the static "loading" placeholder first.
root.replaceChildren();

async function start() {
  const lang = initialLanguage();
  rememberLanguage(lang);
  render(html`<p class="loading" role="status">${translator(lang).t('connecting')}</p>`, root);
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (err) {
    return fail(launchError(err, translator(lang)), lang);
  }
  const patientId = client.patient.id;
  if (!patientId) {
    const tr = translator(lang);
    return fail({ kind: 'launch', title: tr.t('launchErrorTitle'), message: tr.t('launchNoPatient'), advice: tr.t('launchAdvice') }, lang);
  }
  const token = client.state.tokenResponse ?? {};
  const state: State = {
    lang,
    patientId,
    patient: null,
    fullBanner: token.need_patient_banner === true,
    appContext: parseAppContext(token.appContext),
    loading: true,
    evaluation: null,
    error: null,
  };
  const url = summaryUrl(
    { meta: metaReader(document), query: new URLSearchParams(location.search), stored: safeSession(() => sessionStorage.getItem(SUMMARY_URL_KEY)) },
    location.href,
  );
  let inFlight: AbortController | null = null;
  let focused = false;

  const draw = () => {
    const tr = translator(state.lang);
    render(
      html`${banner(state.patientId, state.patient, state.fullBanner, tr, setLanguage)}
        <main data-focused-day=${ifDefined(state.appContext?.day ?? undefined)} aria-busy=${state.loading ? 'true' : 'false'}>
          ${state.loading ? html`<p class="loading" role="status">${tr.t('loading')}</p>` : nothing}
          ${state.error ? errorBox(state.error, tr, load) : nothing}
          ${state.evaluation ? evaluationView(state.evaluation, state.appContext, tr) : nothing}
        </main>`,
      root,
    );
  };

  async function load() {
    inFlight?.abort(); // a language switch supersedes the previous request
    const controller = (inFlight = new AbortController());
    state.loading = true;
    document.body.dataset.ready = 'false';
    draw();
    await client.refreshIfNeeded().catch(() => undefined); // expired token: the backend will say so
    try {
      const result = await fetchSummary({
        url,
        accessToken: client.state.tokenResponse?.access_token ?? '',
        fhirServer: client.state.serverUrl,
        patient: patientId!,
        language: state.lang,
        signal: controller.signal,
      });
      if (controller.signal.aborted) return;
      state.loading = false;
      if (result.ok) {
        state.evaluation = result.evaluation;
        state.error = null;
      } else {
        state.error = summaryError(result.failure, url, state.lang);
      }
    } catch (err) {
      if (isAbort(err)) return;
      state.loading = false;
      state.error = summaryError({ kind: 'unreachable', detail: String(err) }, url, state.lang);
    }
    draw();
    if (state.evaluation) markReady();
    else document.body.dataset.ready = 'error';
    if (state.evaluation && !focused) {
      focused = true;
      focusFromAppContext(state.appContext);
    }
  }

  function setLanguage(lang: Language) {
    state.lang = lang;
    rememberLanguage(lang);
    clearDetails(root);
    void load(); // card wording comes from the backend in the chosen language
  }

  draw();
  client.patient
    .read()
    .then((p: PatientLike) => {
      state.patient = p;
      draw();
    })
    .catch(() => undefined); // the banner falls back to the patient id
  await load();
}

function fail(error: ErrorInfo, lang: Language) {
  render(html`<main>${errorBox(error, translator(lang))}</main>`, root);
  document.body.dataset.ready = 'error';
}

function summaryError(f: SummaryFailure, url: string, lang: Language): ErrorInfo {
  const { t } = translator(lang);
  const base = { kind: 'summary' as const, title: t('summaryErrorTitle') };
  switch (f.kind) {
    case 'unreachable':
      return { ...base, message: t('summaryUnreachable', { url }), details: [f.detail] };
    case 'http':
      return { ...base, message: t('summaryHttp', { status: f.status }), details: f.messages };
    case 'bad-json':
      return { ...base, message: t('summaryBadJson'), details: [f.detail] };
  }
}

/** Test hook and timing: set once the charts (or the "no infusion" notice) are on screen. */
function markReady() {
  if (!window.caracTiming) window.caracTiming = { firstChartMs: performance.now() };
  document.body.dataset.ready = 'true';
}

/** A card's SMART link named a rule and/or a day: bring them into view. */
function focusFromAppContext(ctx: AppContext | null) {
  if (!ctx) return;
  const card = ctx.rule ? root.querySelector<HTMLElement>(`[data-testid="card-${CSS.escape(ctx.rule)}"]`) : null;
  const row = ctx.day !== null ? root.querySelector<HTMLElement>(`[data-testid="day-row-${ctx.day}"]`) : null;
  const target = card ?? row;
  target?.scrollIntoView({ block: 'center' });
  card?.focus({ preventScroll: true });
}

void start();
