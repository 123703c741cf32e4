// The day-by-day score table (scrolls sideways in a narrow side panel).
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Day, Score, Series } from '../types';
import type { Translator } from '../strings';
import { itemLabel, peakCwGrade } from '../transforms/days';

export function dayTable(days: readonly Day[], series: readonly Series[] | undefined, focusDay: number | null, tr: Translator): TemplateResult {
  const { t } = tr;
  const peak = peakCwGrade(days);
  const names = (codes: string[] | undefined) => (codes ?? []).map((c) => itemLabel(c, series, tr.lookup)).join(', ');

  const score = (s: Score | undefined, withNotDocumented: boolean) => {
    if (!s) return t('none');
    const status = tr.lookup(`status.${s.status}`) ?? s.status;
    return html`<span class="status status-${s.status}">${status}</span>
      <span class="pts">${t('points', { points: s.points ?? t('none'), max: s.maxPossible ?? t('none') })}</span>
      ${s.missing?.length ? html`<span class="missing">${t('missing', { items: names(s.missing) })}</span>` : nothing}
      ${withNotDocumented && s.notDocumented?.length
        ? html`<span class="missing">${t('notDocumented', { items: names(s.notDocumented) })}</span>`
        : nothing}`;
  };

  return html`<section class="day-table" aria-labelledby="day-table-title">
    <h2 id="day-table-title">${t('dayTable')}</h2>
    <p class="peak-grade" data-testid="peak-cw-grade">${t('peakCwGrade', { grade: peak ?? t('none') })}
      <span class="note">${t('cwGradeNote')}</span></p>
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="day-table-title">
      <table data-testid="day-table">
        <thead><tr>
          <th scope="col">${t('colDay')}</th><th scope="col">${t('colDate')}</th>
          <th scope="col">${t('colIsth')}</th><th scope="col">${t('colCdss')}</th>
          <th scope="col">${t('colCwGrade')}</th>
        </tr></thead>
        <tbody>${days.map(
          (d) => html`<tr data-testid="day-row-${d.day}" class=${d.day === focusDay ? 'focused' : ''}
              aria-current=${d.day === focusDay ? 'date' : 'false'}>
            <th scope="row">${d.day}</th><td>${d.date}</td>
            <td>${score(d.isth, false)}</td><td>${score(d.cdss, true)}</td>
            <td class="grade">${d.cwGrade ?? t('none')}</td></tr>`,
        )}</tbody>
      </table>
    </div>
  </section>`;
}
