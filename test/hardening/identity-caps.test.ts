/**
 * Issue 16 item 4: `golive identity match` on a roster heavy with duplicates. Work and output
 * are capped (pairs listed, candidate pairs scored); a cap that was reached is said in the
 * summary and is a finding (exit 1), never a silent truncation. The matcher compares each
 * pair once without a set of every pair seen, and finds the same pairs as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blockingKeys,
  findDuplicates,
  loadRoster,
  prepare,
  scorePair,
  type Person,
} from '../../src/lint/index.js';
import { runCli } from '../helpers/cli.js';
import { febrlLikeRoster, toFebrlCsv } from '../helpers/synthetic-roster.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-identity-caps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `people` distinct people, each registered `copies` times (exact copies, new ids). */
function duplicateHeavy(people: number, copies: number): string {
  const rows = ['id,given,family,birth_date,sex,postcode'];
  for (let p = 0; p < people; p++) {
    const given = `Given${String.fromCharCode(65 + (p % 26))}${String.fromCharCode(65 + Math.floor(p / 26))}`;
    for (let c = 0; c < copies; c++)
      rows.push(
        `p${p}-c${c},${given},Family${p},19${50 + (p % 40)}-0${1 + (p % 9)}-1${p % 9},F,${2000 + p}`,
      );
  }
  return `${rows.join('\n')}\n`;
}

/** The matcher as it was before the caps: a set of every pair seen, every pair kept. */
function reference(people: readonly Person[], threshold = 0.65, maxBlock = 500) {
  const prepared = people.map(prepare);
  const blocks = new Map<string, number[]>();
  prepared.forEach((p, i) => {
    for (const k of blockingKeys(p)) {
      if (!blocks.has(k)) blocks.set(k, []);
      blocks.get(k)!.push(i);
    }
  });
  const seen = new Set<number>();
  const pairs: string[] = [];
  let comparisons = 0;
  const n = prepared.length;
  for (const m of blocks.values()) {
    if (m.length < 2 || m.length > maxBlock) continue;
    for (let x = 0; x < m.length; x++)
      for (let y = x + 1; y < m.length; y++) {
        const i = m[x]!;
        const j = m[y]!;
        const key = i < j ? i * n + j : j * n + i;
        if (seen.has(key)) continue;
        seen.add(key);
        comparisons++;
        if (scorePair(prepared[i]!, prepared[j]!).score >= threshold)
          pairs.push([people[i]!.id, people[j]!.id].sort().join('~'));
      }
  }
  return { pairs: pairs.sort(), comparisons };
}

describe('identity matcher: bounded work, the same answer', () => {
  it('finds the same pairs with the same number of comparisons as the uncapped matcher', () => {
    const file = join(dir, 'febrl.csv');
    writeFileSync(file, toFebrlCsv(febrlLikeRoster({ originals: 1500, duplicates: 600, seed: 7 })));
    const people = loadRoster(file);
    const ref = reference(people);
    const got = findDuplicates(people);
    expect(got.pairs.map((p) => [p.a.id, p.b.id].sort().join('~')).sort()).toEqual(ref.pairs);
    expect(got.stats.comparisons).toBe(ref.comparisons);
    expect(got.stats).toMatchObject({ pairsOmitted: 0, comparisonCapReached: false });
  });

  it('keeps the best maxPairs pairs and counts the others', () => {
    const file = join(dir, 'heavy-small.csv');
    writeFileSync(file, duplicateHeavy(10, 30)); // 10 x 435 = 4,350 pairs of score 1
    const people = loadRoster(file);
    const all = findDuplicates(people, { maxPairs: 1_000_000 });
    expect(all.pairs).toHaveLength(4350);
    const capped = findDuplicates(people, { maxPairs: 100 });
    expect(capped.pairs).toHaveLength(100);
    expect(capped.stats).toMatchObject({ pairsAboveThreshold: 4350, pairsOmitted: 4250 });
    expect(capped.pairs.every((p) => p.score >= all.pairs[99]!.score)).toBe(true);
  });

  it('stops at maxComparisons and says so', () => {
    const file = join(dir, 'heavy-cmp.csv');
    writeFileSync(file, duplicateHeavy(10, 30));
    const r = findDuplicates(loadRoster(file), { maxComparisons: 500 });
    expect(r.stats.comparisons).toBe(500);
    expect(r.stats.comparisonCapReached).toBe(true);
  });
});

describe('golive identity match on a duplicate-heavy roster (CLI)', () => {
  // 20 people x 40 registrations: 15,600 probable pairs, over the default cap of 10,000.
  const heavy = join(dir, 'heavy.csv');
  writeFileSync(heavy, duplicateHeavy(20, 40));

  it('lists 10,000 pairs by default, says the rest were not listed, exit 1', async () => {
    const r = await runCli(['identity', 'match', heavy]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/ ~ /g)).toHaveLength(10_000);
    expect(r.stdout).toMatch(
      /NOT COMPLETE: 5600 more pair\(s\) at or above the threshold not listed \(--max-pairs 10000/,
    );
  });

  it('--max-pairs and --max-comparisons cap it; JSON says complete: false with the note', async () => {
    const r = await runCli(['identity', 'match', heavy, '--max-pairs', '25', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      summary: { complete: boolean; note: string; pairs: number; pairsAboveThreshold: number };
      pairs: unknown[];
    };
    expect(out.pairs).toHaveLength(25);
    expect(out.summary).toMatchObject({ complete: false, pairs: 25, pairsAboveThreshold: 15_600 });
    expect(out.summary.note).toMatch(/15575 more pair/);
    const c = await runCli(['identity', 'match', heavy, '--max-comparisons', '1000', '--json']);
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stdout).summary).toMatchObject({
      complete: false,
      comparisons: 1000,
      comparisonCapReached: true,
    });
  });

  it.each([
    ['--max-pairs', '0'],
    ['--max-pairs', 'lots'],
    ['--max-comparisons', '-5'],
  ])('%s %s is bad input (exit 2)', async (flag, value) => {
    const r = await runCli(['identity', 'match', heavy, flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`E_OPTION: ${flag}: "${value}" is not a whole number`));
  });
});
