/**
 * Files written by `golive scenarios run --json/--junit`. The JSON keeps every result with its
 * steps and exchanges (the evidence); the JUnit XML follows the schema CI servers read
 * (testsuites > testsuite > testcase with failure | error | skipped).
 */
import type { CheckResult, ScenarioData } from '../core/index.js';
import { countOutcomes } from '../core/result.js';

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

// XML 1.0 allows only these characters; anything else from the target is replaced.
const xmlChar = (s: string) => s.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/g, '?');
const attr = (s: string) =>
  xmlChar(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const text = (s: string) =>
  xmlChar(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function stepsText(r: CheckResult): string {
  const steps = (r.data as ScenarioData | undefined)?.steps ?? [];
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

export function buildJunit(
  results: CheckResult[],
  meta: { startedAt: string; durationMs: number },
): string {
  const c = countOutcomes(results.map((r) => r.outcome));
  const cases = results.map((r) => {
    const open = `    <testcase classname="scenarios.${attr(r.domain)}" name="${attr(`${r.check}: ${r.title}`)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
    const body = text(stepsText(r));
    let inner = '';
    if (r.outcome === 'fail')
      inner = `      <failure type="fail" message="${attr(r.summary)}">${body}</failure>\n`;
    else if (r.outcome === 'error')
      inner = `      <error type="inconclusive" message="${attr(r.summary)}">${body}</error>\n`;
    else if (r.outcome === 'skip') inner = `      <skipped message="${attr(r.summary)}"/>\n`;
    const out = `      <system-out>${text(`criteria: ${r.criteria.join(', ')}\n${stepsText(r)}`)}</system-out>\n`;
    return `${open}\n${inner}${out}    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive" tests="${results.length}" failures="${c.fail}" errors="${c.error}" skipped="${c.skip}" time="${(meta.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="golive scenarios" tests="${results.length}" failures="${c.fail}" errors="${c.error}" skipped="${c.skip}" timestamp="${attr(meta.startedAt)}" time="${(meta.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
