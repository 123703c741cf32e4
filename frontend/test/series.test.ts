import { describe, expect, it } from 'vitest';
import { dayRange, segments, seriesPoints, yExtent } from '../src/transforms/series';
import type { Day, Series } from '../src/types';
import { evaluation } from './fixture';

const series = (analyte: string) => evaluation().series!.find((s) => s.analyte === analyte)!;

describe('seriesPoints', () => {
  it('plots the field named by the scale, one point per day with a result', () => {
    const ev = evaluation();
    const { points } = seriesPoints(ev.days, series('d-dimer'));
    expect(points.map((p) => p.day)).toEqual([6, 7, 8, 9, 10, 11]);
    const day10 = points.find((p) => p.day === 10)!;
    expect(day10.y).toBe(ev.days.find((d) => d.day === 10)!.values!['d-dimer']!.ratio);
    expect(day10.lab.observation).toMatch(/^Observation\//);
  });

  it('includes results before the infusion (baseline days)', () => {
    const { points } = seriesPoints(evaluation().days, series('platelets'));
    expect(points[0].day).toBe(-6);
  });

  it('skips days without the analyte and never draws them as zero', () => {
    const { points, notPlotted } = seriesPoints(evaluation().days, series('alt'));
    expect(points.map((p) => p.day)).not.toContain(8); // fixture: no ALT on day 8
    expect(notPlotted).toEqual([]);
    expect(points.every((p) => p.y !== 0 || p.lab.ratio === 0)).toBe(true);
  });

  it('reports a result without a number on the scale (no ULN) instead of plotting it', () => {
    const { points, notPlotted } = seriesPoints(evaluation().days, series('pt'));
    expect(points.map((p) => p.day)).not.toContain(9); // fixture: day 9 PT lacks prolongation
    expect(notPlotted).toEqual([9]);
  });

  it('produces no point for null, NaN, string or missing values', () => {
    const s: Series = { analyte: 'x', label: 'X', scale: 'value', unit: 'u' };
    const days: Day[] = [
      { day: 1, date: '2025-01-01', values: { x: { value: null } } },
      { day: 2, date: '2025-01-02', values: { x: { value: Number.NaN } } },
      { day: 3, date: '2025-01-03', values: { x: { value: '5' as unknown as number } } },
      { day: 4, date: '2025-01-04', values: { x: null } },
      { day: 5, date: '2025-01-05', values: {} },
      { day: 6, date: '2025-01-06' },
    ];
    const out = seriesPoints(days, s);
    expect(out.points).toEqual([]);
    expect(out.notPlotted).toEqual([1, 2, 3]);
  });

  it('orders by day and keeps the first of duplicated days', () => {
    const s: Series = { analyte: 'x', label: 'X', scale: 'value', unit: 'u' };
    const days: Day[] = [
      { day: 3, date: 'c', values: { x: { value: 3 } } },
      { day: 1, date: 'a', values: { x: { value: 1 } } },
      { day: 1, date: 'a2', values: { x: { value: 9 } } },
    ];
    expect(seriesPoints(days, s).points.map((p) => [p.day, p.y])).toEqual([[1, 1], [3, 3]]);
  });

  it('returns nothing for an empty day list', () => {
    expect(seriesPoints([], series('platelets'))).toMatchObject({ points: [], notPlotted: [] });
  });
});

describe('segments', () => {
  it('marks a segment that spans days without a result as a gap', () => {
    const s: Series = { analyte: 'x', label: 'X', scale: 'value', unit: 'u' };
    const days: Day[] = [1, 2, 5].map((d) => ({ day: d, date: '', values: { x: { value: d } } }));
    expect(segments(seriesPoints(days, s).points).map((g) => g.gap)).toEqual([false, true]);
  });

  it('has no segment for zero or one point', () => {
    expect(segments([])).toEqual([]);
  });
});

describe('dayRange', () => {
  it('uses the window the backend sends', () => {
    expect(dayRange(evaluation())).toEqual({ first: -7, last: 28 });
  });

  it('falls back to the days and the peak window when no window is sent', () => {
    const ev = evaluation();
    delete ev.window;
    expect(dayRange(ev)).toEqual({ first: -7, last: ev.peakWindow!.last });
  });

  it('is null when there is nothing to place', () => {
    expect(dayRange({ days: [], window: null, peakWindow: null })).toBeNull();
  });
});

describe('yExtent', () => {
  it('covers points, thresholds and zero', () => {
    const s = series('platelets');
    const { points } = seriesPoints(evaluation().days, s);
    const [lo, hi] = yExtent(points, s);
    expect(lo).toBe(0);
    expect(hi).toBe(Math.max(...points.map((p) => p.y), ...s.thresholds!.map((t) => t.value)));
  });

  it('is never empty', () => {
    expect(yExtent([], { analyte: 'x', label: 'X', scale: 'value', unit: 'u' })).toEqual([0, 1]);
  });
});
