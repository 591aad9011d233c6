/**
 * Finding probable duplicates in a set of people (a roster) with blocking: each record is
 * compared only with records sharing a blocking key, each pair once.
 */
import { blockingKeys, scorePair } from './matcher.js';
import { prepare, type Person, type Prepared } from './person.js';

export interface MatchOptions {
  /** Pairs scoring at least this are reported (0..1). Default 0.85. */
  threshold?: number;
  /** Blocks larger than this are skipped (too unspecific to be worth n^2 work). Default 500. */
  maxBlock?: number;
}

export interface MatchPair {
  a: Person;
  b: Person;
  score: number;
  agree: string[];
  disagree: string[];
}

export interface MatchStats {
  records: number;
  blocks: number;
  comparisons: number;
  skippedBlocks: number;
}

export const DEFAULT_THRESHOLD = 0.65;

export function findDuplicates(
  people: readonly Person[],
  opts: MatchOptions = {},
): { pairs: MatchPair[]; stats: MatchStats } {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const maxBlock = opts.maxBlock ?? 500;
  const prepared: Prepared[] = people.map(prepare);
  const blocks = new Map<string, number[]>();
  prepared.forEach((p, i) => {
    for (const k of blockingKeys(p)) {
      let b = blocks.get(k);
      if (!b) blocks.set(k, (b = []));
      b.push(i);
    }
  });
  const seen = new Set<number>();
  const pairs: MatchPair[] = [];
  let comparisons = 0;
  let skipped = 0;
  const n = prepared.length;
  for (const members of blocks.values()) {
    if (members.length < 2) continue;
    if (members.length > maxBlock) {
      skipped++;
      continue;
    }
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        const key = i < j ? i * n + j : j * n + i;
        if (seen.has(key)) continue;
        seen.add(key);
        comparisons++;
        const s = scorePair(prepared[i]!, prepared[j]!);
        if (s.score >= threshold)
          pairs.push({
            a: people[i]!,
            b: people[j]!,
            score: s.score,
            agree: s.agree,
            disagree: s.disagree,
          });
      }
    }
  }
  pairs.sort((p, q) => q.score - p.score || p.a.id.localeCompare(q.a.id));
  return { pairs, stats: { records: n, blocks: blocks.size, comparisons, skippedBlocks: skipped } };
}
