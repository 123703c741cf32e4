import { describe, expect, it } from 'vitest';
import { gradeText, itemLabel, peakCwGrade } from '../src/transforms/days';
import { outcomeMessages } from '../src/transforms/outcome';
import { patientName } from '../src/transforms/patient';
import { translator } from '../src/strings';
import { evaluation } from './fixture';

describe('peakCwGrade', () => {
  it('takes the course peak from the backend when given', () => {
    expect(peakCwGrade([], { peakCwGrade: null, peakCwGradeAtLeast: 1 })).toEqual({ grade: null, atLeast: 1 });
    expect(peakCwGrade([], { peakCwGrade: 3, peakCwGradeAtLeast: 3 })).toEqual({ grade: 3, atLeast: 3 });
  });
  it('is only a lower bound while a window day of unknown grade could exceed it', () => {
    const days = [
      { day: 1, date: '', inCaracWindow: true, cwGrade: null, cwGradeAtLeast: 0 },
      { day: 2, date: '', inCaracWindow: true, cwGrade: 1, cwGradeAtLeast: 1 },
    ];
    expect(peakCwGrade(days)).toEqual({ grade: null, atLeast: 1 });
    expect(peakCwGrade(days.map((d) => ({ ...d, cwGrade: d.cwGradeAtLeast })))).toEqual({ grade: 1, atLeast: 1 });
  });
  it('is known when every window day is graded', () => {
    const days = evaluation().days.filter((d) => d.cwGrade != null || !d.inCaracWindow);
    const graded = days.map((d) => d.cwGrade).filter((g): g is number => typeof g === 'number');
    expect(peakCwGrade(days).grade).toBe(graded.length ? Math.max(...graded) : null);
  });
  it('has nothing when no day is graded', () => {
    expect(peakCwGrade([{ day: -7, date: '', cwGrade: null }])).toEqual({ grade: null, atLeast: null });
    expect(peakCwGrade([])).toEqual({ grade: null, atLeast: null });
  });
});

describe('gradeText', () => {
  const tr = translator('en');
  it('never shows an unknown grade as a number or as none', () => {
    expect(gradeText({ day: 4, date: '', cwGrade: null, cwGradeAtLeast: 0 }, tr)).toBe('not assessable (≥ 0)');
    expect(gradeText({ day: 4, date: '', cwGrade: 2, cwGradeAtLeast: 2 }, tr)).toBe('2');
    expect(gradeText({ day: -3, date: '', cwGrade: null }, tr)).toBeNull();
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
