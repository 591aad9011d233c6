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

/**
 * Outcomes from most to least serious, the one order every roll-up and display uses:
 * the system under test failing, then golive not being able to tell, then not run, then pass.
 */
export const OUTCOME_SEVERITY: readonly Outcome[] = ['fail', 'error', 'skip', 'pass'];

/** The more serious of two outcomes (OUTCOME_SEVERITY). */
export function worse(a: Outcome, b: Outcome): Outcome {
  return OUTCOME_SEVERITY.indexOf(a) <= OUTCOME_SEVERITY.indexOf(b) ? a : b;
}

/**
 * The exit code of a check command (ARCHITECTURE.md): 0 pass (or nothing to do), 1 the
 * system under test failed a check, 3 inconclusive (the target could not be reached or a check
 * could not complete). A definite failure wins over an inconclusive part. Exit 2 (bad input)
 * is never computed here: it comes from a UserError before anything runs.
 */
export function exitCodeOf(outcomes: Iterable<Outcome>, unreachable = false): 0 | 1 | 3 {
  let error = unreachable;
  for (const o of outcomes) {
    if (o === 'fail') return 1;
    if (o === 'error') error = true;
  }
  return error ? 3 : 0;
}
