/**
 * Audit-trail verification (compliance.audit-trail): every action golive performed must have an
 * audit record saying who did what to which object, when (with a zone, close to when it
 * happened), where it was recorded and with what outcome: the elements of a FHIR R4 AuditEvent
 * (agent.who, entity.what, recorded, source.observer, outcome, action, type/subtype) and of the
 * IHE ATNA audit message it derives from. Pure: actions and records in, a CheckResult out.
 */
import type { CheckResult, RetrievalNote } from '../../core/index.js';
import type { Finding, Location } from '../../core/index.js';
import { buildResult, pct } from '../../core/index.js';
import type { AuditedAction, SkippedExchange } from './actions.js';
import { balpGaps } from './balp.js';
import { completenessProblems, sameUser, type AuditMatch } from './complete.js';
import { describeAction, missingMessage, recordName } from './explain.js';
import { actionFits, interactionFits } from './interactions.js';
import type { AuditRecord } from './records.js';

export interface AuditVerifyOptions {
  now: Date;
  /** How far from the action a record may be and still be its record. Default 5 minutes. */
  windowMs?: number;
  /** Clock difference tolerated between golive and the target. Default 2 minutes. */
  skewMs?: number;
  /** The exchanges file, for finding locations. */
  actionsFile?: string;
  skipped?: SkippedExchange[];
  /** Where the records came from (URL or file), for the summary. */
  sourceLabel?: string;
  /** How they were obtained (which search strategy), for the summary and data. */
  retrieval?: RetrievalNote;
}

const isType = (k: string) => k.startsWith('type:');

function contextFits(a: AuditedAction, r: AuditRecord): boolean {
  const types = a.context.filter(isType);
  const ids = a.context.filter((k) => !isType(k));
  const recordTypes = [...r.keys].filter(isType);
  const typeOk = types.length === 0 || recordTypes.length === 0 || types.some((t) => r.keys.has(t));
  const idOk = ids.length > 0 ? ids.some((k) => r.keys.has(k)) : types.some((t) => r.keys.has(t));
  return typeOk && idOk;
}

/**
 * A record naming only other patients is the record of another patient's access, whatever else
 * fits (IHE BALP patient entity; R4 AuditEvent.entity.what). Either side naming no patient
 * leaves this open.
 */
function patientsAgree(a: AuditedAction, r: AuditRecord): boolean {
  return (
    a.patients.length === 0 ||
    r.patients.length === 0 ||
    r.patients.some((p) => a.patients.includes(p))
  );
}

/** The record says it happened where the action did: the target's host in a network address or the source. */
function sameWhere(a: AuditedAction, r: AuditRecord): boolean {
  const host = a.target?.toLowerCase();
  if (!host) return false;
  return [...r.networks, r.source ?? ''].some((w) => w.toLowerCase().includes(host));
}

/** Time outside [start, end] of the action; 0 inside. Undefined when the record has no time. */
function skewOf(a: AuditedAction, r: AuditRecord): number | undefined {
  if (r.time === undefined) return undefined;
  return r.time < a.startMs ? a.startMs - r.time : r.time > a.endMs ? r.time - a.endMs : 0;
}

type Pass = {
  name: string;
  fits: (a: AuditedAction, r: AuditRecord) => boolean;
  mismatch: boolean;
};

const PASSES: Pass[] = [
  // Strongest evidence first, so a weak match never takes the record of a strong one.
  {
    name: 'object',
    fits: (a, r) => a.objects.some((k) => r.keys.has(k)) && actionFits(a, r),
    mismatch: false,
  },
  { name: 'context', fits: (a, r) => contextFits(a, r) && actionFits(a, r), mismatch: false },
  // Same object or patient but the wrong action: matched, then reported as incomplete. A bare
  // resource type is too weak here: it would pair an unaudited search with any other record.
  {
    name: 'loose',
    fits: (a, r) =>
      interactionFits(a, r) &&
      [...a.objects, ...a.context.filter((k) => !isType(k))].some((k) => r.keys.has(k)),
    mismatch: true,
  },
];

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** An outcome that agrees with the answer (or says nothing) is the better evidence. */
function outcomeAgrees(a: AuditedAction, r: AuditRecord): boolean {
  return (
    a.succeeded === undefined || r.outcome === undefined || (r.outcome === '0') === a.succeeded
  );
}

export function matchRecords(
  actions: AuditedAction[],
  records: AuditRecord[],
  windowMs: number,
): Map<AuditedAction, AuditMatch> {
  const used = new Set<AuditRecord>();
  const matched = new Map<AuditedAction, AuditMatch>();
  const ordered = [...actions].sort((x, y) => x.startMs - y.startMs || x.index - y.index);
  for (const pass of PASSES) {
    for (const a of ordered) {
      if (matched.has(a)) continue;
      let best: { r: AuditRecord; score: number[] } | undefined;
      for (const r of records) {
        if (used.has(r) || !patientsAgree(a, r) || !pass.fits(a, r)) continue;
        const skew = skewOf(a, r);
        // A record without a time can only be matched in the last pass (and is then incomplete).
        if (skew === undefined ? !pass.mismatch : skew > windowMs) continue;
        // Who, then when, then where and outcome break ties between records that fit.
        const score = [
          sameUser(a, r) ? 0 : 1,
          skew ?? Number.MAX_SAFE_INTEGER,
          sameWhere(a, r) ? 0 : 1,
          outcomeAgrees(a, r) ? 0 : 1,
          Math.abs((r.time ?? 0) - a.startMs),
        ];
        if (!best || lexLess(score, best.score)) best = { r, score };
      }
      if (best) {
        used.add(best.r);
        matched.set(a, {
          action: a,
          record: best.r,
          skew: skewOf(a, best.r),
          actionMismatch: pass.mismatch && !actionFits(a, best.r),
        });
      }
    }
  }
  return matched;
}

/** How the records were obtained, for the result (sources.ts, fetch.ts); shape in core. */
export type { RetrievalNote } from '../../core/index.js';

/** The retrieval note a verifyAuditTrail result carries, if any. */
export function retrievalOf(r: CheckResult): RetrievalNote | undefined {
  return r.kind === 'audit' ? r.data?.retrieval : undefined;
}

interface Verified {
  findings: Finding[];
  rows: Record<string, unknown>[];
  incomplete: number;
  skewed: number;
  maxSkew: number;
  balpChecked: number;
  balpGapped: number;
}

function verifyEach(
  actions: AuditedAction[],
  records: AuditRecord[],
  matched: Map<AuditedAction, AuditMatch>,
  opts: AuditVerifyOptions & { windowMs: number; skewMs: number },
): Verified {
  const v: Verified = {
    findings: [],
    rows: [],
    incomplete: 0,
    skewed: 0,
    maxSkew: 0,
    balpChecked: 0,
    balpGapped: 0,
  };
  const taken = new Set([...matched.values()].map((m) => m.record));
  for (const a of [...actions].sort((x, y) => x.index - y.index)) {
    const m = matched.get(a);
    if (!m) {
      v.findings.push({
        rule: 'audit.missing',
        severity: 'error',
        domain: 'compliance',
        message: missingMessage(a, records, taken, opts.windowMs),
        action: a.write
          ? 'Configure the target to audit every create, update and filed message (FHIR AuditEvent / IHE ATNA), then re-run.'
          : 'Configure the target to audit reads and searches of patient data too, not only writes (HIPAA 45 CFR 164.312(b); IHE ATNA), then re-run.',
        location: {
          ...(opts.actionsFile ? { file: opts.actionsFile } : {}),
          path: `[${a.index}] ${a.exchangeId}`,
        },
        detail: {
          exchangeId: a.exchangeId,
          kind: a.kind,
          objects: a.objects,
          context: a.context,
          patients: a.patients,
        },
      });
      v.rows.push({ exchangeId: a.exchangeId, kind: a.kind, audited: false });
      continue;
    }
    const problems = completenessProblems(m);
    const balp = balpGaps(a, m.record);
    const recLoc: Location = { ...m.record.at };
    if (problems.length > 0) {
      v.incomplete++;
      v.findings.push({
        rule: 'audit.incomplete',
        severity: 'error',
        domain: 'compliance',
        message: `${recordName(m.record)} for ${describeAction(a)} is incomplete: ${problems.join('; ')}`,
        action:
          'Fix the audit configuration so every record carries who, what, when (with zone), where and outcome, as FHIR AuditEvent requires.',
        location: recLoc,
        detail: { exchangeId: a.exchangeId, recordId: m.record.id, problems },
      });
    }
    if (m.skew !== undefined) v.maxSkew = Math.max(v.maxSkew, m.skew);
    if (m.skew !== undefined && m.skew > opts.skewMs) {
      v.skewed++;
      v.findings.push({
        rule: 'audit.skew',
        severity: 'error',
        domain: 'compliance',
        message: `${recordName(m.record)} for ${describeAction(a)} is ${Math.round(m.skew / 1000)} s away from the action (allowed ${Math.round(opts.skewMs / 1000)} s)`,
        action:
          "Synchronise the target's clock (NTP, as IHE Consistent Time requires) so audit times can be trusted.",
        location: recLoc,
        detail: { exchangeId: a.exchangeId, recordId: m.record.id, skewMs: m.skew },
      });
    }
    if (
      m.record.form === 'AuditEvent' &&
      ['read', 'search', 'create', 'update', 'delete'].includes(a.kind)
    ) {
      v.balpChecked++;
      if (balp.length > 0) v.balpGapped++;
    }
    v.rows.push({
      exchangeId: a.exchangeId,
      kind: a.kind,
      audited: true,
      recordId: m.record.id,
      skewMs: m.skew,
      problems,
      balp,
    });
  }
  return v;
}

export function verifyAuditTrail(
  actions: AuditedAction[],
  records: AuditRecord[],
  opts: AuditVerifyOptions,
): CheckResult {
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const skewMs = opts.skewMs ?? 2 * 60_000;
  const matched = matchRecords(actions, records, windowMs);
  const v = verifyEach(actions, records, matched, { ...opts, windowMs, skewMs });
  const reads = actions.filter((a) => !a.write);
  const writes = actions.filter((a) => a.write);
  const auditedReads = reads.filter((a) => matched.has(a)).length;
  const auditedWrites = writes.filter((a) => matched.has(a)).length;
  const missing = actions.length - matched.size;
  const r = opts.retrieval;
  const notes = [
    ...(r ? [` Records: ${r.statement}.`] : []),
    ...(v.balpGapped > 0
      ? [
          ` ${v.balpGapped} of ${v.balpChecked} matched AuditEvents depart from IHE BALP (see each match's balp list).`,
        ]
      : []),
  ].join('');
  const result = buildResult({
    check: 'compliance.audit-trail',
    kind: 'audit',
    title: 'Audit trail: every action audited with who, what, when, where, outcome',
    domain: 'compliance',
    criteria: ['compliance.audit-trail'],
    findings: v.findings,
    measurements: {
      actions_total: actions.length,
      actions_audited: matched.size,
      audit_coverage_pct: pct(matched.size, actions.length),
      reads_total: reads.length,
      reads_audited: auditedReads,
      reads_audited_pct: pct(auditedReads, reads.length),
      writes_total: writes.length,
      writes_audited: auditedWrites,
      writes_audited_pct: pct(auditedWrites, writes.length),
      audit_missing: missing,
      audit_incomplete: v.incomplete,
      audit_skewed: v.skewed,
      max_skew_ms: v.maxSkew,
      audit_records: records.length,
      audit_records_unmatched: records.length - matched.size,
      audit_balp_checked: v.balpChecked,
      audit_balp_gaps: v.balpGapped,
      ...(r?.pages !== undefined ? { audit_pages_read: r.pages } : {}),
      ...(r?.recordsRead !== undefined ? { audit_records_read: r.recordsRead } : {}),
      exchanges_skipped: opts.skipped?.length ?? 0,
    },
    now: opts.now,
    passSummary: `All ${actions.length} actions (${reads.length} reads, ${writes.length} writes) have complete audit records${opts.sourceLabel ? ` in ${opts.sourceLabel}` : ''}.${notes}`,
    failSummary: () =>
      `${pct(matched.size, actions.length)}% of actions audited (reads ${pct(auditedReads, reads.length)}%, writes ${pct(auditedWrites, writes.length)}%): ${missing} missing, ${v.incomplete} incomplete, ${v.skewed} skewed.${notes}`,
    data: { matches: v.rows, skipped: opts.skipped ?? [], ...(r ? { retrieval: r } : {}) },
  });
  if (actions.length === 0) {
    return {
      ...result,
      outcome: 'skip',
      summary: 'No actions against the target were recorded, so there was nothing to verify.',
    };
  }
  return result;
}
