/**
 * The identity matcher on a FEBRL-like roster generated in code (test/helpers/synthetic-roster.ts):
 * the same precision and recall bar test/lint/update-identity.test.ts sets on FEBRL dataset2
 * from the shared corpora, so a fresh clone without ../shared/corpora tests it too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findDuplicates, loadRoster } from '../../src/lint/index.js';
import { febrlLikeRoster, toFebrlCsv } from '../helpers/synthetic-roster.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-roster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('identity matcher on a generated FEBRL-like roster', () => {
  it('reaches precision >= 0.95 and recall >= 0.90 with blocking far below all pairs', () => {
    const file = join(dir, 'roster.csv');
    writeFileSync(file, toFebrlCsv(febrlLikeRoster({ originals: 4000, duplicates: 1000 })));
    const people = loadRoster(file);
    expect(people).toHaveLength(5000);
    // rec-N-org and rec-N-dup-k: every pair within one N is a true pair.
    const group = (id: string) => id.split('-')[1];
    const sizes = new Map<string, number>();
    for (const p of people) sizes.set(group(p.id)!, (sizes.get(group(p.id)!) ?? 0) + 1);
    let truth = 0;
    for (const k of sizes.values()) truth += (k * (k - 1)) / 2;
    expect(truth).toBeGreaterThan(1000);
    // Self-pairs are a known matcher bug (below): left out so the bar measures real pairs.
    const found = findDuplicates(people);
    const stats = found.stats;
    const pairs = found.pairs.filter((p) => p.a !== p.b);
    const tp = pairs.filter((p) => group(p.a.id) === group(p.b.id)).length;
    expect(tp / pairs.length).toBeGreaterThanOrEqual(0.95);
    expect(tp / truth).toBeGreaterThanOrEqual(0.9);
    expect(stats.comparisons).toBeLessThan(100_000);
  });

  // Found by this roster: when a person's given and family names share a phonetic code, the
  // name blocking key came out twice and the record was paired with itself (score 1).
  it('never pairs a record with itself', () => {
    const people = febrlLikeRoster({ originals: 4000, duplicates: 1000 }).map((r) => ({
      id: r.rec_id,
      given: r.given_name,
      family: r.surname,
      birthDate: r.date_of_birth,
      postcode: r.postcode,
    }));
    const self = findDuplicates(people).pairs.filter((p) => p.a === p.b);
    expect(self.map((p) => p.a.id)).toEqual([]);
  });
});
