/**
 * JSON output of `golive lint --format json` (documented in docs/lint.md#json-output):
 * `{ summary, findings: [{ rule, severity, domain, message, action, file, index, offset,
 * controlId, path, detail? }] }`. Location fields are flattened; absent ones are omitted.
 */
import type { Finding } from '../../core/index.js';
import type { LintResult, LintSummary } from '../types.js';

export interface JsonFinding {
  rule: string;
  severity: Finding['severity'];
  domain: Finding['domain'];
  message: string;
  action: string;
  file?: string;
  /** 1-based message index in its file (0 for bytes outside any message). */
  index?: number;
  offset?: number;
  controlId?: string;
  path?: string;
  detail?: Record<string, unknown>;
}

export interface JsonReport {
  summary: LintSummary & { inputs: string[] };
  findings: JsonFinding[];
}

export function toJsonFinding(f: Finding): JsonFinding {
  const l = f.location ?? {};
  const out: JsonFinding = {
    rule: f.rule,
    severity: f.severity,
    domain: f.domain,
    message: f.message,
    action: f.action,
  };
  if (l.file !== undefined) out.file = l.file;
  if (l.index !== undefined) out.index = l.index;
  if (l.offset !== undefined) out.offset = l.offset;
  if (l.controlId !== undefined) out.controlId = l.controlId;
  if (l.path !== undefined) out.path = l.path;
  if (f.detail) out.detail = f.detail;
  return out;
}

export function toJsonReport(result: LintResult, inputs: readonly string[]): JsonReport {
  return {
    summary: { ...result.summary, inputs: [...inputs] },
    findings: result.findings.map(toJsonFinding),
  };
}
