// Groups overlay events by day so that several events on one day stack on one marker column.
import type { ClinicalEvent, DayRange } from '../types';

export interface EventGroup {
  day: number;
  events: ClinicalEvent[];
}

export interface EventLayout {
  groups: EventGroup[];
  /** Events that cannot be placed on the axis (outside the range or without a day). */
  outside: ClinicalEvent[];
}

export function groupEvents(events: readonly ClinicalEvent[] | undefined, range: DayRange | null): EventLayout {
  const byDay = new Map<number, ClinicalEvent[]>();
  const outside: ClinicalEvent[] = [];
  for (const e of events ?? []) {
    const placeable =
      range !== null && Number.isInteger(e.day) && e.day >= range.first && e.day <= range.last;
    if (!placeable) {
      outside.push(e);
      continue;
    }
    const list = byDay.get(e.day) ?? [];
    list.push(e);
    byDay.set(e.day, list);
  }
  const groups = [...byDay.entries()].sort(([a], [b]) => a - b).map(([day, list]) => ({ day, events: list }));
  return { groups, outside };
}

/** CSS-safe class suffix for an event kind (kinds come from the backend). */
export function kindClass(kind: string): string {
  return kind.toLowerCase().replace(/[^a-z0-9-]/g, '') || 'other';
}
