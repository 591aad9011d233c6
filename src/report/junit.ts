/**
 * JUnit XML for CI: one suite for the review's criteria, one per check kind.
 * Follows the de-facto schema read by Jenkins, GitLab and GitHub test reporters
 * (testsuites > testsuite > testcase with failure | error | skipped).
 */
import type { CheckKind, CriterionEvaluation } from '../core/index.js';
import {
  renderJunitXml,
  seconds,
  type JunitCase as Case,
  type JunitSuite as Suite,
} from './junit-xml.js';
import { DECISION_LABEL, STATUS_LABEL, scenarioData, tidyText } from './model.js';
import type { JunitDocument } from './reporter.js';
import type { ReportCheck, ReportInput } from './types.js';

function criterionCase(c: CriterionEvaluation): Case {
  const reason = tidyText(c.reason);
  const base: Case = {
    classname: `criteria.${c.domain}`,
    name: `${c.id}: ${c.title}`,
    time: 0,
    systemOut: `severity: ${c.severity}\nowner: ${c.owner}\nstatus: ${c.status}\nevidence: ${c.evidence.join(', ') || '(none)'}\n${reason}`,
  };
  const message = `${STATUS_LABEL[c.status]} (${c.severity}, owner ${c.owner}): ${reason}`;
  switch (c.status) {
    case 'met':
      return base;
    case 'not-met':
    case 'not-evidenced':
      return { ...base, result: { tag: 'failure', type: c.status, message } };
    case 'inconclusive':
      return { ...base, result: { tag: 'error', type: c.status, message } };
    case 'waived':
      return { ...base, result: { tag: 'skipped', message: `waived: ${reason}` } };
  }
}

function failedStepsText(check: ReportCheck): string | undefined {
  const steps = scenarioData(check)?.steps.filter(
    (s) => s.outcome === 'fail' || s.outcome === 'error',
  );
  if (!steps?.length) return undefined;
  return steps
    .map((s) => {
      const lines = [`step ${s.index} [${s.outcome}] ${s.title}: ${s.message}`];
      if (s.expected !== undefined) lines.push(`  expected: ${s.expected}`);
      if (s.actual !== undefined) lines.push(`  actual:   ${s.actual}`);
      if (s.exchangeIds?.length) lines.push(`  exchanges: ${s.exchangeIds.join(', ')}`);
      return lines.join('\n');
    })
    .join('\n');
}

function checkCase(check: ReportCheck): Case {
  const summary = tidyText(check.summary);
  const findings = check.findings
    .map((f) => `${f.severity} ${f.rule}: ${tidyText(f.message)} -> ${tidyText(f.action)}`)
    .join('\n');
  const body = [failedStepsText(check), findings].filter(Boolean).join('\n\n') || undefined;
  const base: Case = {
    classname: `${check.kind}.${check.domain}`,
    name: `${check.check}: ${check.title}`,
    time: seconds(check.durationMs),
    systemOut: `evidence: ${check.evidenceId} sha256:${check.hash}\ncriteria: ${check.criteria.join(', ')}\n${summary}`,
  };
  switch (check.outcome) {
    case 'pass':
      return base;
    case 'fail':
      return {
        ...base,
        result: { tag: 'failure', type: 'fail', message: summary, ...(body ? { body } : {}) },
      };
    case 'error':
      return {
        ...base,
        result: {
          tag: 'error',
          type: 'inconclusive',
          message: summary,
          ...(body ? { body } : {}),
        },
      };
    case 'skip':
      return { ...base, result: { tag: 'skipped', message: summary } };
  }
}

/** JUnit XML: criteria as test cases, then one suite per check kind. */
export function renderJunit(input: ReportInput): string {
  const doc = reviewJunit(input);
  return renderJunitXml(doc.name, doc.suites);
}

/** The review's JUnit document (what the junit reporter writes as report.junit.xml). */
export function reviewJunit(input: ReportInput): JunitDocument {
  const { review, run } = input;
  const suites: Suite[] = [
    {
      name: 'golive.criteria',
      // The run's recorded start, as the HTML and Markdown reports show it (the decision
      // instant is a property below).
      timestamp: run.startedAt,
      properties: [
        ['decision', review.decision],
        ['decision.label', DECISION_LABEL[review.decision]],
        ['decidedAt', review.decidedAt],
        ['rationale', tidyText(review.rationale)],
        ['template', review.template],
        ['policyVersion', review.policyVersion],
        ['run', run.id],
        ['target', run.target],
        ['toolVersion', run.toolVersion],
      ],
      cases: review.criteria.map(criterionCase),
    },
  ];
  const kinds: CheckKind[] = [...new Set(input.checks.map((c) => c.kind))];
  for (const kind of kinds) {
    const checks = input.checks.filter((c) => c.kind === kind);
    suites.push({
      name: `golive.${kind}`,
      ...(checks[0] ? { timestamp: checks[0].startedAt } : {}),
      cases: checks.map(checkCase),
    });
  }
  return { name: `golive review ${run.id}: ${DECISION_LABEL[review.decision]}`, suites };
}
