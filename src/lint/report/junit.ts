/**
 * JUnit XML of `golive lint --format junit`: one testcase per rule that ran; a rule with
 * error-level findings fails (CI gates on it), warnings and info go to system-out.
 * Schema: the de-facto one read by Jenkins, GitLab and GitHub (testsuites > testsuite > testcase).
 */
import type { Finding } from '../../core/index.js';
import type { LintResult } from '../types.js';

function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function line(f: Finding): string {
  const l = f.location ?? {};
  return `${l.file ?? ''}${l.index ? ` #${l.index}` : ''}${l.controlId ? ` MSH-10=${l.controlId}` : ''}${l.path ? ` ${l.path}` : ''}: ${f.message}`;
}

export function formatJunit(result: LintResult): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let g = byRule.get(f.rule);
    if (!g) byRule.set(f.rule, (g = []));
    g.push(f);
  }
  const rules = result.summary.rules;
  let failures = 0;
  const cases = rules.map((rule) => {
    const fs = byRule.get(rule) ?? [];
    const total = result.summary.byRule[rule] ?? 0;
    const head = `    <testcase classname="lint.${esc(rule.split('.')[0]!)}" name="${esc(rule)}" time="0"`;
    if (fs.length === 0) return `${head}/>`;
    const body = esc(
      fs.map(line).join('\n') + (total > fs.length ? `\n... and ${total - fs.length} more` : ''),
    );
    if (fs[0]!.severity === 'error') {
      failures++;
      return `${head}>\n      <failure type="${esc(rule)}" message="${esc(`${total} finding(s): ${fs[0]!.action}`)}">${body}</failure>\n    </testcase>`;
    }
    return `${head}>\n      <system-out>${body}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive lint" tests="${rules.length}" failures="${failures}">`,
    `  <testsuite name="lint" tests="${rules.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
