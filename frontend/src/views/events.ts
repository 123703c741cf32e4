// The overlay lane: clinical events on the same day axis as the trend charts.
import { html, svg, nothing, type TemplateResult } from 'lit-html';
import type { ClinicalEvent } from '../types';
import type { EventLayout } from '../transforms/events';
import { kindClass } from '../transforms/events';
import type { Translator } from '../strings';
import { dayScale, MARGIN, WIDTH } from './geometry';
import { backdrop, dayAxis, type ChartContext } from './chart';
import { showDetail } from './inspect';

const ROW = 14;

/**
 * One row per event kind (days are ~10 px apart in a side panel, so stacking by day would
 * overlap); the row label names the kind, so colour is never the only cue.
 */
export function eventLane(layout: EventLayout, ctx: ChartContext, tr: Translator): TemplateResult {
  const { t } = tr;
  const kinds = [...new Map(layout.groups.flatMap((g) => g.events).map((e) => [e.kind, e])).values()];
  const row = (kind: string) => kinds.findIndex((k) => k.kind === kind);
  const bottom = MARGIN.top + Math.max(1, kinds.length) * ROW + 4;
  const height = bottom + MARGIN.bottom;
  const x = dayScale(ctx.range);
  const rowY = (i: number) => MARGIN.top + ROW / 2 + i * ROW;

  return html`<figure class="chart events" data-testid="chart-events">
    <figcaption>${t('events')}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label=${t('events')}>
      ${backdrop({ ...ctx, eventDays: [] }, x, MARGIN.top, bottom)}
      ${dayAxis(ctx, x, bottom)}
      ${kinds.map(
        (k, i) => svg`<text class="row-label" x=${MARGIN.left - 4} y=${rowY(i)} text-anchor="end" dominant-baseline="middle">
          <title>${kindLabel(k, tr)}</title>${shorten(kindLabel(k, tr))}</text>`,
      )}
      ${layout.groups.map((g) =>
        g.events.map((e) => {
          const text = eventText(e, tr);
          return svg`<circle class="event ev-${kindClass(e.kind)}" cx=${x(g.day)} cy=${rowY(row(e.kind))} r="4.5"
              tabindex="0" role="img" aria-label=${text} data-day=${e.day}
              @focus=${showDetail(text)} @mouseenter=${showDetail(text)}><title>${text}</title></circle>`;
        }),
      )}
    </svg>
    <p class="inspect" aria-live="polite" data-hint=${t('pointHint')}></p>
    ${kinds.length
      ? html`<ul class="legend">${kinds.map(
          (e) => html`<li><span class="swatch ev-${kindClass(e.kind)}"></span>${kindLabel(e, tr)}</li>`,
        )}</ul>`
      : nothing}
    ${layout.outside.length
      ? html`<p class="note">${t('eventsOutside', { list: layout.outside.map((e) => eventText(e, tr)).join('; ') })}</p>`
      : nothing}
  </figure>`;
}

/** Row labels share the y-axis margin: long names are cut (the legend and tooltip give them whole). */
function shorten(label: string): string {
  const chars = [...label];
  return chars.length > 7 ? `${chars.slice(0, 6).join('')}…` : label;
}

/** UI name of the kind in the current language, else the backend's label. */
function kindLabel(e: ClinicalEvent, tr: Translator): string {
  return tr.lookup(`kind.${e.kind}`) ?? e.label;
}

export function eventText(e: ClinicalEvent, tr: Translator): string {
  const parts = [kindLabel(e, tr)];
  if (e.label && e.label !== parts[0]) parts.push(e.label);
  if (e.grade !== null && e.grade !== undefined) parts.push(tr.t('eventGrade', { grade: e.grade }));
  if (Number.isInteger(e.day)) parts.push(tr.t('dayN', { day: e.day }));
  if (e.date) parts.push(e.date);
  if (e.resource) parts.push(tr.t('sourceResource', { resource: e.resource }));
  return parts.join(' · ');
}
