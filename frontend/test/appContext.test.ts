import { describe, expect, it } from 'vitest';
import { parseAppContext } from '../src/transforms/appContext';

describe('parseAppContext', () => {
  it('reads day and rule from the JSON string of a card link', () => {
    expect(parseAppContext('{"day":11,"rule":"R-DIC"}')).toEqual({ day: 11, rule: 'R-DIC' });
  });

  it('accepts an object already parsed by the server', () => {
    expect(parseAppContext({ day: -2 })).toEqual({ day: -2, rule: null });
  });

  it('keeps the valid half of a partly valid context', () => {
    expect(parseAppContext('{"day":"eleven","rule":"R-FIB"}')).toEqual({ day: null, rule: 'R-FIB' });
    expect(parseAppContext('{"day":10.5,"rule":7}')).toBeNull();
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty string', ''],
    ['malformed JSON', '{"day":11,'],
    ['not JSON at all', 'day=11&rule=R-DIC'],
    ['JSON array', '[11,"R-DIC"]'],
    ['JSON number', '11'],
    ['JSON null', 'null'],
    ['empty object', '{}'],
    ['blank rule', '{"rule":"  "}'],
  ])('ignores %s', (_name, raw) => {
    expect(parseAppContext(raw)).toBeNull();
  });
});
