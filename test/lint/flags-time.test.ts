/**
 * Reference ranges (OBX-7) as the flags.* rules read them. The flags.* and time.* rule cases
 * themselves are data: test/lint/cases/flags.yaml and time.yaml (run by cases.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseRange, placeInRange } from '../../src/lint/range.js';

describe('reference ranges (OBX-7)', () => {
  it('reads the usual forms', () => {
    expect(parseRange('3.5-5.1')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('3.5 - 5.1')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('[ 4.0 - 11.0 ]')).toMatchObject({ low: 4, high: 11 });
    expect(parseRange('-2--0.5')).toMatchObject({ low: -2, high: -0.5 });
    expect(parseRange('3.5 to 5.1 mmol/L')).toMatchObject({ low: 3.5, high: 5.1 });
    expect(parseRange('<5')).toMatchObject({ high: 5, highInclusive: false });
    expect(parseRange('<=5')).toMatchObject({ high: 5, highInclusive: true });
    expect(parseRange('> 10')).toMatchObject({ low: 10, lowInclusive: false });
    for (const bad of ['', 'negative', '5-3', '[ ]', '^^10.0'])
      expect(parseRange(bad), bad).toBeUndefined();
  });

  it('a value on a bound is neither inside nor outside (no finding either way)', () => {
    expect(placeInRange({ min: 5, max: 5 }, parseRange('<5')!)).toBe('unknown');
    expect(placeInRange({ min: 5.1, max: 5.1 }, parseRange('3.5-5.1')!)).toBe('unknown');
    expect(placeInRange({ min: 5, max: 5 }, parseRange('3.5-5.1')!)).toBe('inside');
    expect(placeInRange({ min: -Infinity, max: 0.5 }, parseRange('1-5')!)).toBe('below');
  });
});
