import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { loadBuiltinProfile, loadProfileFile, loadProfileText } from '../../src/load/index.js';
import { preparedNeeded } from '../../src/load/profile.js';
import { burst, constantRate, rampingRate, repeated } from '../../src/load/schedule.js';

const GOOD = `name: t
messages:
  adt: { builtin: adt-a04 }
executors:
  steady:
    executor: constant-rate
    rate: 10
    duration: 2s
    mix: { adt: 1 }
thresholds:
  ack_latency: ['p(99)<500ms']
`;

function errorOf(text: string): UserError {
  const dir = mkdtempSync(join(tmpdir(), 'golive-profile-'));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, text);
  try {
    loadProfileFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected an error');
}

describe('load profiles', () => {
  it('loads a good profile and the built-in peak profile', () => {
    const lp = loadProfileText(GOOD);
    expect(lp.thresholds.filter((t) => !t.isDefault)).toHaveLength(1);
    // The load's own accounting is always judged: dropped iterations break it by default.
    expect(lp.thresholds.filter((t) => t.isDefault).map((t) => t.metric)).toEqual([
      'dropped_iterations',
    ]);
    expect(lp.profile.executors.steady).toMatchObject({
      connections: 1,
      maxInFlight: 1000,
      ackTimeout: 10_000,
    });
    const peak = loadBuiltinProfile('peak');
    expect(Object.keys(peak.profile.executors)).toEqual([
      'adt-background',
      'analyzer-burst',
      'chart-readers',
    ]);
    // One prepared order per analyzer result (two bursts of 300).
    expect(preparedNeeded(peak)).toBe(600);
  });

  it.each([
    [
      GOOD.replace("'p(99)<500ms'", "'p99<500ms'"),
      11,
      17,
      /cannot read threshold/,
      /p\(99\)<500ms/,
    ],
    [
      GOOD.replace('ack_latency:', 'ack_latncy:'),
      11,
      15,
      /unknown metric "ack_latncy"/,
      /ack_latency/,
    ],
    [GOOD.replace('rate: 10', 'rate: ten'), 7, 11, /rate: .*number/, /expected number/],
    [GOOD.replace('duration: 2s', 'duration: 2'), 8, 15, /duration with a unit/, /./],
    [
      GOOD.replace('mix: { adt: 1 }', 'mix: { oru: 1 }'),
      9,
      17,
      /sends "oru", which is not defined/,
      /defined messages: adt/,
    ],
    [GOOD.replace('executor: constant-rate', 'executor: constant-rat'), 6, 15, /executor/, /./],
    [
      GOOD.replace('    rate: 10\n', '    rate: 10\n    colour: red\n'),
      6,
      5,
      /Unrecognized key/i,
      /colour/,
    ],
    [GOOD + "  lost: ['count==0']\n", 12, 9, /lost needs an end-to-end check/, /endToEnd/],
    [
      GOOD.replace('duration: 2s', 'duration: 300s'),
      6,
      5,
      /ends 300s into the run, after maxDuration 120s/,
      /maxDuration/,
    ],
    [
      GOOD.replace(
        '{ builtin: adt-a04 }',
        "{ text: 'MSH|^~\\\\&|A|B|C|D|{{now}}||ADT^A04|X1|P|2.5.1' }",
      ),
      3,
      8,
      /MSH-10 must be \{\{controlId\}\}/,
      /./,
    ],
    [
      GOOD.replace(
        '{ builtin: adt-a04 }',
        "{ text: 'MSH|^~\\\\&|A|B|C|D|{{when}}||ADT^A04|{{controlId}}|P|2.5.1' }",
      ),
      3,
      8,
      /unknown placeholder \{\{when\}\}/,
      /./,
    ],
  ])('bad profile %# is reported at file:line:col', (text, line, col, msg, hint) => {
    const e = errorOf(text);
    expect(e.message).toMatch(msg);
    expect(e.hint ?? '').toMatch(hint);
    expect(e.location).toMatchObject({ line, col });
    expect(e.format()).toMatch(new RegExp(`p\\.yaml:${line}:${col}`));
  });

  it('refuses YAML syntax errors with a position', () => {
    const e = errorOf('name: t\nexecutors: [\n');
    expect(e.code).toBe('E_YAML_SYNTAX');
    expect(e.location?.line).toBeGreaterThan(0);
  });
});

describe('schedules (intended send instants)', () => {
  it('constant rate', () => {
    const s = constantRate(200, 3000);
    expect(s.total).toBe(600);
    expect(s.timeOf(0)).toBe(0);
    expect(s.timeOf(599)).toBeCloseTo(2995, 6);
  });

  it('burst spread over its window, repeated', () => {
    const s = repeated(burst(300, 3000), 2, 7000);
    expect(s.total).toBe(600);
    expect(s.timeOf(299)).toBeCloseTo(2990, 6);
    expect(s.timeOf(300)).toBe(7000);
    expect(s.durationMs).toBe(10_000);
  });

  it('ramping rate integrates the rate over linear stages', () => {
    // 0 -> 100/s over 2 s (100 iterations), hold 100/s for 1 s (100), down to 0 over 2 s (100).
    const s = rampingRate(0, [
      { durationMs: 2000, target: 100 },
      { durationMs: 1000, target: 100 },
      { durationMs: 2000, target: 0 },
    ]);
    expect(s.total).toBe(300);
    // Iteration n during the ramp-up is due at t = sqrt(2n / 50) s (n(t) = 25 t^2).
    expect(s.timeOf(25)).toBeCloseTo(1000, 6);
    expect(s.timeOf(100)).toBeCloseTo(2000, 6);
    expect(s.timeOf(150)).toBeCloseTo(2500, 6);
    // Ramp-down: n(x) = 100x - 25x^2 reaches 50 at x = 2 - sqrt(2) s.
    expect(s.timeOf(250)).toBeCloseTo(3000 + (2 - Math.SQRT2) * 1000, 3);
    for (let i = 1; i < s.total; i++) expect(s.timeOf(i)).toBeGreaterThanOrEqual(s.timeOf(i - 1));
    expect(s.timeOf(s.total - 1)).toBeLessThanOrEqual(5000);
  });
});
