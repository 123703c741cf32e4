// Pure helpers for the daily table.
import type { Day, Series } from '../types';

/** Highest CW-grade over the days; null when no day has one. */
export function peakCwGrade(days: readonly Day[]): number | null {
  const grades = days.map((d) => d.cwGrade).filter((g): g is number => typeof g === 'number');
  return grades.length ? Math.max(...grades) : null;
}

/**
 * Display name of a score item code: the backend's (localised) series label when the
 * item is an analyte, else a UI string `item.<code>`, else the code itself.
 */
export function itemLabel(code: string, series: readonly Series[] | undefined, lookup: (key: string) => string | undefined): string {
  return series?.find((s) => s.analyte === code)?.label ?? lookup(`item.${code}`) ?? code;
}
