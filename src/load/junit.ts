/**
 * JUnit XML for `golive load --junit`: one test suite per check result, one test case per
 * threshold plus one for the check itself, so CI shows which threshold was missed.
 * `fail` is a failure; `error` (inconclusive) is an error, never a pass.
 */
import type { CheckResult } from '../core/index.js';
import type { LoadRunData } from './result.js';

function xml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function renderLoadJunit(results: readonly CheckResult[]): string {
  const suites = results.map((r) => {
    const d = r.data as Partial<LoadRunData> | undefined;
    const cases: string[] = [];
    const secs = (r.durationMs / 1000).toFixed(3);
    const body =
      r.outcome === 'fail'
        ? `<failure message="${xml(r.summary)}">${xml(r.findings.map((f) => f.message).join('\n'))}</failure>`
        : r.outcome === 'error'
          ? `<error message="${xml(r.summary)}">${xml(r.findings.map((f) => f.message).join('\n'))}</error>`
          : '';
    cases.push(
      `    <testcase classname="${xml(r.check)}" name="${xml(r.title)}" time="${secs}">${body}</testcase>`,
    );
    for (const t of d?.thresholds ?? []) {
      const fail = t.ok
        ? ''
        : `<failure message="${xml(`${t.metric} ${t.expression}: actual ${t.actual}`)}"/>`;
      cases.push(
        `    <testcase classname="${xml(r.check)}.thresholds" name="${xml(`${t.metric} ${t.expression}`)}">${fail}</testcase>`,
      );
    }
    const failures =
      (r.outcome === 'fail' ? 1 : 0) + (d?.thresholds ?? []).filter((t) => !t.ok).length;
    const errors = r.outcome === 'error' ? 1 : 0;
    return `  <testsuite name="${xml(r.check)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${secs}" timestamp="${xml(r.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="golive load">\n${suites.join('\n')}\n</testsuites>\n`;
}
