// One trend chart in plain SVG: every point is a focusable element with a text
// description, which a canvas chart library could not give keyboard users.
import { svg, html, nothing, type TemplateResult } from 'lit-html';
import { scaleLinear } from 'd3-scale';
import type { DayRange } from '../types';
import type { SeriesPoints, Point } from '../transforms/series';
import { segments, yExtent } from '../transforms/series';
import type { Translator } from '../strings';
import { dayScale, dayTicks, MARGIN, WIDTH } from './geometry';
import { showDetail } from './inspect';
import { displayUnit } from '../units';

const HEIGHT = 190;

export interface ChartContext {
  t: Translator['t'];
  range: DayRange;
  peak: DayRange | null;
  focusDay: number | null;
  /** Days that carry an overlay event: drawn as faint guides to relate them to the values. */
  eventDays: number[];
  /** Language of the display units (display-units.json). */
  lang?: 'en' | 'zh';
}

export function trendChart(data: SeriesPoints, ctx: ChartContext): TemplateResult {
  const { series, points } = data;
  const { t } = ctx;
  const x = dayScale(ctx.range);
  const y = scaleLinear().domain(yExtent(points, series)).nice().range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const [top, bottom] = [MARGIN.top, HEIGHT - MARGIN.bottom];
  const fmt = y.tickFormat(5);
  const unit = displayUnit(series.unit, ctx.lang);
  const title = `${series.label} (${unit})`;

  return html`<figure class="chart" data-testid="chart-${series.analyte}">
    <figcaption>${series.label} <span class="unit">${unit}</span></figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-label=${title}>
      ${backdrop(ctx, x, top, bottom)}
      ${y.ticks(5).map(
        (v) => svg`<line class="grid" x1=${MARGIN.left} x2=${WIDTH - MARGIN.right} y1=${y(v)} y2=${y(v)}></line>
          <text class="tick" x=${MARGIN.left - 4} y=${y(v)} text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`,
      )}
      ${dayAxis(ctx, x, bottom)}
      ${(series.thresholds ?? []).map(
        (th) => svg`<g class="threshold"><title>${th.label}${th.source ? ` — ${th.source}` : ''}</title>
          <line x1=${MARGIN.left} x2=${WIDTH - MARGIN.right} y1=${y(th.value)} y2=${y(th.value)}></line>
          <text x=${WIDTH - MARGIN.right - 2} y=${y(th.value) - 3} text-anchor="end">${th.label}</text></g>`,
      )}
      ${segments(points).map(
        (s) => svg`<line class=${s.gap ? 'trend gap' : 'trend'} x1=${x(s.from.day)} y1=${y(s.from.y)} x2=${x(s.to.day)} y2=${y(s.to.y)}></line>`,
      )}
      ${points.map((p) => {
        const text = pointText(p, data, t, ctx.lang);
        return svg`<circle class=${p.day === ctx.focusDay ? 'point focused' : 'point'} cx=${x(p.day)} cy=${y(p.y)} r="4"
          tabindex="0" role="img" aria-label=${text} data-day=${p.day}
          @focus=${showDetail(text)} @mouseenter=${showDetail(text)}><title>${text}</title></circle>`;
      })}
    </svg>
    <p class="inspect" aria-live="polite" data-hint=${points.length ? t('pointHint') : t('noPoints')}></p>
    ${data.notPlotted.length
      ? html`<p class="note">${t('notPlotted', { days: data.notPlotted.map((d) => t('dayN', { day: d })).join(', ') })}</p>`
      : nothing}
  </figure>`;
}

type DayScale = ReturnType<typeof dayScale>;

/** Peak window, focused day, event guides and the day-0 line, behind the data. */
export function backdrop(ctx: ChartContext, x: DayScale, top: number, bottom: number) {
  const { peak, focusDay, range, t } = ctx;
  const inRange = (d: number) => d >= range.first && d <= range.last;
  return svg`
    ${peak
      ? svg`<rect class="peak" x=${x(peak.first - 0.5)} width=${x(peak.last + 0.5) - x(peak.first - 0.5)} y=${top} height=${bottom - top}>
          <title>${t('peakWindow', { first: peak.first, last: peak.last })}</title></rect>`
      : nothing}
    ${focusDay !== null && inRange(focusDay)
      ? svg`<rect class="focus-day" x=${x(focusDay - 0.5)} width=${x(focusDay + 0.5) - x(focusDay - 0.5)} y=${top} height=${bottom - top}></rect>`
      : nothing}
    ${ctx.eventDays.filter(inRange).map((d) => svg`<line class="ev-guide" x1=${x(d)} x2=${x(d)} y1=${top} y2=${bottom}></line>`)}
    ${inRange(0)
      ? svg`<line class="cart-line" x1=${x(0)} x2=${x(0)} y1=${top} y2=${bottom}></line>
          <text class="cart-label" x=${x(0) + 3} y=${top + 9}>${t('carT')}</text>`
      : nothing}`;
}

/** Day ticks and the axis title along the bottom. */
export function dayAxis(ctx: ChartContext, x: DayScale, bottom: number) {
  return svg`<line class="axis" x1=${MARGIN.left} x2=${WIDTH - MARGIN.right} y1=${bottom} y2=${bottom}></line>
    ${dayTicks(ctx.range).map((d) => svg`<text class="tick" x=${x(d)} y=${bottom + 12} text-anchor="middle">${d}</text>`)}
    <text class="axis-title" x=${(MARGIN.left + WIDTH - MARGIN.right) / 2} y=${bottom + 26} text-anchor="middle">${ctx.t('dayAxis')}</text>`;
}

/** Everything a reader needs about one point, in one line. */
export function pointText(p: Point, data: SeriesPoints, t: Translator['t'], lang: 'en' | 'zh' = 'en'): string {
  const { series } = data;
  const lab = p.lab;
  const parts = [t('pointValue', { label: series.label, value: p.y, unit: displayUnit(series.unit, lang), day: p.day })];
  if (series.scale !== 'value' && typeof lab.value === 'number') parts.push(`${lab.value} ${displayUnit(lab.unit, lang)}`.trim());
  if (lab.effective) parts.push(t('measuredAt', { effective: lab.effective }));
  if (lab.reportedValue !== undefined && lab.reportedValue !== null) {
    parts.push(t('reportedAs', { value: lab.reportedValue, unit: displayUnit(lab.reportedUnit, lang) }).trim());
  }
  if (lab.observation) parts.push(t('sourceResource', { resource: lab.observation }));
  return parts.join(' · ');
}
