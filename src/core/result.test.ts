import { describe, expect, it } from 'vitest';
import { OUTCOME_SEVERITY, exitCodeOf, rollUp, worse } from './result.js';

describe('the one outcome vocabulary', () => {
  it('orders outcomes fail > error > skip > pass, and roll-up agrees with that order', () => {
    expect(OUTCOME_SEVERITY).toEqual(['fail', 'error', 'skip', 'pass']);
    expect(worse('error', 'fail')).toBe('fail');
    expect(worse('pass', 'error')).toBe('error');
    expect(worse('pass', 'skip')).toBe('skip');
    expect(rollUp(['pass', 'error', 'fail'])).toBe('fail');
    expect(rollUp(['pass', 'error'])).toBe('error');
  });

  it('maps outcomes to the exit codes of ARCHITECTURE.md', () => {
    expect(exitCodeOf([])).toBe(0);
    expect(exitCodeOf(['pass', 'skip'])).toBe(0);
    expect(exitCodeOf(['pass', 'fail', 'error'])).toBe(1);
    expect(exitCodeOf(['pass', 'error'])).toBe(3);
    expect(exitCodeOf(['pass'], true)).toBe(3);
    expect(exitCodeOf(['fail'], true)).toBe(1);
  });
});
