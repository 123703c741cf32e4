// The sandbox EHR's order screen: pick a drug (the EHR's formulary.json), which creates a draft
// MedicationRequest and fires CDS Hooks order-select with it selected; "Sign" fires order-sign with every
// draft. Cards come back as on the chart; accepting "Remove the draft order" (a delete action) removes the
// draft, accepting a ServiceRequest suggestion (create actions) shows the tests as ordered. Feedback with
// the accepted suggestion is sent by the chart's card code. Drafts live in this page only (an EHR's
// unsigned orders), never on the FHIR server.

let counter = 0;

/** Mounts the screen into `section` for `story`; `ui` carries the chart's helpers (api, h, cardView, ...). */
export function mountOrderScreen(section, story, ui) {
  const { h } = ui;
  const state = { drafts: [], ordered: [], signed: [], formulary: [] };
  const picker = h('select', { id: 'order-drug', 'data-testid': 'order-drug' }, h('option', { value: '' }, 'Choose a drug…'));
  const draftList = h('ul.draft-list', { 'data-testid': 'draft-orders' });
  const orderedList = h('ul.ordered-list', { 'data-testid': 'ordered-list' });
  const status = h('p.hook-status', { role: 'status', 'aria-live': 'polite', 'data-testid': 'order-status' });
  const cards = h('div.card-list', { 'data-testid': 'order-cards', 'data-state': 'idle' });
  const sign = h('button.primary', { type: 'button', 'data-testid': 'sign-orders', disabled: true, onclick: () => fire('order-sign') }, 'Sign');
  section.replaceChildren(
    h('h2', { id: 'orders-heading' }, 'Orders'),
    h('div.order-entry', {},
      h('label', { for: 'order-drug' }, 'New medication order'), picker,
      h('button', { type: 'button', 'data-testid': 'add-order', onclick: () => add(picker.value) }, 'Add draft'),
      sign),
    h('h3', {}, 'Draft orders'), draftList,
    status, cards,
    h('h3', {}, 'Ordered'), orderedList);
  section.setAttribute('aria-labelledby', 'orders-heading');
  picker.addEventListener('change', () => add(picker.value));

  fetch('/sandbox/ehr/formulary.json', { credentials: 'same-origin' }).then((r) => r.json()).then((f) => {
    state.formulary = f.drugs;
    picker.append(...f.drugs.map((d) => h('option', { value: d.id }, d.label)));
    section.dataset.ready = 'true';
  }).catch((e) => { status.textContent = `Formulary not loaded: ${e.message}`; });

  function add(drugId) {
    const drug = state.formulary.find((d) => d.id === drugId);
    if (!drug) return;
    picker.value = '';
    const draft = {
      resourceType: 'MedicationRequest',
      id: `ehr-draft-${Date.now().toString(36)}-${++counter}`,
      status: 'draft',
      intent: 'order',
      medicationCodeableConcept: { coding: [drug.coding], text: drug.label },
      subject: { reference: `Patient/${story.patientId}` },
      authoredOn: new Date().toISOString(),
      dosageInstruction: [{ text: drug.dosage }],
    };
    state.drafts.push(draft);
    renderDrafts();
    fire('order-select', [draft]);
  }

  function remove(id) {
    state.drafts = state.drafts.filter((d) => d.id !== id);
    renderDrafts();
  }

  function renderDrafts() {
    draftList.replaceChildren(...state.drafts.map((d) => h('li', { 'data-testid': 'draft-order', 'data-draft-id': d.id },
      h('span', {}, d.medicationCodeableConcept.text), ' ',
      h('span.muted', {}, `(draft, MedicationRequest/${d.id})`), ' ',
      h('button.link-button', { type: 'button', onclick: () => remove(d.id) }, 'Cancel draft'))));
    if (state.drafts.length === 0) draftList.append(h('li.muted', {}, 'No draft orders.'));
    sign.disabled = state.drafts.length === 0;
  }

  function renderOrdered() {
    orderedList.replaceChildren(
      ...state.ordered.map((o) => h('li', { 'data-testid': 'ordered-test', 'data-code': o.code }, `${o.text} (ServiceRequest, LOINC ${o.code}) — ordered`)),
      ...state.signed.map((d) => h('li', { 'data-testid': 'signed-order' }, `${d.medicationCodeableConcept.text} — signed`)));
    if (orderedList.children.length === 0) orderedList.append(h('li.muted', {}, 'Nothing ordered yet.'));
  }

  /** A suggestion was accepted on a card: carry out its actions in this EHR. */
  function apply(suggestion) {
    for (const action of suggestion.actions ?? []) {
      if (action.type === 'delete') {
        for (const ref of action.resourceId ?? []) remove(String(ref).replace(/^MedicationRequest\//, ''));
      } else if (action.type === 'create' && action.resource?.resourceType === 'ServiceRequest') {
        const coding = action.resource.code?.coding?.[0] ?? {};
        state.ordered.push({ code: coding.code, text: action.resource.code?.text ?? coding.display ?? coding.code });
      }
    }
    renderOrdered();
  }

  async function fire(hook, selected) {
    if (state.drafts.length === 0) return;
    const body = { hook, patient: story.patientId, draftOrders: state.drafts };
    if (hook === 'order-select') body.selections = selected.map((d) => `MedicationRequest/${d.id}`);
    cards.dataset.state = 'running';
    status.textContent = `Calling CDS services (${hook})…`;
    cards.replaceChildren();
    const started = performance.now();
    let result;
    try {
      result = await ui.api('/sandbox/api/hooks/order', { method: 'POST', body });
    } catch (e) {
      if (e instanceof ui.SignedOut) return ui.toLogin();
      cards.dataset.state = 'error';
      status.textContent = '';
      cards.replaceChildren(h('p.error', { role: 'alert', 'data-testid': 'hook-error' }, `The hook could not be sent: ${e.message}`));
      return;
    }
    const ms = Math.round(performance.now() - started);
    const shown = [];
    const problems = [];
    for (const call of result.calls) {
      call.onSuggestion = apply;
      if (call.status === 200 && Array.isArray(call.body?.cards)) call.body.cards.forEach((card) => shown.push(ui.cardView(card, call)));
      else problems.push(`${call.title ?? call.serviceId} answered HTTP ${call.status}${ui.outcomeText(call.body)}`);
    }
    ui.recordExchange({ label: hook, calls: result.calls });
    status.textContent = `${hook}: ${shown.length} card${shown.length === 1 ? '' : 's'} · ${ms} ms`;
    cards.replaceChildren(...problems.map((p) => h('p.error', { role: 'alert', 'data-testid': 'hook-error' }, p)), ...shown);
    if (hook === 'order-sign' && shown.length === 0 && problems.length === 0) {
      // nothing to say: the EHR signs the drafts
      state.signed.push(...state.drafts);
      state.drafts = [];
      renderDrafts();
      renderOrdered();
      cards.append(h('p.no-cards', { 'data-testid': 'no-cards' }, 'No decision-support cards: orders signed.'));
    }
    cards.dataset.state = problems.length ? 'error' : 'done';
    cards.dataset.cardCount = String(shown.length);
    cards.dataset.hook = hook;
  }

  renderDrafts();
  renderOrdered();
}
