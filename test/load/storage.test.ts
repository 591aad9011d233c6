import { describe, expect, it } from 'vitest';
import {
  accumulated,
  parseSize,
  project,
  projectStorage,
  storageDeclarationSchema,
} from '../../src/load/storage.js';

const decl = (over: Record<string, unknown> = {}) =>
  storageDeclarationSchema.parse({
    interfaces: [
      { name: 'lab results', messageType: 'ORU^R01', messagesPerDay: 10_000, overhead: 1 },
      { name: 'adt', averageBytes: 500, messagesPerDay: 2_000, overhead: 2 },
    ],
    retentionYears: 7,
    growthPerYear: '10%',
    capacity: '1 TB',
    headroom: 0.2,
    ...over,
  });

describe('storage projection', () => {
  it('parses sizes', () => {
    expect(parseSize('500 GB')).toBe(5e11);
    expect(parseSize('2TiB')).toBe(2 * 2 ** 40);
    expect(parseSize('12 parsecs')).toBeUndefined();
  });

  it('accumulates a growing daily volume year by year', () => {
    expect(accumulated(100, 0, 1)).toBe(36_500);
    expect(accumulated(100, 0.1, 2)).toBeCloseTo(36_500 + 40_150, 6);
    // Half of the third year at 1.21x.
    expect(accumulated(100, 0.1, 2.5)).toBeCloseTo(36_500 + 40_150 + 0.5 * 44_165, 6);
  });

  it('projects from measured sizes and declared volumes', () => {
    const p = project(decl(), { 'ORU^R01': { avgBytes: 2_000, count: 600 } });
    // 10k x 2 KB + 2k x 500 B x 2 = 20 MB + 2 MB per day.
    expect(p.dailyBytes).toBe(22_000_000);
    expect(p.goLiveBytes).toBe(0);
    expect(p.oneYearBytes).toBe(22_000_000 * 365);
    const geometric = (1.1 ** 7 - 1) / 0.1;
    expect(p.endOfRetentionBytes).toBeCloseTo(22_000_000 * 365 * geometric, 0);
    expect(p.usableBytes).toBe(8e11);
    expect(p.fits).toBe(true); // ~76 GB of 800 GB usable
  });

  it('fails when the end of retention does not fit with the headroom, and says when it fills', () => {
    const r = projectStorage(decl({ capacity: '50 GB', existing: '10 GB' }), {
      'ORU^R01': { avgBytes: 2_000, count: 10 },
    });
    expect(r.outcome).toBe('fail');
    expect(r.criteria).toEqual(['infrastructure.storage']);
    expect(r.measurements.go_live_bytes).toBe(1e10);
    expect(r.findings[0]!.rule).toBe('storage.capacity');
    expect(r.findings[0]!.message).toMatch(
      /above the 40\.0 GB usable .* after about [0-9.]+ years/,
    );
  });

  it('passes when it fits', () => {
    const r = projectStorage(decl(), { 'ORU^R01': { avgBytes: 2_000, count: 10 } });
    expect(r.outcome).toBe('pass');
    expect(r.summary).toMatch(/fits with 20% headroom/);
  });

  it('is inconclusive when a size is neither measured nor declared', () => {
    const r = projectStorage(decl(), {});
    expect(r.outcome).toBe('error');
    expect(r.findings[0]!.message).toMatch(/lab results/);
  });
});
