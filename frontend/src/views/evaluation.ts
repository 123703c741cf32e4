// The evaluation of one patient: as-of line, charts with the event lane, table, cards.
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Evaluation } from '../types';
import type { Translator } from '../strings';
import type { AppContext } from '../transforms/appContext';
import { dayRange, seriesPoints } from '../transforms/series';
import { groupEvents } from '../transforms/events';
import { trendChart, type ChartContext } from './chart';
import { eventLane } from './events';
import { dayTable } from './table';
import { cardList, dataQuality } from './cards';

export function evaluationView(ev: Evaluation, ctx: AppContext | null, tr: Translator): TemplateResult {
  const { t } = tr;
  const focusDay = ctx?.day ?? null;
  const asOf = ev.infusionDate
    ? t('dataAsOf', { asOf: ev.asOf, asOfDay: ev.asOfDay, infusionDate: ev.infusionDate })
    : t('dataAsOfNoInfusion', { asOf: ev.asOf });

  return html`<p class="as-of" data-testid="as-of">${asOf}</p>
    ${focusDay !== null ? html`<p class="focus-note">${t('focusedDay', { day: focusDay })}</p>` : nothing}
    ${ev.infusionDate ? charts(ev, focusDay, tr) : noInfusion(tr)}
    ${cardList(ev.cards, ctx?.rule ?? null, tr)}
    ${dataQuality(ev.dataQuality, tr)}
    ${ev.infusionDate ? dayTable(ev.days, ev.series, focusDay, tr, ev.course) : nothing}`;
}

function noInfusion(tr: Translator) {
  return html`<section class="no-infusion" data-testid="no-infusion">
    <h2>${tr.t('noInfusion')}</h2><p>${tr.t('noInfusionHint')}</p></section>`;
}

function charts(ev: Evaluation, focusDay: number | null, tr: Translator) {
  const range = dayRange(ev);
  if (!range) return nothing;
  const layout = groupEvents(ev.events, range);
  const ctx: ChartContext = {
    t: tr.t,
    range,
    peak: ev.peakWindow ?? null,
    focusDay,
    eventDays: layout.groups.map((g) => g.day),
    lang: tr.lang,
  };
  return html`<section class="trends" aria-labelledby="trends-title">
    <h2 id="trends-title">${tr.t('trends')}</h2>
    ${ev.peakWindow ? html`<p class="legend-peak"><span class="swatch peak"></span>${tr.t('peakWindow', { first: ev.peakWindow.first, last: ev.peakWindow.last })}</p>` : nothing}
    <div class="chart-grid">
      ${eventLane(layout, ctx, tr)}
      ${(ev.series ?? []).map((s) => trendChart(seriesPoints(ev.days, s), ctx))}
    </div>
  </section>`;
}
