/**
 * JUnit XML for CI: one suite for the review's criteria, one per check kind.
 * Follows the de-facto schema read by Jenkins, GitLab and GitHub test reporters
 * (testsuites > testsuite > testcase with failure | error | skipped).
 */
import type { CheckKind, CriterionEvaluation } from '../core/index.js';
import { escapeXml, escapeXmlText } from './escape.js';
import { DECISION_LABEL, STATUS_LABEL, scenarioData } from './model.js';
import type { ReportCheck, ReportInput } from './types.js';

interface Case {
  classname: string;
  name: string;
  /** Seconds. */
  time: number;
  result?: { tag: 'failure' | 'error' | 'skipped'; type?: string; message: string; body?: string };
  systemOut?: string;
}

interface Suite {
  name: string;
  timestamp?: string;
  properties?: [string, string][];
  cases: Case[];
}

function attrs(pairs: [string, string | number | undefined][]): string {
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
}

function seconds(ms: number): number {
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0;
}

function criterionCase(c: CriterionEvaluation): Case {
  const base: Case = {
    classname: `criteria.${c.domain}`,
    name: `${c.id}: ${c.title}`,
    time: 0,
    systemOut: `severity: ${c.severity}\nowner: ${c.owner}\nstatus: ${c.status}\nevidence: ${c.evidence.join(', ') || '(none)'}\n${c.reason}`,
  };
  const message = `${STATUS_LABEL[c.status]} (${c.severity}, owner ${c.owner}): ${c.reason}`;
  switch (c.status) {
    case 'met':
      return base;
    case 'not-met':
    case 'not-evidenced':
      return { ...base, result: { tag: 'failure', type: c.status, message } };
    case 'inconclusive':
      return { ...base, result: { tag: 'error', type: c.status, message } };
    case 'waived':
      return { ...base, result: { tag: 'skipped', message: `waived: ${c.reason}` } };
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
  const findings = check.findings
    .map((f) => `${f.severity} ${f.rule}: ${f.message} -> ${f.action}`)
    .join('\n');
  const body = [failedStepsText(check), findings].filter(Boolean).join('\n\n') || undefined;
  const base: Case = {
    classname: `${check.kind}.${check.domain}`,
    name: `${check.check}: ${check.title}`,
    time: seconds(check.durationMs),
    systemOut: `evidence: ${check.evidenceId} sha256:${check.hash}\ncriteria: ${check.criteria.join(', ')}\n${check.summary}`,
  };
  switch (check.outcome) {
    case 'pass':
      return base;
    case 'fail':
      return {
        ...base,
        result: { tag: 'failure', type: 'fail', message: check.summary, ...(body ? { body } : {}) },
      };
    case 'error':
      return {
        ...base,
        result: {
          tag: 'error',
          type: 'inconclusive',
          message: check.summary,
          ...(body ? { body } : {}),
        },
      };
    case 'skip':
      return { ...base, result: { tag: 'skipped', message: check.summary } };
  }
}

function renderCase(c: Case): string {
  const open = `    <testcase${attrs([
    ['classname', c.classname],
    ['name', c.name],
    ['time', c.time.toFixed(3)],
  ])}`;
  const inner: string[] = [];
  if (c.result) {
    const a = attrs([
      ['type', c.result.type],
      ['message', c.result.message],
    ]);
    inner.push(
      c.result.body
        ? `      <${c.result.tag}${a}>${escapeXmlText(c.result.body)}</${c.result.tag}>`
        : `      <${c.result.tag}${a}/>`,
    );
  }
  if (c.systemOut) inner.push(`      <system-out>${escapeXmlText(c.systemOut)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

function tally(cases: Case[]): {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
} {
  const t = { tests: cases.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const c of cases) {
    t.time += c.time;
    if (c.result?.tag === 'failure') t.failures++;
    else if (c.result?.tag === 'error') t.errors++;
    else if (c.result?.tag === 'skipped') t.skipped++;
  }
  return t;
}

function renderSuite(s: Suite, id: number): string {
  const t = tally(s.cases);
  const head = `  <testsuite${attrs([
    ['name', s.name],
    ['id', id],
    ['tests', t.tests],
    ['failures', t.failures],
    ['errors', t.errors],
    ['skipped', t.skipped],
    ['time', t.time.toFixed(3)],
    ['timestamp', s.timestamp],
  ])}>`;
  const props = s.properties?.length
    ? [
        '    <properties>',
        ...s.properties.map(
          ([k, v]) =>
            `      <property${attrs([
              ['name', k],
              ['value', v],
            ])}/>`,
        ),
        '    </properties>',
      ]
    : [];
  return [head, ...props, ...s.cases.map(renderCase), '  </testsuite>'].join('\n');
}

/** JUnit XML: criteria as test cases, then one suite per check kind. */
export function renderJunit(input: ReportInput): string {
  const { review, run } = input;
  const suites: Suite[] = [
    {
      name: 'golive.criteria',
      timestamp: review.decidedAt,
      properties: [
        ['decision', review.decision],
        ['decision.label', DECISION_LABEL[review.decision]],
        ['rationale', review.rationale],
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
  const all = tally(suites.flatMap((s) => s.cases));
  const root = `<testsuites${attrs([
    ['name', `golive review ${run.id}: ${DECISION_LABEL[review.decision]}`],
    ['tests', all.tests],
    ['failures', all.failures],
    ['errors', all.errors],
    ['skipped', all.skipped],
    ['time', all.time.toFixed(3)],
  ])}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    root,
    ...suites.map((s, i) => renderSuite(s, i)),
    '</testsuites>',
    '',
  ].join('\n');
}
