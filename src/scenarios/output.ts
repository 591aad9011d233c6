/**
 * Files written by `golive scenarios run --json/--junit`. The JSON keeps every result with its
 * steps and exchanges (the evidence); the JUnit XML follows the schema CI servers read
 * (testsuites > testsuite > testcase with failure | error | skipped).
 */
import { stepsOf, type CheckResult } from '../core/index.js';
import { countOutcomes } from '../core/result.js';
import { renderJunitXml, seconds, type JunitCase } from '../report/junit-xml.js';

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

export function buildJson(
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
  const steps = stepsOf(r);
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

/** JUnit XML of a scenario run, through the one JUnit writer (report/junit-xml.ts). */
export function buildJunit(results: CheckResult[], meta: { startedAt: string }): string {
  return renderJunitXml('golive', [
    { name: 'golive scenarios', timestamp: meta.startedAt, cases: results.map(scenarioCase) },
  ]);
}
