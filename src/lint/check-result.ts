/**
 * Lint results as review evidence: one CheckResult per interop criterion (REVIEW.md), each fed
 * by its rule families. Outcome `fail` when any error-level finding of those families,
 * `pass` otherwise, and `skip` when no message was read (an empty sample proves nothing, and
 * the review never counts a skip as met).
 */
import type { CheckResult, Finding } from '../core/index.js';
import type { LintResult, RuleFamily } from './types.js';

export interface LintCriterion {
  criterion: string;
  families: RuleFamily[];
  title: string;
}

export const LINT_CRITERIA: readonly LintCriterion[] = [
  {
    criterion: 'interop.identity',
    families: ['identity'],
    title: 'Traffic lint: patient identity',
  },
  {
    criterion: 'interop.units-flags',
    families: ['units', 'flags'],
    title: 'Traffic lint: units and abnormal flags',
  },
  { criterion: 'interop.timestamps', families: ['time'], title: 'Traffic lint: timestamps' },
  {
    criterion: 'interop.updates',
    families: ['update'],
    title: 'Traffic lint: corrections, cancellations, resends',
  },
  {
    criterion: 'interop.message-integrity',
    families: ['structure'],
    title: 'Traffic lint: message structure',
  },
];

export interface LintRunInfo {
  /** Inputs as given (files, folders, globs). */
  inputs: readonly string[];
  /** ISO instant the lint started (from the runner's injected clock). */
  startedAt: string;
  durationMs: number;
}

const familyOf = (rule: string) => rule.slice(0, rule.indexOf('.'));

export function lintToCheckResult(result: LintResult, run: LintRunInfo): CheckResult[] {
  const { summary } = result;
  return LINT_CRITERIA.map((c) => {
    const mine = (f: Finding) => (c.families as string[]).includes(familyOf(f.rule));
    const findings = result.findings.filter(mine);
    const counts = { error: 0, warning: 0, info: 0 };
    const byRule: Record<string, number> = {};
    for (const [rule, n] of Object.entries(summary.byRule)) {
      if (!(c.families as string[]).includes(familyOf(rule))) continue;
      byRule[rule] = n;
    }
    // Counts come from the summary (every finding), not the capped list.
    for (const f of findings) counts[f.severity]++;
    const errorsTotal = Object.entries(byRule)
      .filter(([rule]) => findings.find((f) => f.rule === rule)?.severity === 'error')
      .reduce((s, [, n]) => s + n, 0);
    const rulesRun = summary.rules.filter((r) => (c.families as string[]).includes(familyOf(r)));
    const outcome =
      summary.messages === 0 || rulesRun.length === 0 ? 'skip' : errorsTotal > 0 ? 'fail' : 'pass';
    const text =
      outcome === 'skip'
        ? summary.messages === 0
          ? 'No message was read, so nothing was checked.'
          : `Every ${c.families.join('/')} rule is turned off.`
        : `${summary.messages} message(s) linted with ${rulesRun.length} ${c.families.join('/')} rule(s): ${errorsTotal} error-level finding(s), ${counts.warning} warning(s) listed.`;
    return {
      check: `lint.${c.criterion.slice('interop.'.length)}`,
      kind: 'lint',
      title: c.title,
      domain: 'interop',
      criteria: [c.criterion],
      outcome,
      summary: text,
      findings,
      measurements: {
        messages: summary.messages,
        errors: errorsTotal,
        warnings: counts.warning,
        info: counts.info,
        rules: rulesRun.length,
      },
      startedAt: run.startedAt,
      durationMs: run.durationMs,
      data: { inputs: [...run.inputs], byRule, omitted: summary.omitted },
    } satisfies CheckResult;
  });
}
