/**
 * Outcomes of checks. The system under test doing the wrong thing is `fail`;
 * the tool or the connection failing is `error` (inconclusive). Never mixed.
 */
export type Outcome = 'pass' | 'fail' | 'error' | 'skip';

export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip'];

/**
 * Roll several outcomes up into one.
 * A definite failure of the system under test dominates (fail), then an
 * inconclusive part (error), then pass; all-skip (or nothing) stays skip.
 */
export function rollUp(outcomes: Iterable<Outcome>): Outcome {
  let seen = false;
  let anyPass = false;
  let anyError = false;
  for (const o of outcomes) {
    seen = true;
    if (o === 'fail') return 'fail';
    if (o === 'error') anyError = true;
    else if (o === 'pass') anyPass = true;
  }
  if (!seen) return 'skip';
  if (anyError) return 'error';
  return anyPass ? 'pass' : 'skip';
}

export interface OutcomeCounts {
  pass: number;
  fail: number;
  error: number;
  skip: number;
}

export function countOutcomes(outcomes: Iterable<Outcome>): OutcomeCounts {
  const c: OutcomeCounts = { pass: 0, fail: 0, error: 0, skip: 0 };
  for (const o of outcomes) c[o]++;
  return c;
}
