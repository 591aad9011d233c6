/**
 * JSON output of `golive lint --format json` (documented in docs/lint.md#json-output):
 * `{ summary, groups: [...], findings: [{ rule, severity, domain, message, action, file, index,
 * offset, controlId, path, detail? }] }`. Location fields are flattened; absent ones are omitted.
 * `groups` are the reported findings by rule + sender + field (findings of kinds the baseline
 * lists are counted in summary.baseline only); `findings` lists them one by one, capped per rule.
 */
import type { Finding } from '../../core/index.js';
import type { FindingGroup, LintResult, LintSummary, MessageRef, ValueCount } from '../types.js';

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

/** Where a group was first or last seen. */
export interface JsonRef {
  file: string;
  index: number;
  offset: number;
  controlId?: string;
}

export interface JsonGroup {
  rule: string;
  severity: Finding['severity'];
  /** `APP/FACILITY`, from MSH-3 and MSH-4. */
  sender: string;
  sendingApplication: string;
  sendingFacility: string;
  /** Field without occurrence (`OBX-6`); '' when the rule names none. */
  field: string;
  count: number;
  first?: JsonRef;
  last?: JsonRef;
  /** Message of the group's first finding. */
  example?: string;
  action: string;
  /** Normalised values with their counts, most frequent first. */
  values: { key: string; count: number; example?: string; note?: string }[];
  /** Findings whose value was not kept (a group keeps 1000 values). */
  otherValues: number;
}

export interface JsonReport {
  summary: LintSummary & { inputs: string[] };
  groups: JsonGroup[];
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

function ref(r: MessageRef): JsonRef {
  const out: JsonRef = { file: r.file, index: r.index, offset: r.offset };
  if (r.controlId !== undefined) out.controlId = r.controlId;
  return out;
}

/** The values of a group that were reported (those in the baseline were suppressed). */
export function reportedValues(g: FindingGroup): ValueCount[] {
  return g.values.filter((v) => !v.inBaseline);
}

export function toJsonGroup(g: FindingGroup): JsonGroup {
  const out: JsonGroup = {
    rule: g.rule,
    severity: g.severity,
    sender: g.sender,
    sendingApplication: g.sendingApplication,
    sendingFacility: g.sendingFacility,
    field: g.field,
    count: g.count,
    action: g.action,
    values: reportedValues(g).map((v) => {
      const out: JsonGroup['values'][number] = { key: v.key, count: v.count };
      if (v.example !== undefined) out.example = v.example;
      if (v.note !== undefined) out.note = v.note;
      return out;
    }),
    otherValues: g.otherValues,
  };
  if (g.first) out.first = ref(g.first);
  if (g.last) out.last = ref(g.last);
  if (g.example !== undefined) out.example = g.example;
  return out;
}

export function toJsonReport(result: LintResult, inputs: readonly string[]): JsonReport {
  return {
    summary: { ...result.summary, inputs: [...inputs] },
    groups: result.groups.filter((g) => g.count > 0).map(toJsonGroup),
    findings: result.findings.map(toJsonFinding),
  };
}
