import { describe, expect, it } from 'vitest';
import { groupEvents, kindClass } from '../src/transforms/events';
import type { ClinicalEvent } from '../src/types';
import { evaluation } from './fixture';

const ev = (kind: string, day: number, label = kind): ClinicalEvent => ({ kind, day, label });

describe('groupEvents', () => {
  it('groups events of the same day in backend order, days ascending', () => {
    const { groups, outside } = groupEvents(evaluation().events, { first: -7, last: 28 });
    expect(groups.map((g) => g.day)).toEqual([0, 8, 9, 10, 11]);
    expect(groups.find((g) => g.day === 10)!.events.map((e) => e.kind)).toEqual(['crs', 'steroid']);
    expect(outside).toEqual([]);
  });

  it('puts events outside the axis or without a whole day aside instead of drawing them', () => {
    const events = [ev('thrombosis', 45), ev('crs', -9), ev('bleeding', 2.5), ev('icans', Number.NaN), ev('steroid', 3)];
    const { groups, outside } = groupEvents(events, { first: -7, last: 28 });
    expect(groups).toEqual([{ day: 3, events: [events[4]] }]);
    expect(outside.map((e) => e.kind)).toEqual(['thrombosis', 'crs', 'bleeding', 'icans']);
  });

  it('draws nothing without a range or without events', () => {
    expect(groupEvents([ev('crs', 1)], null)).toEqual({ groups: [], outside: [ev('crs', 1)] });
    expect(groupEvents(undefined, { first: 0, last: 1 })).toEqual({ groups: [], outside: [] });
  });
});

describe('kindClass', () => {
  it('keeps known kinds and neutralises anything else', () => {
    expect(kindClass('car-t')).toBe('car-t');
    expect(kindClass('Bad kind"><x')).toBe('badkindx');
    expect(kindClass('"<>')).toBe('other');
  });
});
