/**
 * `golive identity match FILE.csv` without the output flags: read the roster, match, render.
 * The pairs are capped (--max-pairs, best scores kept) and so is the work (--max-comparisons);
 * a cap that was reached is said in the summary and is a finding (exit 1), never a silent
 * truncation.
 * Exit 0 no pair and no cap reached, 1 pairs or a cap reached, 2 bad input (UserError).
 */
import { UserError } from '../../core/index.js';
import {
  capReached,
  DEFAULT_MAX_COMPARISONS,
  DEFAULT_MAX_PAIRS,
  DEFAULT_THRESHOLD,
  findDuplicates,
  type MatchPair,
  type MatchStats,
} from './match.js';
import type { Person } from './person.js';
import { loadRoster } from './roster.js';

export interface IdentityFlags {
  threshold?: string;
  maxPairs?: string;
  maxComparisons?: string;
}

function label(p: Person): string {
  const name = [p.given, p.family].filter(Boolean).join(' ');
  return `${p.id} (${name || 'no name'}${p.birthDate ? `, ${p.birthDate}` : ''})`;
}

function positive(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError('E_OPTION', `${flag}: "${raw}" is not a whole number of 1 or more`, {
      hint: `e.g. ${flag} ${fallback}`,
    });
  return n;
}

/** The flags as numbers; bad values are UserErrors before the roster is read. */
export function identityOptions(o: IdentityFlags): {
  threshold: number;
  maxPairs: number;
  maxComparisons: number;
} {
  const threshold = o.threshold === undefined ? DEFAULT_THRESHOLD : Number(o.threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw new UserError('E_OPTION', `--threshold: "${o.threshold}" is not a number from 0 to 1`, {
      hint: 'e.g. --threshold 0.7',
    });
  return {
    threshold,
    maxPairs: positive(o.maxPairs, '--max-pairs', DEFAULT_MAX_PAIRS),
    maxComparisons: positive(o.maxComparisons, '--max-comparisons', DEFAULT_MAX_COMPARISONS),
  };
}

/** What was not done, in words, or '' when the answer is whole. */
export function capNote(stats: MatchStats): string {
  const parts: string[] = [];
  if (stats.pairsOmitted > 0)
    parts.push(
      `${stats.pairsOmitted} more pair(s) at or above the threshold not listed (--max-pairs ${stats.maxPairs}: the best scores are listed)`,
    );
  if (stats.comparisonCapReached)
    parts.push(
      `stopped after ${stats.comparisons} comparisons (--max-comparisons ${stats.maxComparisons}): the rest of the roster was not compared`,
    );
  return parts.join('; ');
}

/** What `golive identity match` produced: the exit code and its two renderings. */
export interface IdentityOutput {
  exitCode: number;
  pairs: readonly MatchPair[];
  stats: MatchStats;
  /** `{summary, pairs}`; `summary.complete` is false and `summary.note` says why when a cap was reached. */
  json: () => unknown;
  /** One entry per pair, a summary line, and a NOT COMPLETE line when a cap was reached. */
  text: () => string;
}

/**
 * Read the roster and match. The pairs held and rendered are at most --max-pairs (default
 * 10,000), so the output is bounded whatever the roster.
 */
export function matchRoster(file: string, flags: IdentityFlags): IdentityOutput {
  const opts = identityOptions(flags);
  const people = loadRoster(file);
  const { pairs, stats } = findDuplicates(people, opts);
  const note = capNote(stats);
  return {
    exitCode: pairs.length > 0 || capReached(stats) ? 1 : 0,
    pairs,
    stats,
    json: () => ({
      summary: {
        ...stats,
        threshold: opts.threshold,
        pairs: pairs.length,
        complete: !capReached(stats),
        ...(note ? { note } : {}),
      },
      pairs: pairs.map((p) => ({
        a: p.a.id,
        b: p.b.id,
        score: Number(p.score.toFixed(3)),
        agree: p.agree,
        disagree: p.disagree,
      })),
    }),
    text: () =>
      pairs
        .map(
          (p) =>
            `${p.score.toFixed(2)}  ${label(p.a)}  ~  ${label(p.b)}\n      agree: ${p.agree.join(', ') || '-'}; disagree: ${p.disagree.join(', ') || '-'}\n`,
        )
        .join('') +
      `${pairs.length} probable duplicate pair(s) among ${stats.records} record(s) (threshold ${opts.threshold}, ${stats.comparisons} comparisons)\n` +
      (note ? `NOT COMPLETE: ${note}\n` : ''),
  };
}
