/**
 * JUnit XML for `golive load --junit`: one test suite per check result, one test case per
 * threshold plus one for the check itself, so CI shows which threshold was missed.
 * `fail` is a failure; `error` (inconclusive) is an error, never a pass.
 * Rendered by the one JUnit writer (report/junit-xml.ts).
 */
import type { CheckResult } from '../core/index.js';
import { renderJunitXml, seconds, type JunitCase, type JunitSuite } from '../report/junit-xml.js';
import type { LoadRunData } from './result.js';

function checkCase(r: CheckResult): JunitCase {
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

export function renderLoadJunit(results: readonly CheckResult[]): string {
  const suites = results.map((r): JunitSuite => {
    const d = r.data as Partial<LoadRunData> | undefined;
    const thresholds = (d?.thresholds ?? []).map((t): JunitCase => ({
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
    }));
    return { name: r.check, timestamp: r.startedAt, cases: [checkCase(r), ...thresholds] };
  });
  return renderJunitXml('golive load', suites);
}
