// Pure transforms from the evaluation JSON to what a trend chart draws.
import type { Day, DayRange, Evaluation, LabValue, Series } from '../types';

export interface Point {
  day: number;
  date: string;
  /** The plotted number: the field of the LabValue named by the series' scale. */
  y: number;
  lab: LabValue;
}

export interface SeriesPoints {
  series: Series;
  points: Point[];
  /** Days with a result for this analyte that has no number on the series' scale
   *  (e.g. no ULN, so no prolongation): said in words, never drawn as zero. */
  notPlotted: number[];
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One point per day that has a finite number on the series' scale, ordered by day. */
export function seriesPoints(days: readonly Day[], series: Series): SeriesPoints {
  const points: Point[] = [];
  const notPlotted: number[] = [];
  const seen = new Set<number>();
  for (const d of [...days].sort((a, b) => a.day - b.day)) {
    if (!isNumber(d.day) || seen.has(d.day)) continue;
    seen.add(d.day);
    const lab = d.values?.[series.analyte];
    if (!lab || typeof lab !== 'object') continue;
    const y = (lab as unknown as Record<string, unknown>)[series.scale];
    if (isNumber(y)) points.push({ day: d.day, date: d.date, y, lab });
    else notPlotted.push(d.day);
  }
  return { series, points, notPlotted };
}

/** A line segment between consecutive points; `gap` when days without a result lie between. */
export interface Segment {
  from: Point;
  to: Point;
  gap: boolean;
}

export function segments(points: readonly Point[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 1; i < points.length; i++) {
    out.push({ from: points[i - 1], to: points[i], gap: points[i].day - points[i - 1].day > 1 });
  }
  return out;
}

/**
 * Day span of the x axis: the backend's `window` when it sends one, widened so that
 * every day of `days` and the peak window fit. Null when there is nothing to draw.
 */
export function dayRange(ev: Pick<Evaluation, 'days' | 'window' | 'peakWindow'>): DayRange | null {
  const candidates: number[] = ev.days.map((d) => d.day).filter(isNumber);
  for (const r of [ev.window, ev.peakWindow]) {
    if (r && isNumber(r.first) && isNumber(r.last)) candidates.push(r.first, r.last);
  }
  if (candidates.length === 0) return null;
  return { first: Math.min(...candidates), last: Math.max(...candidates) };
}

/** Y extent covering the points and the threshold lines; zero stays in view for bar-like reading. */
export function yExtent(points: readonly Point[], series: Series): [number, number] {
  const ys = [...points.map((p) => p.y), ...(series.thresholds ?? []).map((t) => t.value).filter(isNumber)];
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0, ...ys);
  return lo === hi ? [lo, lo + 1] : [lo, hi];
}
