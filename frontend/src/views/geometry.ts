// Shared x geometry so that the event lane and every trend chart line up day for day.
import { scaleLinear } from 'd3-scale';
import type { DayRange } from '../types';

/** SVG user units; the SVG scales to its grid cell, which is sized for a ~400 px side panel. */
export const WIDTH = 400;
export const MARGIN = { left: 44, right: 12, top: 14, bottom: 30 };

export function dayScale(range: DayRange) {
  // Half a day of padding so that the first and last days are not drawn on the frame.
  return scaleLinear()
    .domain([range.first - 0.5, range.last + 0.5])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
}

/** Integer day ticks, always including day 0 when it is on the axis. */
export function dayTicks(range: DayRange): number[] {
  const ticks = dayScale(range).ticks(8).filter(Number.isInteger);
  if (range.first <= 0 && range.last >= 0 && !ticks.includes(0)) ticks.push(0);
  return ticks.sort((a, b) => a - b);
}
