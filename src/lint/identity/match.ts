/**
 * Finding probable duplicates in a set of people (a roster) with blocking: each record is
 * compared only with records sharing a blocking key, each pair once.
 *
 * Bounded work and memory whatever the roster (docs/lint.md#identity-matching, Limits):
 * - blocks larger than `maxBlock` are skipped (too unspecific to be worth n^2 work);
 * - at most `maxComparisons` candidate pairs are scored; past it the rest is not compared and
 *   the stats say so (`comparisonCapReached`), never a silent partial answer;
 * - at most `maxPairs` pairs are kept (the best scores); the others above the threshold are
 *   counted (`pairsAboveThreshold`, `pairsOmitted`);
 * - a pair met in several blocks is compared once, in the first block both records share (no
 *   set of every pair seen, which grew with the square of a duplicate-heavy roster).
 */
import { blockingKeys, scorePair } from './matcher.js';
import { prepare, type Person, type Prepared } from './person.js';

export interface MatchOptions {
  /** Pairs scoring at least this are reported (0..1). Default 0.65. */
  threshold?: number;
  /** Blocks larger than this are skipped (too unspecific to be worth n^2 work). Default 500. */
  maxBlock?: number;
  /** Candidate pairs scored at most. Default 5,000,000. */
  maxComparisons?: number;
  /** Pairs kept and listed at most (the best scores). Default 10,000. */
  maxPairs?: number;
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
  /** Pairs at or above the threshold, listed or not. */
  pairsAboveThreshold: number;
  /** Pairs at or above the threshold beyond `maxPairs`: counted, not listed. */
  pairsOmitted: number;
  /** The comparison cap stopped the matching: some candidate pairs were never scored. */
  comparisonCapReached: boolean;
  maxPairs: number;
  maxComparisons: number;
}

export const DEFAULT_THRESHOLD = 0.65;
export const DEFAULT_MAX_PAIRS = 10_000;
export const DEFAULT_MAX_COMPARISONS = 5_000_000;

/** Did matching stop short of the whole answer (pairs omitted or comparisons capped)? */
export function capReached(stats: MatchStats): boolean {
  return stats.pairsOmitted > 0 || stats.comparisonCapReached;
}

interface Kept {
  i: number;
  j: number;
  score: number;
  agree: string[];
  disagree: string[];
}

const byScore = (p: { score: number }, q: { score: number }) => q.score - p.score;

/** Keep the best `max` pairs: the list is cut back to `max` whenever it doubles. */
class BestPairs {
  readonly list: Kept[] = [];
  constructor(private readonly max: number) {}
  add(k: Kept): void {
    this.list.push(k);
    if (this.list.length >= 2 * this.max) this.trim();
  }
  trim(): Kept[] {
    this.list.sort(byScore);
    this.list.length = Math.min(this.list.length, this.max);
    return this.list;
  }
}

export function findDuplicates(
  people: readonly Person[],
  opts: MatchOptions = {},
): { pairs: MatchPair[]; stats: MatchStats } {
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const maxBlock = opts.maxBlock ?? 500;
  const maxPairs = Math.max(1, opts.maxPairs ?? DEFAULT_MAX_PAIRS);
  const maxComparisons = Math.max(1, opts.maxComparisons ?? DEFAULT_MAX_COMPARISONS);
  const prepared: Prepared[] = people.map(prepare);
  const blockIds = new Map<string, number>();
  const members: number[][] = [];
  prepared.forEach((p, i) => {
    for (const k of blockingKeys(p)) {
      let id = blockIds.get(k);
      if (id === undefined) {
        id = members.length;
        blockIds.set(k, id);
        members.push([]);
      }
      members[id]!.push(i);
    }
  });
  // Each record's compared blocks (size 2..maxBlock), in ascending id: the first block two
  // records share is where their pair is compared.
  const blocksOf: number[][] = prepared.map(() => []);
  let skipped = 0;
  members.forEach((m, id) => {
    if (m.length < 2) return;
    if (m.length > maxBlock) {
      skipped++;
      return;
    }
    for (const i of m) blocksOf[i]!.push(id);
  });
  const firstShared = (i: number, j: number): number => {
    const a = blocksOf[i]!;
    const b = blocksOf[j]!;
    let x = 0;
    let y = 0;
    while (x < a.length && y < b.length) {
      if (a[x] === b[y]) return a[x]!;
      if (a[x]! < b[y]!) x++;
      else y++;
    }
    return -1;
  };
  const best = new BestPairs(maxPairs);
  let comparisons = 0;
  let above = 0;
  let capped = false;
  outer: for (let id = 0; id < members.length; id++) {
    const m = members[id]!;
    if (m.length < 2 || m.length > maxBlock) continue;
    for (let x = 0; x < m.length; x++) {
      for (let y = x + 1; y < m.length; y++) {
        const i = m[x]!;
        const j = m[y]!;
        if (firstShared(i, j) !== id) continue;
        if (comparisons >= maxComparisons) {
          capped = true;
          break outer;
        }
        comparisons++;
        const s = scorePair(prepared[i]!, prepared[j]!);
        if (s.score < threshold) continue;
        above++;
        best.add({ i, j, score: s.score, agree: s.agree, disagree: s.disagree });
      }
    }
  }
  const kept = best.trim();
  const pairs = kept.map((k) => ({
    a: people[k.i]!,
    b: people[k.j]!,
    score: k.score,
    agree: k.agree,
    disagree: k.disagree,
  }));
  pairs.sort((p, q) => q.score - p.score || p.a.id.localeCompare(q.a.id));
  return {
    pairs,
    stats: {
      records: prepared.length,
      blocks: members.length,
      comparisons,
      skippedBlocks: skipped,
      pairsAboveThreshold: above,
      pairsOmitted: above - pairs.length,
      comparisonCapReached: capped,
      maxPairs,
      maxComparisons,
    },
  };
}
