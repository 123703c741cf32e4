import { describe, expect, it } from 'vitest';
import { itemLabel, peakCwGrade } from '../src/transforms/days';
import { outcomeMessages } from '../src/transforms/outcome';
import { patientName } from '../src/transforms/patient';
import { translator } from '../src/strings';
import { evaluation } from './fixture';

describe('peakCwGrade', () => {
  it('is the highest graded day', () => {
    const days = evaluation().days;
    expect(peakCwGrade(days)).toBe(Math.max(...days.map((d) => d.cwGrade ?? -Infinity)));
  });
  it('is null when no day is graded', () => {
    expect(peakCwGrade([{ day: -7, date: '', cwGrade: null }])).toBeNull();
    expect(peakCwGrade([])).toBeNull();
  });
});

describe('itemLabel', () => {
  const { lookup } = translator('en');
  it('prefers the backend series label, then UI text, then the code', () => {
    const series = evaluation().series;
    expect(itemLabel('d-dimer', series, lookup)).toBe('D-dimer');
    expect(itemLabel('clinical-shock', series, lookup)).toBe('shock');
    expect(itemLabel('new-item', series, lookup)).toBe('new-item');
  });
});

describe('outcomeMessages', () => {
  it('collects details.text and diagnostics of every issue, once each', () => {
    const oo = {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'security', diagnostics: 'Token expired' },
        { severity: 'error', details: { text: 'Patient not found' }, diagnostics: 'HAPI-2001' },
        { severity: 'error', diagnostics: 'Token expired' },
      ],
    };
    expect(outcomeMessages(oo)).toEqual(['Token expired', 'Patient not found', 'HAPI-2001']);
  });
  it.each([undefined, null, 'text', {}, { issue: 'x' }, { issue: [null, 1, {}] }])('returns nothing for %j', (body) => {
    expect(outcomeMessages(body)).toEqual([]);
  });
});

describe('patientName', () => {
  it('prefers the official, current name', () => {
    expect(
      patientName({
        name: [
          { use: 'official', family: 'Old', given: ['A'], period: { end: '2020-01-01' } },
          { use: 'nickname', text: 'Nick' },
          { use: 'official', family: 'Chen', given: ['Li', 'Ming'] },
        ],
      }),
    ).toBe('Li Ming Chen');
  });
  it('is null without a usable name', () => {
    expect(patientName({})).toBeNull();
    expect(patientName(null)).toBeNull();
    expect(patientName({ name: [{ given: [] }] })).toBeNull();
  });
});
