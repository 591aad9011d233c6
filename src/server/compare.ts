/**
 * Two runs side by side: the decision of each, the criteria whose status changed, and the
 * findings that are new in the later run or resolved since the earlier one. Findings are matched
 * by a stable key (the check that made it, its rule, and where it points), never by position or
 * by wording that carries measured numbers, so "3 messages late" and "4 messages late" at the
 * same place are the same finding.
 */
import type { CriterionStatus, DecisionValue, Finding } from '../core/index.js';
import type { EvidenceRecord } from '../evidence/index.js';
import type { RunReview } from './runs.js';

export interface ComparedFinding {
  key: string;
  check: string;
  rule: string;
  severity: Finding['severity'];
  message: string;
  where: string;
}

export interface CriterionChange {
  id: string;
  title: string;
  severity: string;
  from: CriterionStatus | null;
  to: CriterionStatus | null;
}

export interface RunComparison {
  a: {
    runId: string;
    decision: DecisionValue;
    provisional: boolean;
    decisionRecord: string | null;
  };
  b: {
    runId: string;
    decision: DecisionValue;
    provisional: boolean;
    decisionRecord: string | null;
  };
  decisionChanged: boolean;
  criteria: CriterionChange[];
  /** Criteria with the same status in both runs. */
  unchangedCriteria: number;
  findings: { new: ComparedFinding[]; resolved: ComparedFinding[]; unchanged: number };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function where(f: Finding): string {
  const l = f.location;
  if (!l) return '';
  return [
    l.file,
    l.index !== undefined ? `message ${l.index}` : undefined,
    l.row !== undefined ? `row ${l.row}` : undefined,
    l.column,
    l.line !== undefined ? `line ${l.line}` : undefined,
    l.controlId,
    l.path,
  ]
    .filter((x) => x !== undefined && x !== '')
    .join(' ');
}

/**
 * The stable key of a finding: check, rule and location; without a location, the message with
 * its numbers blanked (a count or a latency changes from run to run, the finding does not).
 */
export function findingKey(check: string, f: Finding): string {
  const at = where(f);
  return `${check}|${f.rule}|${at || f.message.replace(/\d+(\.\d+)?/g, '#')}`;
}

/** Every finding of a run's check records, keyed. */
export function findingsOf(records: readonly EvidenceRecord[]): Map<string, ComparedFinding> {
  const out = new Map<string, ComparedFinding>();
  for (const r of records) {
    if (r.kind !== 'check' || r.malformed !== undefined || !isObj(r.content)) continue;
    const check = typeof r.content.check === 'string' ? r.content.check : r.id;
    const findings = Array.isArray(r.content.findings) ? (r.content.findings as Finding[]) : [];
    for (const f of findings) {
      if (!isObj(f) || typeof f.rule !== 'string' || typeof f.message !== 'string') continue;
      const key = findingKey(check, f);
      if (!out.has(key))
        out.set(key, {
          key,
          check,
          rule: f.rule,
          severity: f.severity,
          message: f.message,
          where: where(f),
        });
    }
  }
  return out;
}

export function compareRuns(
  a: { review: RunReview; records: readonly EvidenceRecord[] },
  b: { review: RunReview; records: readonly EvidenceRecord[] },
): RunComparison {
  const side = (x: RunReview) => ({
    runId: x.runId,
    decision: x.review.decision,
    provisional: x.provisional,
    decisionRecord: x.decisionRecord,
  });
  const before = new Map(a.review.review.criteria.map((c) => [c.id, c]));
  const after = new Map(b.review.review.criteria.map((c) => [c.id, c]));
  const criteria: CriterionChange[] = [];
  let unchangedCriteria = 0;
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(id);
    const y = after.get(id);
    if (x && y && x.status === y.status) {
      unchangedCriteria++;
      continue;
    }
    const c = (y ?? x)!;
    criteria.push({
      id,
      title: c.title,
      severity: c.severity,
      from: x?.status ?? null,
      to: y?.status ?? null,
    });
  }
  const fa = findingsOf(a.records);
  const fb = findingsOf(b.records);
  const fresh = [...fb.values()].filter((f) => !fa.has(f.key));
  const resolved = [...fa.values()].filter((f) => !fb.has(f.key));
  return {
    a: side(a.review),
    b: side(b.review),
    decisionChanged: a.review.review.decision !== b.review.review.decision,
    criteria,
    unchangedCriteria,
    findings: { new: fresh, resolved, unchanged: fb.size - fresh.length },
  };
}
