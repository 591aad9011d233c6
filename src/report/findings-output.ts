/**
 * Text and JSON output of compliance and adoption results, in the finding shape `golive lint`
 * uses: `{summary, findings: [{rule, severity, domain, message, action, file, row, column...}]}`.
 * Pure formatting; the CLI decides where it goes and the exit code.
 */
import { exitCodeOf as exitCodeFor } from '../core/index.js';
import type { CheckResult } from '../core/index.js';
import { compareSeverity, formatLocation, severityCounts, type Finding } from '../core/index.js';

export interface FlatFinding {
  check: string;
  rule: string;
  severity: Finding['severity'];
  domain: Finding['domain'];
  message: string;
  action: string;
  file?: string;
  line?: number;
  row?: number;
  column?: string;
  path?: string;
  detail?: Record<string, unknown>;
}

export interface JsonReport {
  summary: {
    checks: number;
    passed: number;
    failed: number;
    inconclusive: number;
    errors: number;
    warnings: number;
    infos: number;
  };
  results: Omit<CheckResult, 'findings' | 'exchanges'>[];
  findings: FlatFinding[];
}

export function flatten(results: readonly CheckResult[]): FlatFinding[] {
  return results.flatMap((r) =>
    r.findings.map((f) => {
      const l = f.location ?? {};
      return {
        check: r.check,
        rule: f.rule,
        severity: f.severity,
        domain: f.domain,
        message: f.message,
        action: f.action,
        ...(l.file !== undefined ? { file: l.file } : {}),
        ...(l.line !== undefined ? { line: l.line } : {}),
        ...(l.row !== undefined ? { row: l.row } : {}),
        ...(l.column !== undefined ? { column: l.column } : {}),
        ...(l.path !== undefined ? { path: l.path } : {}),
        ...(f.detail ? { detail: f.detail } : {}),
      };
    }),
  );
}

export function toJsonReport(results: readonly CheckResult[]): JsonReport {
  const findings = results.flatMap((r) => r.findings);
  const c = severityCounts(findings);
  return {
    summary: {
      checks: results.length,
      passed: results.filter((r) => r.outcome === 'pass').length,
      failed: results.filter((r) => r.outcome === 'fail').length,
      inconclusive: results.filter((r) => r.outcome === 'error' || r.outcome === 'skip').length,
      errors: c.error,
      warnings: c.warning,
      infos: c.info,
    },
    results: results.map(({ findings: _f, exchanges: _x, ...rest }) => rest),
    findings: flatten(results),
  };
}

const LABEL: Record<string, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP' };

/** Linter-style text: per check, findings sorted by severity then location, each with its action. */
export function toText(results: readonly CheckResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${LABEL[r.outcome]} ${r.check}  ${r.title}`, `  ${r.summary}`);
    const sorted = [...r.findings].sort(
      (a, b) =>
        compareSeverity(a.severity, b.severity) || (a.location?.row ?? 0) - (b.location?.row ?? 0),
    );
    for (const f of sorted) {
      const where = formatLocation(f.location);
      out.push(
        `  ${f.severity.padEnd(7)} ${f.rule}${where ? `  ${where}` : ''}`,
        `          ${f.message}`,
        `          -> ${f.action}`,
      );
    }
    const m = Object.entries(r.measurements);
    if (m.length > 0) out.push(`  measurements: ${m.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    out.push('');
  }
  const s = toJsonReport(results).summary;
  out.push(
    `${s.checks} check(s): ${s.passed} passed, ${s.failed} failed${s.inconclusive ? `, ${s.inconclusive} inconclusive` : ''}; ${s.errors} error(s), ${s.warnings} warning(s)`,
  );
  return `${out.join('\n')}\n`;
}

/** Exit code of a check command: 1 any error-level finding, 3 inconclusive (input not fetched), else 0. */
export function exitCodeOf(results: readonly CheckResult[]): number {
  // An error-level finding is a failure of what was checked, whatever the roll-up says.
  return exitCodeFor(
    results.map((r) => (r.findings.some((f) => f.severity === 'error') ? 'fail' : r.outcome)),
  );
}
