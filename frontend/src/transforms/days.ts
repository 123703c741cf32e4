// Pure helpers for the daily table.
import type { Course, Day, Series } from '../types';
import type { Translator } from '../strings';

/** The peak CW-grade so far: known, or only a lower bound when a day of unknown grade could exceed it. */
export interface Peak {
  grade: number | null;
  atLeast: number | null;
}

/**
 * The backend's course peak when given (the CQL decides); otherwise from the days: the highest lower bound,
 * known only when every window day has a grade (the CQL's sharper rule needs its highest laboratory grade).
 */
export function peakCwGrade(days: readonly Day[], course?: Course | null): Peak {
  if (course && course.peakCwGradeAtLeast != null) {
    return { grade: course.peakCwGrade ?? null, atLeast: course.peakCwGradeAtLeast };
  }
  const bounds = days.map((d) => d.cwGradeAtLeast ?? d.cwGrade).filter((g): g is number => typeof g === 'number');
  if (!bounds.length) return { grade: null, atLeast: null };
  const atLeast = Math.max(...bounds);
  const open = days.some((d) => d.inCaracWindow && d.cwGrade == null);
  return { grade: open ? null : atLeast, atLeast };
}

/** A day's grade for display: the grade, "not assessable (≥ n)", or null when the day has none (outside window). */
export function gradeText(d: Day, tr: Translator): string | null {
  if (typeof d.cwGrade === 'number') return String(d.cwGrade);
  if (d.cwGradeAtLeast != null) return tr.t('gradeUnknown', { atLeast: d.cwGradeAtLeast });
  return null;
}

/**
 * Display name of a score item code: the backend's (localised) series label when the
 * item is an analyte, else a UI string `item.<code>`, else the code itself.
 */
export function itemLabel(code: string, series: readonly Series[] | undefined, lookup: (key: string) => string | undefined): string {
  return series?.find((s) => s.analyte === code)?.label ?? lookup(`item.${code}`) ?? code;
}
