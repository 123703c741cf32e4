import { describe, expect, it } from 'vitest';
import { displayUnit } from '../src/units';

describe('displayUnit', () => {
  it('shows UCUM codes as a clinician reads them, in both languages', () => {
    expect(displayUnit('10*9/L')).toBe('×10⁹/L');
    expect(displayUnit('10*9/L', 'zh')).toBe('×10⁹/L');
    expect(displayUnit('mg/L{FEU}')).toBe('mg/L FEU');
    expect(displayUnit('ng/mL{DDU}', 'zh')).toBe('ng/mL DDU');
    expect(displayUnit('umol/L')).toBe('µmol/L');
  });

  it('leaves unknown codes and display text as they are', () => {
    expect(displayUnit('g/L')).toBe('g/L');
    expect(displayUnit('× ULN')).toBe('× ULN');
    expect(displayUnit(undefined)).toBe('');
  });
});
