import { describe, expect, it } from 'vitest';
import { parseDuration as parseFlag } from '../../src/cli/options.js';
import { parseDuration as parseProfile } from '../../src/load/profile-schema.js';
import { parseDuration, parseDurationWithUnit } from '../../src/config/duration.js';

describe('one duration grammar', () => {
  it('reads the same units everywhere: golive.yaml, load profiles, command-line flags', () => {
    for (const [text, ms] of [
      ['500ms', 500],
      ['90s', 90_000],
      ['1m30s', 90_000],
      ['2h', 7_200_000],
      ['1d', 86_400_000],
    ] as const) {
      expect(parseDuration(text)).toBe(ms);
      expect(parseDurationWithUnit(text)).toBe(ms);
      expect(parseProfile(text)).toBe(ms);
      expect(parseFlag(text, '--window')).toBe(ms);
    }
  });

  it('a bare number is milliseconds only in golive.yaml; flags and profiles want the unit', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDurationWithUnit('90')).toBeUndefined();
    expect(parseProfile('90')).toBeUndefined();
    expect(() => parseFlag('90', '--window')).toThrow(/--window: "90" is not a duration/);
    try {
      parseFlag('90', '--window');
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/90s for seconds, 90ms for milliseconds/);
    }
    expect(parseDuration('30 min')).toBeUndefined();
  });
});
