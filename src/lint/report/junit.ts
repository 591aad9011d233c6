/**
 * The JUnit document of `golive lint --junit`: one testcase per rule that ran; a rule with
 * error-level findings fails (CI gates on it), warnings and info go to system-out.
 * Written by the junit reporter through the one JUnit writer (report/junit-xml.ts).
 */
import type { Finding } from '../../core/index.js';
// The reporter types alone, not the whole report module: `golive lint` starts per file in CI.
import type { JunitCase } from '../../report/junit-xml.js';
import type { JunitDocument } from '../../report/reporter.js';
import type { LintResult } from '../types.js';

function line(f: Finding): string {
  const l = f.location ?? {};
  return `${l.file ?? ''}${l.index ? ` #${l.index}` : ''}${l.controlId ? ` MSH-10=${l.controlId}` : ''}${l.path ? ` ${l.path}` : ''}: ${f.message}`;
}

export function lintJunit(result: LintResult): JunitDocument {
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let g = byRule.get(f.rule);
    if (!g) byRule.set(f.rule, (g = []));
    g.push(f);
  }
  const cases = result.summary.rules.map((rule): JunitCase => {
    const fs = byRule.get(rule) ?? [];
    const total = result.summary.byRule[rule] ?? 0;
    const base: JunitCase = { classname: `lint.${rule.split('.')[0]!}`, name: rule, time: 0 };
    if (fs.length === 0) return base;
    const body =
      fs.map(line).join('\n') + (total > fs.length ? `\n... and ${total - fs.length} more` : '');
    if (fs[0]!.severity === 'error')
      return {
        ...base,
        result: {
          tag: 'failure',
          type: rule,
          message: `${total} finding(s): ${fs[0]!.action}`,
          body,
        },
      };
    return { ...base, systemOut: body };
  });
  return { name: 'golive lint', suites: [{ name: 'lint', cases }] };
}
