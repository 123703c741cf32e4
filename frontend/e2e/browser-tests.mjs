// Browser tests of the sandbox EHR page and the CARAC Watch SMART app, in headless Debian Chromium driven
// by playwright-core (no browser download). Run by src/test/java/carac/browser/BrowserIT.java against the
// integration-test application, or by hand against a running sandbox:
//
//   node frontend/e2e/browser-tests.mjs --base http://127.0.0.1:18080 [--out target/browser-screenshots]
//        [--only name,name] [--chromium /usr/bin/chromium] [--samples 5]
//
// Use the 127.0.0.1 address: the app's registered loopback redirect URI (http://127.0.0.1/app/index.html)
// matches any port. Screenshots and timings.json go to --out. Exit 0 when every scenario passed.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = parseArgs(process.argv.slice(2));
const BASE = (args.base ?? process.env.CARAC_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const OUT = resolve(args.out ?? join(repo, 'target', 'browser-screenshots'));
const SCENARIOS = resolve(args.scenarios ?? join(repo, 'fhir-resources', 'scenarios'));
const CHROMIUM = args.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLES = Number(args.samples ?? 5);
const ONLY = args.only ? new Set(args.only.split(',')) : null;
const USER = { name: 'clinician', password: 'clinician' };
const TIMEOUT = 60_000;

// Stories: one with critical cards, one that must not fire, a third for the standalone / two-tab checks.
const CRITICAL_STORY = 'tc-02-crs-dic-tocilizumab';
const QUIET_STORY = 'tc-01-uncomplicated-course';
const OTHER_STORY = 'tc-12-ich-overt-dic';
const patientOf = (story) => `${story}-patient`;

mkdirSync(OUT, { recursive: true });
const timings = { base: BASE, firstChartMs: [], launchToFirstChartMs: [], hookRoundTripMs: [], hookServerMs: [] };
const results = [];

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    if (list[i].startsWith('--')) out[list[i].slice(2)] = list[i + 1]?.startsWith('--') || list[i + 1] === undefined ? 'true' : list[++i];
  }
  return out;
}

function log(line) {
  process.stdout.write(`[browser] ${line}\n`);
}

/** The rules and indicators expected-cards.json lists for the story's own as-of (English). */
function expectedCards(story) {
  const asOf = JSON.parse(readFileSync(join(SCENARIOS, story, 'scenario.json'), 'utf8')).asOf;
  const all = JSON.parse(readFileSync(join(SCENARIOS, story, 'expected-cards.json'), 'utf8'));
  const entry = all.find((e) => e.asOf === asOf && (e.language ?? 'en') === 'en');
  assert.ok(entry, `${story}: no expected cards at ${asOf}`);
  return Object.fromEntries(entry.cards.map((c) => [c.rule, c.indicator]));
}

async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
}

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- browser plumbing ------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
log(`Chromium ${browser.version()} at ${CHROMIUM}; base ${BASE}; screenshots in ${OUT}`);

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(TIMEOUT);
  const errors = [];
  context.on('page', (page) => watch(page, errors));
  return { context, errors };
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`  console error (${page.url().replace(BASE, '')}): ${m.text()}`);
  });
}

async function signIn(page) {
  await page.waitForURL(/\/login/);
  await page.fill('#username', USER.name);
  await page.fill('#password', USER.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

/** Signed in on the EHR page with the patient list shown. */
async function openEhr(context) {
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  await signIn(page); // the page sends a visitor without a session to /login, which returns to /
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector(`[data-testid="patient-${patientOf(CRITICAL_STORY)}"]`);
  return page;
}

/** Opens a chart from the list and waits for the CDS cards (or their absence). */
async function openChart(page, story) {
  const started = Date.now();
  await page.click(`[data-testid="patient-${patientOf(story)}"]`);
  await page.waitForSelector(`[data-testid="ehr-patient-banner"][data-patient="${patientOf(story)}"]`);
  await page.waitForSelector('[data-testid="ehr-cards"][data-state="done"], [data-testid="ehr-cards"][data-state="error"]');
  assert.equal(await page.getAttribute('[data-testid="ehr-cards"]', 'data-state'), 'done',
    `the hook failed: ${await page.textContent('[data-testid="ehr-cards"]')}`);
  const t = await page.evaluate(() => window.ehrTiming.hooks.at(-1));
  timings.hookRoundTripMs.push(t.pageMs);
  timings.hookServerMs.push(t.serverMs);
  return Date.now() - started;
}

/** CARAC Watch's cards (the page also shows a third-party service's, see thirdPartyCard). */
async function shownCards(page) {
  return page.$$eval('[data-testid^="ehr-card-"][data-service="carac-patient-view"]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [n.dataset.testid.replace('ehr-card-', ''), n.dataset.indicator])));
}

async function appFrame(page) {
  const handle = await page.waitForSelector('[data-testid="app-frame"]', { state: 'attached' });
  return handle.contentFrame();
}

/** Marks the app frame's current document, runs `action`, then waits for a new document to be ready. */
async function launchInFrame(page, action) {
  const frame = await appFrame(page);
  await frame.evaluate(() => { window.__previousDocument = true; }).catch(() => undefined);
  const started = Date.now();
  await action();
  await frame.waitForFunction(
    () => !window.__previousDocument && location.pathname.endsWith('/index.html') && ['true', 'error'].includes(document.body.dataset.ready),
    null, { timeout: TIMEOUT, polling: 100 });
  const elapsed = Date.now() - started;
  const ready = await frame.evaluate(() => document.body.dataset.ready);
  if (ready !== 'true') assert.fail(`the app shows an error: ${await frame.textContent('body')}`);
  return { frame, elapsed };
}

async function bannerOf(frame) {
  return (await frame.textContent('[data-testid="patient-banner"]')) ?? '';
}

// ---- scenarios ---------------------------------------------------------------------------------------

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

scenario('ehr-critical-story-cards', async () => {
  const { context, errors } = await newContext();
  try {
    const page = await openEhr(context);
    await shot(page, '01-ehr-patient-list');
    await openChart(page, CRITICAL_STORY);
    const expected = expectedCards(CRITICAL_STORY);
    assert.ok(Object.values(expected).includes('critical'), 'the chosen story has a critical card');
    assert.deepEqual(await shownCards(page), expected);
    // critical first, each card readable: summary, rendered Markdown detail, source, SMART link, feedback
    const first = await page.$eval('[data-testid^="ehr-card-"]', (n) => n.dataset.indicator);
    assert.equal(first, 'critical');
    const dic = page.locator('[data-testid="ehr-card-R-DIC"]');
    assert.ok((await dic.locator('[data-testid="card-detail"] li').count()) > 0, 'detail Markdown rendered as a list');
    assert.equal(await dic.locator('[data-testid="card-detail"] script, [data-testid="card-detail"] img').count(), 0);
    assert.match(await dic.locator('.card-source').textContent(), /CARAC Watch/);
    assert.equal(await dic.locator('[data-testid="smart-link"]').count(), 1);
    await shot(page, '02-ehr-chart-critical-cards');

    // a second CDS service (another vendor's, configured like a real EHR registers it): its card renders
    // beside ours, and its feedback goes to its own feedback URL
    const vendor = page.locator('[data-service="third-party-check"]');
    assert.equal(await vendor.count(), 1, 'the third-party card is shown');
    assert.match(await vendor.locator('h3').textContent(), /Third-party reminder/);
    assert.match(await vendor.locator('.card-source').textContent(), /Vendor CDS/);
    await vendor.locator('[data-testid="accept-card"]').click();
    await vendor.locator('[data-testid="feedback-status"][data-outcome="accepted"]').waitFor();
    assert.match(await vendor.locator('[data-testid="feedback-status"]').textContent(), /HTTP 200/);
    assert.equal(await page.locator('[data-testid="discovery-line"]').count(), 2);

    // integrator panel: the real request (token redacted) and response
    await page.click('[data-testid="integrator"] > summary');
    const request = JSON.parse(await page.textContent('[data-testid="raw-request"]'));
    assert.equal(request.hook, 'patient-view');
    assert.match(request.hookInstance, /^[0-9a-f-]{36}$/);
    assert.equal(request.context.patientId, patientOf(CRITICAL_STORY));
    assert.match(request.context.userId, /^Practitioner\//);
    assert.equal(request.fhirAuthorization.token_type, 'Bearer');
    assert.equal(request.fhirAuthorization.patient, patientOf(CRITICAL_STORY));
    assert.match(request.fhirAuthorization.access_token, /redacted/);
    assert.ok(Object.keys(request.prefetch).includes('patient'), 'prefetch resolved by the EHR');
    assert.equal(request.prefetch.patient.id, patientOf(CRITICAL_STORY));
    assert.doesNotMatch(await page.textContent('[data-testid="integrator"]'), /eyJ[A-Za-z0-9_-]{10,}\./, 'no token in the page');
    const response = JSON.parse(await page.textContent('[data-testid="raw-response"]'));
    assert.equal(response.cards.length, Object.keys(expected).length);
    await page.locator('[data-testid="integrator"]').scrollIntoViewIfNeeded();
    await shot(page, '03-ehr-integrator-panel');
    await page.click('[data-testid="integrator"] > summary');

    // feedback: accept one card, dismiss another with an override reason (keyboard only)
    const peak = page.locator('[data-testid="ehr-card-R-PEAK"]');
    await peak.locator('[data-testid="accept-card"]').click();
    await peak.locator('[data-testid="feedback-status"][data-outcome="accepted"]').waitFor();
    assert.match(await peak.locator('[data-testid="feedback-status"]').textContent(), /HTTP 200/);
    const thr = page.locator('[data-testid="ehr-card-R-THR"]');
    await thr.locator('[data-testid="dismiss-card"]').focus();
    await page.keyboard.press('Enter');
    await thr.locator('[data-testid="override-reason"]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'override-reason');
    await thr.locator('[data-testid="override-reason"]').selectOption({ index: 2 });
    await thr.locator('[data-testid="override-comment"]').fill('discussed on ward round');
    await thr.locator('[data-testid="override-picker"]').scrollIntoViewIfNeeded();
    await shot(page, '04-ehr-override-reason-picker');
    await thr.locator('[data-testid="send-dismiss"]').click();
    await thr.locator('[data-testid="feedback-status"][data-outcome="overridden"]').waitFor();
    assert.match(await thr.locator('[data-testid="feedback-status"]').textContent(), /HTTP 200/);
    await page.click('[data-testid="integrator"] > summary');
    const sent = JSON.parse(await page.locator('[data-testid="raw-feedback-request"]').last().textContent());
    assert.equal(sent.feedback[0].outcome, 'overridden');
    assert.ok(sent.feedback[0].overrideReason.reason.code, 'override reason coding sent');
    assert.equal(sent.feedback[0].overrideReason.userComment, 'discussed on ward round');
    assert.ok(sent.feedback[0].outcomeTimestamp);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

scenario('ehr-quiet-story-no-cards', async () => {
  const { context, errors } = await newContext();
  try {
    const page = await openEhr(context);
    assert.deepEqual(expectedCards(QUIET_STORY), {});
    // keyboard: filter the list, tab to the patient, Enter opens the chart
    await page.fill('[data-testid="patient-filter"]', 'TC-01');
    await page.waitForSelector(`[data-testid="patient-${patientOf(CRITICAL_STORY)}"]`, { state: 'detached' });
    await page.focus('[data-testid="patient-filter"]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.patient), patientOf(QUIET_STORY));
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid="ehr-patient-banner"][data-patient="${patientOf(QUIET_STORY)}"]`);
    await page.waitForSelector('[data-testid="ehr-cards"][data-state="done"]');
    assert.deepEqual(await shownCards(page), {});
    await page.waitForSelector('[data-testid="no-cards"]');
    assert.match(await page.textContent('[data-testid="hook-status"]'), /0 cards · carac-patient-view HTTP 200/);
    await shot(page, '05-ehr-chart-no-cards');
    // more samples of the hook round trip (discovery cached, as an EHR would)
    await page.fill('[data-testid="patient-filter"]', '');
    await page.click(`[data-testid="patient-${patientOf(CRITICAL_STORY)}"]`);
    await page.waitForSelector(`[data-testid="ehr-patient-banner"][data-patient="${patientOf(CRITICAL_STORY)}"]`);
    await page.waitForSelector('[data-testid="ehr-cards"][data-state="done"]');
    for (let i = 0; i < SAMPLES; i++) {
      await page.click('[data-testid="refire-hook"]');
      await page.waitForSelector('[data-testid="ehr-cards"][data-state="done"]');
      const t = await page.evaluate(() => window.ehrTiming.hooks.at(-1));
      timings.hookRoundTripMs.push(t.pageMs);
      timings.hookServerMs.push(t.serverMs);
    }
    assert.deepEqual(await shownCards(page), expectedCards(CRITICAL_STORY));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

scenario('ehr-launch-from-chart-and-card', async () => {
  const { context, errors } = await newContext();
  try {
    const page = await openEhr(context);
    await openChart(page, CRITICAL_STORY);
    // "Open CARAC Watch": EHR launch in the side panel, on this patient
    const { frame, elapsed } = await launchInFrame(page, () => page.click('[data-testid="open-app"]'));
    assert.match(await bannerOf(frame), new RegExp(patientOf(CRITICAL_STORY)));
    assert.equal(await frame.$('main[data-focused-day]'), null, 'no day focused without appContext');
    timings.launchToFirstChartMs.push(elapsed);
    timings.firstChartMs.push(await frame.evaluate(() => window.caracTiming.firstChartMs));
    await shot(page, '06-ehr-app-side-panel');

    // a card's SMART link: the app opens on the card's day (appContext through the token response)
    const link = page.locator('[data-testid="ehr-card-R-DIC"] [data-testid="smart-link"]');
    const appContext = JSON.parse(await link.getAttribute('data-app-context'));
    assert.equal(typeof appContext.day, 'number');
    const fromCard = await launchInFrame(page, () => link.click());
    assert.match(await bannerOf(fromCard.frame), new RegExp(patientOf(CRITICAL_STORY)));
    assert.equal(await fromCard.frame.getAttribute('main', 'data-focused-day'), String(appContext.day));
    await fromCard.frame.waitForSelector(`[data-testid="day-row-${appContext.day}"]`);
    await fromCard.frame.waitForSelector(`[data-testid="card-${appContext.rule}"]`);
    await shot(page, '07-ehr-app-from-card-smart-link');

    // more samples of the chart-button launch for the timings
    for (let i = 1; i < SAMPLES; i++) {
      const again = await launchInFrame(page, () => page.click('[data-testid="open-app"]'));
      timings.launchToFirstChartMs.push(again.elapsed);
      timings.firstChartMs.push(await again.frame.evaluate(() => window.caracTiming.firstChartMs));
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

scenario('standalone-launch-with-patient-picker', async () => {
  const { context, errors } = await newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/app/launch.html?iss=${encodeURIComponent(`${BASE}/fhir`)}`);
    await signIn(page);
    await page.waitForSelector(`button[data-patient="${patientOf(OTHER_STORY)}"]`);
    await page.locator(`button[data-patient="${patientOf(OTHER_STORY)}"]`).scrollIntoViewIfNeeded();
    await page.focus(`button[data-patient="${patientOf(OTHER_STORY)}"]`);
    await shot(page, '08-standalone-patient-picker');
    await Promise.all([page.waitForURL(/\/app\/index\.html/), page.click(`button[data-patient="${patientOf(OTHER_STORY)}"]`)]);
    await page.waitForSelector('body[data-ready="true"], body[data-ready="error"]');
    assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('body'));
    assert.match(await page.textContent('[data-testid="patient-banner"]'), new RegExp(patientOf(OTHER_STORY)));
    await shot(page, '09-standalone-app');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** Serves the built app (target/classes/static/app) from another origin, as a third party would host it; the
 *  deployer's meta tag points the app at the sandbox's /api/summary. */
async function serveAppElsewhere() {
  const { createServer } = await import('node:http');
  const root = join(repo, 'target', 'classes', 'static', 'app');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname.replace(/^\/app\//, '');
    try {
      let body = readFileSync(join(root, path.replace(/\.\./g, '')));
      if (path.endsWith('.html')) {
        body = body.toString().replace('<head>', `<head><meta name="carac-summary-url" content="${BASE}/api/summary" />`);
      }
      res.writeHead(200, { 'Content-Type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

scenario('standalone-launch-from-another-origin', async () => {
  const { context, errors } = await newContext();
  const { server, origin } = await serveAppElsewhere();
  try {
    assert.notEqual(origin, new URL(BASE).origin);
    const page = await context.newPage();
    await page.goto(`${origin}/app/launch.html?iss=${encodeURIComponent(`${BASE}/fhir`)}`); // SMART configuration: CORS
    await signIn(page);
    await page.waitForSelector(`button[data-patient="${patientOf(OTHER_STORY)}"]`);
    await Promise.all([page.waitForURL(new RegExp(`^${origin}/app/index\\.html`)),
      page.click(`button[data-patient="${patientOf(OTHER_STORY)}"]`)]);
    // token endpoint, FHIR Patient read and /api/summary, all cross-origin from this page
    await page.waitForSelector('body[data-ready="true"], body[data-ready="error"]');
    assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('body'));
    assert.match(await page.textContent('[data-testid="patient-banner"]'), new RegExp(patientOf(OTHER_STORY)));
    await shot(page, '15-standalone-app-other-origin');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});

scenario('two-tabs-two-patients', async () => {
  const { context, errors } = await newContext();
  try {
    const ehr = await openEhr(context);
    const launches = await ehr.evaluate(async (patients) => {
      const session = await (await fetch('/sandbox/api/session', { headers: { Accept: 'application/json' } })).json();
      const out = [];
      for (const patient of patients) {
        const r = await fetch('/sandbox/launch', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [session.csrf.headerName]: session.csrf.token },
          body: JSON.stringify({ patient }),
        });
        out.push((await r.json()).launch);
      }
      return out;
    }, [patientOf(CRITICAL_STORY), patientOf(OTHER_STORY)]);
    const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
    const iss = encodeURIComponent(`${BASE}/fhir`);
    // both launches run at the same time in one browser (one cookie jar, two tabs)
    await Promise.all([
      a.goto(`${BASE}/app/launch.html?iss=${iss}&launch=${encodeURIComponent(launches[0])}`),
      b.goto(`${BASE}/app/launch.html?iss=${iss}&launch=${encodeURIComponent(launches[1])}`),
    ]);
    const check = async () => {
      for (const [page, mine, other] of [[a, CRITICAL_STORY, OTHER_STORY], [b, OTHER_STORY, CRITICAL_STORY]]) {
        await page.waitForSelector('body[data-ready="true"]');
        assert.match(await page.textContent('[data-testid="patient-banner"]'), new RegExp(patientOf(mine)));
        const text = await page.textContent('body');
        assert.ok(text.includes(`${mine}-`), `${mine}: own records shown`);
        assert.ok(!text.includes(`${other}-`), `${mine}'s tab shows nothing of ${other}`);
      }
    };
    await check();
    await a.bringToFront();
    await shot(a, '10-two-tabs-tab-a');
    await b.bringToFront();
    await shot(b, '11-two-tabs-tab-b');
    // a reload of each tab, and a language switch (a new request) in one, keep each tab on its own patient
    await Promise.all([a.reload(), b.reload()]);
    await check();
    await a.selectOption('[data-testid="lang-switch"]', 'zh');
    await a.waitForSelector('body[data-ready="true"]');
    await check();
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

scenario('app-without-valid-launch', async () => {
  const { context } = await newContext();
  try {
    const page = await context.newPage();
    // index.html opened directly: no launch state in this tab
    await page.goto(`${BASE}/app/index.html`);
    await page.waitForSelector('[data-testid="launch-error"]');
    assert.equal(await page.getAttribute('body', 'data-ready'), 'error');
    assert.equal(await page.getAttribute('[data-testid="launch-error"]', 'data-error-kind'), 'launch');
    const why = (await page.textContent('[data-testid="launch-error"]')).trim();
    assert.ok(why.length > 20, `the error says why: "${why}"`);
    await shot(page, '12-app-launch-error-no-state');
    // launch.html without iss
    await page.goto(`${BASE}/app/launch.html`);
    await page.waitForSelector('[data-testid="launch-error"]');
    assert.equal(await page.getAttribute('[data-testid="launch-error"]', 'data-error-kind'), 'launch');
    assert.match(await page.textContent('[data-testid="launch-error"]'), /iss/i);
    await shot(page, '13-app-launch-error-no-iss');
    // an unknown launch value: the authorization server refuses it and the app says so
    const signedIn = await openEhr(context);
    await signedIn.close();
    await page.goto(`${BASE}/app/launch.html?iss=${encodeURIComponent(`${BASE}/fhir`)}&launch=not-a-launch`);
    await page.waitForSelector('[data-testid="launch-error"]');
    assert.equal(await page.getAttribute('body', 'data-ready'), 'error');
    assert.ok((await page.textContent('[data-testid="launch-error"]')).trim().length > 20);
    await shot(page, '14-app-launch-error-bad-launch');
  } finally {
    await context.close();
  }
});

// ---- run ---------------------------------------------------------------------------------------------

scenario('ehr-order-screen', async () => {
  // ord-ac-platelets: platelets 49 x10^9/L on the story's day (fhir-resources/generator/order_edges.py)
  const story = 'ord-ac-platelets';
  const { context, errors } = await newContext();
  try {
    const page = await openEhr(context);
    await page.fill('[data-testid="patient-filter"]', story);
    await openChart(page, story);
    const screen = page.locator('[data-testid="order-screen"]');
    await page.waitForSelector('[data-testid="order-screen"][data-ready="true"]', { state: 'attached' });
    const cards = page.locator('[data-testid="order-cards"]');
    const select = async (drug) => {
      await page.selectOption('[data-testid="order-drug"]', drug);
      await page.waitForSelector('[data-testid="order-cards"][data-hook="order-select"][data-state="done"]', { state: 'attached' });
    };

    // paracetamol must never fire
    await select('paracetamol');
    assert.equal(await cards.getAttribute('data-card-count'), '0');
    assert.equal(await screen.locator('[data-testid="draft-order"]').count(), 1);

    // enoxaparin: order-select gives the critical card naming the draft; accepting "Remove the draft order" removes it
    await select('enoxaparin');
    const ac = cards.locator('[data-testid="ehr-card-R-ORD-AC"]');
    assert.equal(await ac.getAttribute('data-indicator'), 'critical');
    assert.match(await ac.locator('h3').textContent(), /platelets 49/);
    const enoxId = await screen.locator('[data-testid="draft-order"]').nth(1).getAttribute('data-draft-id');
    assert.match(await ac.locator('[data-testid="card-detail"]').textContent(), new RegExp(`MedicationRequest/${enoxId}`));
    await shot(page, '10-ehr-order-select-critical');
    await ac.locator('[data-testid="accept-suggestion"]').click();
    await ac.locator('[data-testid="feedback-status"][data-outcome="accepted"]').waitFor();
    await page.waitForFunction((id) => !document.querySelector(`[data-draft-id="${id}"]`), enoxId);
    assert.equal(await screen.locator('[data-testid="draft-order"]').count(), 1, 'only paracetamol is left');
    await page.click('[data-testid="integrator"] > summary');
    const feedback = JSON.parse(await page.locator('[data-testid="raw-feedback-request"]').last().textContent());
    assert.equal(feedback.feedback[0].outcome, 'accepted');
    assert.equal(feedback.feedback[0].acceptedSuggestions.length, 1, 'feedback names the accepted suggestion');
    await page.click('[data-testid="integrator"] > summary');

    // heparin, then Sign: order-sign speaks about the anticoagulant only
    await select('heparin');
    assert.equal(await cards.locator('[data-testid="ehr-card-R-ORD-AC"]').getAttribute('data-indicator'), 'critical');
    await select('tocilizumab');
    const toci = cards.locator('[data-testid="ehr-card-R-ORD-TOCI"]');
    assert.equal(await toci.getAttribute('data-indicator'), 'info');
    await page.click('[data-testid="sign-orders"]');
    await page.waitForSelector('[data-testid="order-cards"][data-hook="order-sign"][data-state="done"]', { state: 'attached' });
    const signed = await page.$$eval('[data-testid="order-cards"] [data-testid^="ehr-card-"]', (nodes) =>
      nodes.map((n) => `${n.dataset.testid.replace('ehr-card-', '')} ${n.dataset.indicator}`).sort());
    assert.deepEqual(signed, ['R-ORD-AC critical', 'R-ORD-TOCI info']);

    // accepting the fibrinogen ServiceRequest shows it as ordered
    await cards.locator('[data-testid="ehr-card-R-ORD-TOCI"] [data-testid="accept-suggestion"]').click();
    await page.waitForSelector('[data-testid="ordered-test"][data-code="3255-7"]');
    await screen.scrollIntoViewIfNeeded();
    await shot(page, '11-ehr-order-sign-ordered');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

let failed = 0;
for (const { name, fn } of scenarios) {
  if (ONLY && !ONLY.has(name)) continue;
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    log(`✓ ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    results.push({ name, ok: false, ms: Date.now() - started, error: String(e?.stack ?? e) });
    log(`✗ ${name} (${Date.now() - started} ms)\n${String(e?.stack ?? e).split('\n').map((l) => `    ${l}`).join('\n')}`);
    for (const ctx of browser.contexts()) {
      for (const [k, p] of ctx.pages().entries()) {
        await p.screenshot({ path: join(OUT, `FAILED-${name}-${k}.png`) }).catch(() => undefined);
      }
    }
  }
}
await browser.close();

const summary = (raw) => {
  const xs = raw.map((x) => Math.round(x));
  return { samples: xs, median: median(xs), min: xs.length ? Math.min(...xs) : null, max: xs.length ? Math.max(...xs) : null };
};
const report = {
  generated: new Date().toISOString(),
  base: BASE,
  chromium: CHROMIUM,
  note: 'firstChartMs: performance.now() in index.html at the first chart draw (from that page\'s navigation start); '
    + 'launchToFirstChartMs: from the click on "Open CARAC Watch" in the EHR page to the app\'s body[data-ready="true"] '
    + '(launch.html, authorize, token, FHIR read, /api/summary, draw); hookRoundTripMs: EHR page click to cards shown '
    + '(server-side prefetch + signed hook call + rendering); hookServerMs: the sandbox\'s own time for that call.',
  firstChartMs: summary(timings.firstChartMs),
  launchToFirstChartMs: summary(timings.launchToFirstChartMs),
  hookRoundTripMs: summary(timings.hookRoundTripMs),
  hookServerMs: summary(timings.hookServerMs),
  scenarios: results.map(({ name, ok, ms }) => ({ name, ok, ms })),
};
writeFileSync(join(OUT, 'timings.json'), JSON.stringify(report, null, 2) + '\n');
log(`timings: firstChartMs median ${report.firstChartMs.median}, launch-to-first-chart median ${report.launchToFirstChartMs.median} ms, `
  + `hook round trip median ${report.hookRoundTripMs.median} ms (${join(OUT, 'timings.json')})`);
const passed = results.filter((r) => r.ok).length;
log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
