// The sandbox EHR page: patient list, chart with banner, CDS Hooks patient-view cards with feedback, an
// integrator panel with the raw hook traffic, and SMART EHR launch of CARAC Watch in a side panel.
// Plain ES module, no framework. Every string from the server goes through textContent (or the
// DOM-building Markdown renderer), never innerHTML.
import { renderMarkdown } from './markdown.js';
import { mountOrderScreen } from './orders.js';

const INDICATOR_ORDER = { critical: 0, warning: 1, info: 2 };
const INDICATOR_LABEL = { critical: 'Critical', warning: 'Warning', info: 'Info' };

const state = {
  session: null,
  stories: [],
  current: null, // the story whose chart is open
  hook: null, // the last patient-view result
  exchanges: [], // feedback exchanges shown in the integrator panel
  generation: 0, // a newer chart supersedes a running hook call
};

window.ehrTiming = { hooks: [] };

// ---- small DOM helpers ----------------------------------------------------------------------------------

/** h('tag.class', {attr: value, onclick: fn}, ...children): strings become text nodes. */
function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const node = document.createElement(tag);
  if (classes.length) node.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

// ---- server calls -------------------------------------------------------------------------------------

class SignedOut extends Error {}

/** JSON call with the session cookie and CSRF header; a missing session (redirect to /login) throws SignedOut. */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.session?.csrf) headers[state.session.csrf.headerName] = state.session.csrf.token;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    redirect: 'manual',
  });
  if (res.type === 'opaqueredirect' || res.status === 401) throw new SignedOut();
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text.slice(0, 300) };
  }
  if (!res.ok) {
    const err = new Error(data?.error || data?.message || `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

function toLogin() {
  location.assign('/login');
}

// ---- start -------------------------------------------------------------------------------------------

async function start() {
  try {
    state.session = await api('/sandbox/api/session');
  } catch (e) {
    if (e instanceof SignedOut) return toLogin();
    return fatal(`Cannot reach the sandbox: ${e.message}`);
  }
  $('signed-in').textContent = `Signed in as ${state.session.user}${state.session.fhirUser ? ` (${state.session.fhirUser})` : ''}`;
  const signOut = $('sign-out');
  if (state.session.csrf) {
    signOut.append(h('input', { type: 'hidden', name: state.session.csrf.parameterName, value: state.session.csrf.token }));
  }
  signOut.hidden = false;
  try {
    state.stories = await api('/sandbox/api/stories');
  } catch (e) {
    if (e instanceof SignedOut) return toLogin();
    return fatal(`Cannot load the patient list: ${e.message}`);
  }
  renderPatientList();
  $('patient-filter').addEventListener('input', renderPatientList);
  $('app-close').addEventListener('click', closeApp);
  window.addEventListener('hashchange', openFromHash);
  document.body.dataset.ready = 'true';
  openFromHash();
}

function fatal(message) {
  $('chart').replaceChildren(h('p.error', { role: 'alert', 'data-testid': 'ehr-error' }, message));
  document.body.dataset.ready = 'error';
}

// ---- patient list ------------------------------------------------------------------------------------

function renderPatientList() {
  const q = $('patient-filter').value.trim().toLowerCase();
  const list = $('patient-list');
  const shown = state.stories.filter((s) =>
    !q || [s.title, s.name, s.patientId, s.id].some((v) => (v ?? '').toLowerCase().includes(q)));
  list.replaceChildren(
    ...shown.map((s) =>
      h('li', {},
        h('button.patient', {
          type: 'button',
          'data-testid': `patient-${s.patientId}`,
          'data-patient': s.patientId,
          'aria-current': state.current?.patientId === s.patientId ? 'true' : undefined,
          onclick: () => { location.hash = `patient=${encodeURIComponent(s.patientId)}`; },
        },
        h('span.patient-title', {}, s.title),
        h('span.patient-meta', {}, [s.name, s.gender, s.birthDate && `born ${s.birthDate}`].filter(Boolean).join(' · '))))),
  );
  if (shown.length === 0) list.append(h('li.muted', {}, state.stories.length ? 'No patient matches.' : 'No patients loaded.'));
}

function openFromHash() {
  const id = new URLSearchParams(location.hash.slice(1)).get('patient');
  const story = id && state.stories.find((s) => s.patientId === id);
  if (story) openChart(story);
}

// ---- chart -------------------------------------------------------------------------------------------

function openChart(story) {
  state.current = story;
  state.hook = null;
  state.exchanges = [];
  state.orderCalls = null;
  renderPatientList();
  document.querySelector('button.patient[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  const chart = $('chart');
  chart.replaceChildren(
    banner(story),
    h('div.toolbar', {},
      h('button.primary', { type: 'button', 'data-testid': 'open-app', onclick: () => launchApp(story.patientId) }, 'Open CARAC Watch'),
      h('button', { type: 'button', 'data-testid': 'refire-hook', onclick: () => fireHook(story) }, 'Run patient-view again')),
    h('section.cds', { 'aria-labelledby': 'cds-heading', 'data-testid': 'ehr-cards', 'data-state': 'idle' },
      h('h2', { id: 'cds-heading' }, 'Decision support'),
      h('p.hook-status', { 'data-testid': 'hook-status', role: 'status', 'aria-live': 'polite' }),
      h('div.card-list', { id: 'card-list' })),
    h('section.orders', { 'data-testid': 'order-screen', id: 'order-screen' }),
    h('details.integrator', { 'data-testid': 'integrator', id: 'integrator' },
      h('summary', {}, 'Integrator panel: raw CDS Hooks traffic'),
      h('div', { id: 'integrator-body' })),
  );
  document.title = `${story.name ?? story.patientId} – CARAC Watch sandbox EHR`;
  chart.focus({ preventScroll: true });
  mountOrderScreen($('order-screen'), story, {
    h, api, cardView, outcomeText, SignedOut, toLogin,
    recordExchange: (x) => { state.orderCalls = x; renderIntegrator(); },
  });
  fireHook(story);
}

function banner(story) {
  const facts = [
    story.gender && `${story.gender[0].toUpperCase()}${story.gender.slice(1)}`,
    story.birthDate && `born ${story.birthDate}`,
    `id ${story.patientId}`,
  ].filter(Boolean);
  return h('section.banner', { 'data-testid': 'ehr-patient-banner', 'data-patient': story.patientId, 'aria-label': 'Patient' },
    h('h1', {}, story.name ?? story.patientId),
    h('p.banner-facts', {}, facts.join(' · ')),
    h('p.banner-story', {}, h('strong', {}, story.title), ` — data as of ${story.asOfDate}`),
    story.description ? h('p.banner-desc', {}, story.description) : null);
}

async function fireHook(story) {
  const generation = ++state.generation;
  const section = document.querySelector('[data-testid="ehr-cards"]');
  const status = document.querySelector('[data-testid="hook-status"]');
  section.dataset.state = 'running';
  section.setAttribute('aria-busy', 'true');
  status.textContent = 'Calling CDS services (patient-view)…';
  $('card-list').replaceChildren();
  const started = performance.now();
  let result;
  try {
    result = await api('/sandbox/api/hooks/patient-view', { method: 'POST', body: { patient: story.patientId } });
  } catch (e) {
    if (generation !== state.generation) return;
    if (e instanceof SignedOut) return toLogin();
    section.dataset.state = 'error';
    section.removeAttribute('aria-busy');
    status.textContent = '';
    $('card-list').replaceChildren(h('p.error', { role: 'alert', 'data-testid': 'hook-error' }, `The hook could not be sent: ${e.message}`));
    return;
  }
  if (generation !== state.generation) return;
  const ms = Math.round(performance.now() - started);
  window.ehrTiming.hooks.push({ patient: story.patientId, pageMs: ms, serverMs: result.elapsedMs });
  state.hook = result;
  renderCards(result, ms);
  renderIntegrator();
  section.removeAttribute('aria-busy');
}

function renderCards(result, ms) {
  const section = document.querySelector('[data-testid="ehr-cards"]');
  const status = document.querySelector('[data-testid="hook-status"]');
  const list = $('card-list');
  const problems = [];
  const cards = [];
  for (const d of result.discoveries ?? [result.discovery]) {
    if (d.status !== 200) problems.push(`Discovery ${d.url} answered ${d.status ? `HTTP ${d.status}` : `nothing (${d.body})`}.`);
  }
  for (const call of result.calls) {
    if (call.status === 200 && Array.isArray(call.body?.cards)) {
      call.body.cards.forEach((card, index) => cards.push({ card, call, index }));
    } else {
      problems.push(`${call.title ?? call.serviceId} answered HTTP ${call.status}${outcomeText(call.body)}`);
    }
  }
  cards.sort((a, b) => (INDICATOR_ORDER[a.card.indicator] ?? 3) - (INDICATOR_ORDER[b.card.indicator] ?? 3) || a.index - b.index);
  const services = result.calls.map((c) => `${c.serviceId} HTTP ${c.status} in ${c.elapsedMs} ms`).join('; ');
  status.textContent = `${cards.length} card${cards.length === 1 ? '' : 's'} · ${services || 'no patient-view service'} · ${ms} ms in all`;
  list.replaceChildren(
    ...problems.map((p) => h('p.error', { role: 'alert', 'data-testid': 'hook-error' }, p)),
    ...cards.map(({ card, call }) => cardView(card, call)),
  );
  if (cards.length === 0 && problems.length === 0) {
    list.append(h('p.no-cards', { 'data-testid': 'no-cards' }, 'No decision-support cards for this patient.'));
  }
  section.dataset.state = problems.length ? 'error' : 'done';
  section.dataset.cardCount = String(cards.length);
}

function outcomeText(body) {
  const issues = body?.resourceType === 'OperationOutcome' ? body.issue ?? [] : [];
  const text = issues.map((i) => i.details?.text || i.diagnostics).filter(Boolean).join('; ');
  return text ? `: ${text}` : '.';
}

// ---- one card ----------------------------------------------------------------------------------------

function cardView(card, call) {
  const indicator = INDICATOR_LABEL[card.indicator] ? card.indicator : 'info';
  const code = card.source?.topic?.code ?? 'untitled';
  const id = `card-${Math.random().toString(36).slice(2, 9)}`;
  const feedbackStatus = h('p.feedback-status', { role: 'status', 'aria-live': 'polite', 'data-testid': 'feedback-status' });
  const actions = h('div.card-actions', {});
  const article = h(`article.cds-card.cds-card--${indicator}`, {
    'data-testid': `ehr-card-${code}`,
    'data-service': call.serviceId,
    'data-indicator': indicator,
    'data-uuid': card.uuid,
    'aria-labelledby': `${id}-summary`,
  },
  h('header.card-head', {},
    h(`span.badge.badge--${indicator}`, {}, INDICATOR_LABEL[indicator]),
    h('h3', { id: `${id}-summary` }, card.summary)),
  card.detail ? h('details.card-detail', { open: indicator === 'critical' },
    h('summary', {}, 'Details'),
    h('div.markdown', { 'data-testid': 'card-detail' }, renderMarkdown(card.detail))) : null,
  sourceLine(card.source),
  suggestions(card, call, feedbackStatus, actions),
  links(card),
  actions,
  feedbackStatus);
  if (card.uuid) fillActions(actions, card, call, feedbackStatus);
  return article;
}

function sourceLine(source) {
  if (!source) return null;
  const label = safeUrl(source.url)
    ? h('a', { href: source.url, target: '_blank', rel: 'noopener noreferrer' }, source.label)
    : h('span', {}, source.label);
  return h('p.card-source', {}, 'Source: ', label, source.topic?.display ? ` · ${source.topic.display}` : '');
}

function suggestions(card, call, status, actions) {
  if (!Array.isArray(card.suggestions) || card.suggestions.length === 0) return null;
  return h('div.suggestions', {},
    h('h4', {}, card.selectionBehavior === 'at-most-one' ? 'Suggestions (choose at most one)' : 'Suggestions'),
    h('ul', {}, card.suggestions.map((s) => h('li', {},
      h('span', {}, s.label, s.isRecommended ? ' (recommended)' : ''),
      ' ',
      card.uuid && s.uuid
        ? h('button', { type: 'button', 'data-testid': 'accept-suggestion', onclick: () =>
            acceptSuggestion(card, call, s, status, actions) }, 'Accept suggestion')
        : null))));
}

/** Feedback names the accepted suggestion; a screen that can carry out its actions (the order screen) does. */
async function acceptSuggestion(card, call, suggestion, status, actions) {
  await sendFeedback(card, call, { outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }] }, status, actions);
  if (status.dataset.outcome === 'accepted') call.onSuggestion?.(suggestion, card);
}

function links(card) {
  if (!Array.isArray(card.links) || card.links.length === 0) return null;
  return h('div.card-links', {}, card.links.map((link) => {
    if (link.type === 'smart') {
      return h('button.link', {
        type: 'button',
        'data-testid': 'smart-link',
        'data-app-context': link.appContext,
        onclick: () => launchApp(state.current.patientId, link.appContext, link.url),
      }, link.label);
    }
    if (safeUrl(link.url)) {
      return h('a.link', { href: link.url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'absolute-link' }, link.label, ' ↗');
    }
    return null;
  }));
}

function fillActions(actions, card, call, status) {
  const reasons = Array.isArray(card.overrideReasons) ? card.overrideReasons : [];
  const pickerId = `override-${card.uuid}`;
  const select = h('select', { id: `${pickerId}-reason`, 'data-testid': 'override-reason' },
    h('option', { value: '' }, reasons.length ? 'Choose a reason…' : 'No reason given'),
    reasons.map((r, k) => h('option', { value: String(k) }, r.display ?? r.code)));
  const comment = h('input', { id: `${pickerId}-comment`, type: 'text', maxlength: '500', 'data-testid': 'override-comment' });
  const picker = h('form.override', { hidden: true, 'data-testid': 'override-picker', onsubmit: (ev) => {
    ev.preventDefault();
    const reason = select.value === '' ? null : reasons[Number(select.value)];
    const overrideReason = {};
    if (reason) overrideReason.reason = reason;
    if (comment.value.trim()) overrideReason.userComment = comment.value.trim();
    sendFeedback(card, call, Object.keys(overrideReason).length ? { outcome: 'overridden', overrideReason } : { outcome: 'overridden' }, status, actions);
  } },
  h('label', { for: select.id }, 'Reason'), select,
  h('label', { for: comment.id }, 'Comment (optional)'), comment,
  h('button.primary', { type: 'submit', 'data-testid': 'send-dismiss' }, 'Dismiss card'),
  h('button', { type: 'button', onclick: () => { picker.hidden = true; dismiss.focus(); } }, 'Cancel'));
  const accept = h('button', { type: 'button', 'data-testid': 'accept-card', onclick: () => sendFeedback(card, call, { outcome: 'accepted' }, status, actions) }, 'Accept');
  const dismiss = h('button', { type: 'button', 'data-testid': 'dismiss-card', 'aria-expanded': 'false', onclick: () => {
    picker.hidden = !picker.hidden;
    dismiss.setAttribute('aria-expanded', String(!picker.hidden));
    if (!picker.hidden) select.focus();
  } }, 'Dismiss…');
  actions.replaceChildren(accept, dismiss, picker);
}

async function sendFeedback(card, call, outcome, status, actions) {
  status.textContent = 'Sending feedback…';
  actions.querySelectorAll('button, select, input').forEach((b) => { b.disabled = true; });
  try {
    const result = await api('/sandbox/api/hooks/feedback', {
      method: 'POST',
      body: { serviceId: call.serviceId, discoveryUrl: call.discoveryUrl, feedback: [{ card: card.uuid, ...outcome }] },
    });
    state.exchanges.push({ label: `Feedback (${outcome.outcome})`, ...result });
    renderIntegrator();
    if (result.status >= 200 && result.status < 300) {
      status.textContent = outcome.outcome === 'accepted' ? `Accepted · feedback sent (HTTP ${result.status})` : `Dismissed · feedback sent (HTTP ${result.status})`;
      status.dataset.outcome = outcome.outcome;
      actions.hidden = true;
    } else {
      status.textContent = `Feedback refused: HTTP ${result.status}${outcomeText(result.body)}`;
      actions.querySelectorAll('button, select, input').forEach((b) => { b.disabled = false; });
    }
  } catch (e) {
    if (e instanceof SignedOut) return toLogin();
    status.textContent = `Feedback not sent: ${e.message}`;
    actions.querySelectorAll('button, select, input').forEach((b) => { b.disabled = false; });
  }
}

// ---- integrator panel --------------------------------------------------------------------------------

function renderIntegrator() {
  const body = $('integrator-body');
  if (!body || !state.hook) return;
  const r = state.hook;
  const parts = [
    ...(r.discoveries ?? [r.discovery]).map((d) => h('p', { 'data-testid': 'discovery-line' },
      `Discovery: GET ${d.url} → ${d.status ? `HTTP ${d.status}` : 'unreachable'}${d.cached ? ' (cached)' : ` in ${d.elapsedMs} ms`}.`)),
    h('p', {}, 'Requests are signed by the sandbox server (ES384 JWT, jku = the sandbox JWKS); the access token is redacted here.'),
  ];
  for (const call of r.calls) {
    parts.push(
      h('h3', {}, `POST ${call.url}`),
      h('p.muted', {}, `Prefetch: ${call.prefetchKeys} keys resolved against this EHR's FHIR server in ${call.prefetchMs} ms; ` +
        `the service answered HTTP ${call.status} in ${call.elapsedMs} ms.`),
      h('h4', {}, 'Request'),
      h('pre.json', { 'data-testid': 'raw-request', tabindex: '0' }, JSON.stringify(call.request, null, 2)),
      h('h4', {}, `Response (HTTP ${call.status})`),
      h('pre.json', { 'data-testid': 'raw-response', tabindex: '0' }, JSON.stringify(call.body, null, 2)));
  }
  for (const call of state.orderCalls?.calls ?? []) {
    parts.push(
      h('h3', {}, `${state.orderCalls.label}: POST ${call.url}`),
      h('pre.json', { 'data-testid': 'raw-order-request', tabindex: '0' }, JSON.stringify(call.request, null, 2)),
      h('h4', {}, `Response (HTTP ${call.status})`),
      h('pre.json', { 'data-testid': 'raw-order-response', tabindex: '0' }, JSON.stringify(call.body, null, 2)));
  }
  for (const x of state.exchanges) {
    parts.push(
      h('h3', {}, `${x.label}: POST ${x.url}`),
      h('pre.json', { 'data-testid': 'raw-feedback-request', tabindex: '0' }, JSON.stringify(x.request, null, 2)),
      h('h4', {}, `Response (HTTP ${x.status}, ${x.elapsedMs} ms)`),
      h('pre.json', { tabindex: '0' }, x.body === null ? '(empty body)' : JSON.stringify(x.body, null, 2)));
  }
  body.replaceChildren(...parts);
}

// ---- SMART EHR launch --------------------------------------------------------------------------------

async function launchApp(patientId, appContext, launchUrl) {
  let launch;
  try {
    ({ launch } = await api('/sandbox/launch', { method: 'POST', body: appContext ? { patient: patientId, appContext } : { patient: patientId } }));
  } catch (e) {
    if (e instanceof SignedOut) return toLogin();
    const status = document.querySelector('[data-testid="hook-status"]');
    if (status) status.textContent = `The app could not be launched: ${e.message}`;
    return;
  }
  // A card's SMART link names the app's launch URL. The service sees this sandbox under its server-side
  // name (http://localhost:<port>); the same server reached as 127.0.0.1 is this origin, so the launch
  // stays here (same session, and the app's redirect URI matches). Another origin is launched as named.
  let target = new URL('/app/launch.html', location.origin);
  if (launchUrl) {
    try {
      const u = new URL(launchUrl, location.origin);
      const loopback = (host) => ['localhost', '127.0.0.1', '[::1]'].includes(host);
      if (u.origin === location.origin || (loopback(u.hostname) && loopback(location.hostname) && u.port === location.port)) {
        target = new URL(u.pathname, location.origin);
      } else if (u.protocol === 'http:' || u.protocol === 'https:') {
        target = u;
      }
    } catch {
      // not a URL: keep the default
    }
  }
  target.searchParams.set('iss', `${location.origin}/fhir`);
  target.searchParams.set('launch', launch);
  openApp(target.origin === location.origin ? target.pathname + target.search : target.href);
}

function openApp(url) {
  const panel = $('app-panel');
  window.ehrTiming.lastLaunchAt = performance.now();
  $('app-frame').src = url;
  $('app-popout').href = url;
  panel.hidden = false;
  document.body.classList.add('with-app');
  $('app-close').focus();
}

function closeApp() {
  $('app-frame').src = 'about:blank';
  $('app-panel').hidden = true;
  document.body.classList.remove('with-app');
  document.querySelector('[data-testid="open-app"]')?.focus();
}

function safeUrl(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

start();
