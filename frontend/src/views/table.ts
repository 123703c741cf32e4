// The day-by-day score table (scrolls sideways in a narrow side panel).
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Course, Day, Score, Series } from '../types';
import type { Translator } from '../strings';
import { gradeText, itemLabel, peakCwGrade } from '../transforms/days';

export function dayTable(days: readonly Day[], series: readonly Series[] | undefined, focusDay: number | null, tr: Translator,
    course?: Course | null): TemplateResult {
  const { t } = tr;
  const peak = peakCwGrade(days, course);
  const peakText = peak.grade != null ? t('peakCwGrade', { grade: peak.grade })
    : peak.atLeast != null ? t('peakCwGradeAtLeast', { grade: peak.atLeast }) : t('peakCwGrade', { grade: t('none') });
  const unknownInputs = (d: Day) => {
    const inputs = d.rules?.['coagulopathyUnknownInputs'];
    return Array.isArray(inputs) && inputs.length
      ? t('notEvaluable', { items: inputs.map((i) => tr.lookup(`input.${String(i)}`) ?? String(i)).join(', ') })
      : '';
  };
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
    <p class="peak-grade" data-testid="peak-cw-grade">${peakText}
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
            <td class="grade ${d.cwGrade == null && d.cwGradeAtLeast != null ? 'grade-unknown' : ''}"
              title=${unknownInputs(d)}>${gradeText(d, tr) ?? t('none')}${d.cwGrade == null && d.cwGradeAtLeast != null
                ? html`<span class="missing">${unknownInputs(d)}</span>` : nothing}</td></tr>`,
        )}</tbody>
      </table>
    </div>
  </section>`;
}
