import { describe, expect, it } from 'vitest';
import { format, LANGUAGES, preferredLanguage, STRINGS, translator } from '../src/strings';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('strings', () => {
  const keys = Object.keys(STRINGS.en);

  it.each(LANGUAGES)('%s has every key, none empty', (lang) => {
    expect(Object.keys(STRINGS[lang]).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(STRINGS[lang][k as keyof typeof STRINGS.en].trim(), k).not.toBe('');
  });

  it('uses the same placeholders in every language', () => {
    for (const k of keys) {
      const key = k as keyof typeof STRINGS.en;
      for (const lang of LANGUAGES) expect(placeholders(STRINGS[lang][key]), `${lang}.${k}`).toEqual(placeholders(STRINGS.en[key]));
    }
  });

  it('names every event kind of the contract in both languages', () => {
    const kinds = ['car-t', 'tocilizumab', 'steroid', 'anticoagulant', 'transfusion', 'crs', 'icans', 'bleeding', 'thrombosis'];
    for (const lang of LANGUAGES) for (const k of kinds) expect(translator(lang).lookup(`kind.${k}`)).toBeTruthy();
  });

  it('contains no digits other than in placeholders (no clinical numbers in UI text)', () => {
    for (const lang of LANGUAGES)
      for (const [k, v] of Object.entries(STRINGS[lang])) expect(v.replace(/\{\w+\}/g, ''), `${lang}.${k}`).not.toMatch(/[0-9]/);
  });
});

describe('format and language choice', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Day {day} of {n}', { day: 0 })).toBe('Day 0 of {n}');
  });

  it('translates with values', () => {
    expect(translator('zh').t('dayN', { day: 11 })).toBe('第 11 天');
  });

  it('picks the first supported browser language, else English', () => {
    expect(preferredLanguage(['zh-CN', 'en'])).toBe('zh');
    expect(preferredLanguage(['de-DE', 'en-GB'])).toBe('en');
    expect(preferredLanguage([])).toBe('en');
  });
});
