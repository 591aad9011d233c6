/**
 * The JSON and JUnit documents of the check commands, built from their check results for the
 * reporters (reporter.ts) to write. The shapes are those `golive scenarios run --json/--junit`,
 * `golive load --json/--junit` and the compliance and adoption commands have always written;
 * only where they are built moved here (issue 13: one JUnit writer, one place per document).
 */
import type { CheckResult } from '../core/index.js';
import { countOutcomes } from '../core/index.js';
import { seconds, type JunitCase, type JunitSuite } from './junit-xml.js';
import type { JunitDocument } from './reporter.js';

// ---- golive scenarios run ----

/** The JSON document of `golive scenarios run`: every result with its steps and exchanges. */
export interface ScenarioRunReport {
  tool: 'golive';
  kind: 'scenarios';
  target: string;
  startedAt: string;
  durationMs: number;
  exitCode: number;
  summary: { total: number; pass: number; fail: number; error: number; skip: number };
  results: CheckResult[];
}

export function scenarioRunJson(
  results: CheckResult[],
  meta: { target: string; startedAt: string; durationMs: number; exitCode: number },
): ScenarioRunReport {
  return {
    tool: 'golive',
    kind: 'scenarios',
    ...meta,
    durationMs: Math.round(meta.durationMs),
    summary: { total: results.length, ...countOutcomes(results.map((r) => r.outcome)) },
    results,
  };
}

function stepsText(r: CheckResult): string {
  const steps = r.kind === 'scenario' ? (r.data?.steps ?? []) : [];
  return steps
    .map((st) => {
      let s = `${st.index}. [${st.outcome}] ${st.title}: ${st.message}`;
      if (st.expected !== undefined) s += `\n   expected: ${st.expected}`;
      if (st.actual !== undefined) s += `\n   actual:   ${st.actual}`;
      if (st.exchangeIds.length) s += `\n   exchanges: ${st.exchangeIds.join(', ')}`;
      return s;
    })
    .join('\n');
}

function scenarioCase(r: CheckResult): JunitCase {
  const body = stepsText(r);
  const base: JunitCase = {
    classname: `scenarios.${r.domain}`,
    name: `${r.check}: ${r.title}`,
    time: seconds(r.durationMs),
    systemOut: `criteria: ${r.criteria.join(', ')}\n${body}`,
  };
  if (r.outcome === 'fail')
    return { ...base, result: { tag: 'failure', type: 'fail', message: r.summary, body } };
  if (r.outcome === 'error')
    return { ...base, result: { tag: 'error', type: 'inconclusive', message: r.summary, body } };
  if (r.outcome === 'skip') return { ...base, result: { tag: 'skipped', message: r.summary } };
  return base;
}

/** JUnit of a scenario run: one suite, one case per scenario with its steps. */
export function scenarioRunJunit(
  results: readonly CheckResult[],
  meta: { startedAt: string },
): JunitDocument {
  return {
    name: 'golive',
    suites: [
      { name: 'golive scenarios', timestamp: meta.startedAt, cases: results.map(scenarioCase) },
    ],
  };
}

// ---- golive load ----

function loadCheckCase(r: CheckResult): JunitCase {
  const base: JunitCase = { classname: r.check, name: r.title, time: seconds(r.durationMs) };
  const body = r.findings.map((f) => f.message).join('\n') || undefined;
  if (r.outcome === 'fail')
    return { ...base, result: { tag: 'failure', message: r.summary, ...(body ? { body } : {}) } };
  if (r.outcome === 'error')
    return {
      ...base,
      result: { tag: 'error', type: 'inconclusive', message: r.summary, ...(body ? { body } : {}) },
    };
  return base;
}

/**
 * JUnit of a load run: one suite per check result, one case for the check and one per
 * threshold, so CI shows which threshold was missed. `error` (inconclusive) is never a pass.
 */
export function loadJunit(results: readonly CheckResult[]): JunitDocument {
  const suites = results.map((r): JunitSuite => {
    const thresholds = (r.kind === 'load' ? (r.data?.thresholds ?? []) : []).map(
      (t): JunitCase => ({
        classname: `${r.check}.thresholds`,
        name: `${t.metric} ${t.expression}`,
        time: 0,
        ...(t.ok
          ? {}
          : {
              result: {
                tag: 'failure' as const,
                message: `${t.metric} ${t.expression}: actual ${t.actual}`,
              },
            }),
      }),
    );
    return { name: r.check, timestamp: r.startedAt, cases: [loadCheckCase(r), ...thresholds] };
  });
  return { name: 'golive load', suites };
}

// ---- checks with findings (compliance, adoption) ----

/**
 * JUnit of checks judged by their findings: one case per check; a check with an error-level
 * finding (or a failed outcome) fails, an inconclusive one is an error, and every finding is
 * listed in the body with its location and action.
 */
export function checksJunit(name: string, results: readonly CheckResult[]): JunitDocument {
  const cases = results.map((r): JunitCase => {
    const findings = r.findings
      .map((f) => {
        const l = f.location;
        const where = l
          ? [l.file, l.row !== undefined ? `row ${l.row}` : undefined, l.column, l.path]
              .filter((v) => v !== undefined && v !== '')
              .join(' ')
          : '';
        return `${f.severity} ${f.rule}${where ? ` (${where})` : ''}: ${f.message} -> ${f.action}`;
      })
      .join('\n');
    const base: JunitCase = {
      classname: `${r.kind}.${r.domain}`,
      name: `${r.check}: ${r.title}`,
      time: seconds(r.durationMs),
      systemOut: `criteria: ${r.criteria.join(', ')}\n${r.summary}`,
    };
    const body = findings || undefined;
    const failed = r.outcome === 'fail' || r.findings.some((f) => f.severity === 'error');
    if (failed)
      return {
        ...base,
        result: { tag: 'failure', type: 'fail', message: r.summary, ...(body ? { body } : {}) },
      };
    if (r.outcome === 'error')
      return {
        ...base,
        result: {
          tag: 'error',
          type: 'inconclusive',
          message: r.summary,
          ...(body ? { body } : {}),
        },
      };
    if (r.outcome === 'skip') return { ...base, result: { tag: 'skipped', message: r.summary } };
    return base;
  });
  return { name, suites: [{ name, cases }] };
}
