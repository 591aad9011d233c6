/**
 * Audit-trail verification (compliance.audit-trail): every action golive performed must have an
 * audit record saying who did what to which object, when (with a zone, close to when it
 * happened), where it was recorded and with what outcome: the elements of a FHIR R4 AuditEvent
 * (agent.who, entity.what, recorded, source.observer, outcome, action, type/subtype) and of the
 * IHE ATNA audit message it derives from. Pure: actions and records in, a CheckResult out.
 */
import type { CheckResult } from '../../core/evidence.js';
import type { Finding, Location } from '../../core/finding.js';
import { buildResult, pct } from '../common/check.js';
import type { ActionKind, AuditedAction, SkippedExchange } from './actions.js';
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
}

/** AuditEvent.action codes acceptable for each kind (R4 audit-event-action; search is E per the R4 page, R is common). */
const ACTIONS: Record<ActionKind, string[]> = {
  read: ['R'],
  search: ['E', 'R'],
  create: ['C'],
  update: ['U'],
  delete: ['D'],
  operation: ['E', 'R'],
  message: ['C', 'U', 'E'],
};

/** restful-interaction subtype codes acceptable for each kind (R4 valueset restful-interaction). */
const INTERACTIONS: Record<ActionKind, string[]> = {
  read: ['read', 'vread'],
  search: ['search', 'search-type', 'search-system', 'search-compartment'],
  create: ['create'],
  update: ['update', 'patch'],
  delete: ['delete'],
  operation: ['operation'],
  message: ['create', 'update'],
};
const RESTFUL = new Set(
  Object.values(INTERACTIONS)
    .flat()
    .concat([
      'history',
      'history-instance',
      'history-type',
      'history-system',
      'capabilities',
      'transaction',
      'batch',
    ]),
);

/** An update answered 201 created the resource (R4 http.html#update, "update as create"). */
const createdByUpdate = (a: AuditedAction) => a.kind === 'update' && a.answer === 'HTTP 201';

/** The AuditEvent.action codes that fit the action: an update that created may be audited C. */
export function expectedActions(a: AuditedAction): string[] {
  return createdByUpdate(a) ? ['U', 'C'] : ACTIONS[a.kind];
}

function codeFits(a: AuditedAction, r: AuditRecord): boolean {
  return !r.action || expectedActions(a).includes(r.action);
}

/** A record whose subtype names another FHIR interaction is the record of that interaction. */
function interactionFits(a: AuditedAction, r: AuditRecord): boolean {
  const interaction = r.subtypes.find((s) => RESTFUL.has(s));
  if (!interaction) return true;
  return (
    INTERACTIONS[a.kind].includes(interaction) || (createdByUpdate(a) && interaction === 'create')
  );
}

function actionFits(a: AuditedAction, r: AuditRecord): boolean {
  return codeFits(a, r) && interactionFits(a, r);
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

/** Time outside [start, end] of the action; 0 inside. Undefined when the record has no time. */
function skewOf(a: AuditedAction, r: AuditRecord): number | undefined {
  if (r.time === undefined) return undefined;
  return r.time < a.startMs ? a.startMs - r.time : r.time > a.endMs ? r.time - a.endMs : 0;
}

interface Match {
  action: AuditedAction;
  record: AuditRecord;
  skew?: number;
  actionMismatch: boolean;
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

function sameUser(a: AuditedAction, r: AuditRecord): boolean {
  const u = a.user?.toLowerCase();
  return u !== undefined && r.users.some((x) => x.toLowerCase() === u);
}

export function matchRecords(
  actions: AuditedAction[],
  records: AuditRecord[],
  windowMs: number,
): Map<AuditedAction, Match> {
  const used = new Set<AuditRecord>();
  const matched = new Map<AuditedAction, Match>();
  const ordered = [...actions].sort((x, y) => x.startMs - y.startMs || x.index - y.index);
  for (const pass of PASSES) {
    for (const a of ordered) {
      if (matched.has(a)) continue;
      let best: { r: AuditRecord; score: number[] } | undefined;
      for (const r of records) {
        if (used.has(r) || !pass.fits(a, r)) continue;
        const skew = skewOf(a, r);
        // A record without a time can only be matched in the last pass (and is then incomplete).
        if (skew === undefined ? !pass.mismatch : skew > windowMs) continue;
        const score = [
          sameUser(a, r) ? 0 : 1,
          skew ?? Number.MAX_SAFE_INTEGER,
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

/** The elements a matched record lacks, in words (who, what, when, where, outcome, action, type). */
export function completenessProblems(m: Match): string[] {
  const { action: a, record: r } = m;
  const p: string[] = [];
  if (r.users.length === 0) p.push('who: no agent identity (agent.who)');
  else if (a.user && !sameUser(a, r))
    p.push(`who: recorded ${r.users.map((u) => `"${u}"`).join(', ')}, expected "${a.user}"`);
  if (!r.type) p.push('what: no event type (AuditEvent.type)');
  if (r.time === undefined) p.push('when: no recorded time');
  else if (!r.hasZone) p.push(`when: "${r.recorded}" has no zone offset`);
  if (!r.source) p.push('where: no source (source.observer)');
  if (!r.outcome) p.push('outcome: missing');
  else if (a.succeeded === true && r.outcome !== '0')
    p.push(`outcome: recorded "${r.outcome}" (failure) but the target answered ${a.answer}`);
  else if (a.succeeded === false && r.outcome === '0')
    p.push(`outcome: recorded success but the target answered ${a.answer}`);
  if (!r.action) p.push(`action: missing (expected ${expectedActions(a).join(' or ')})`);
  else if (m.actionMismatch)
    p.push(
      `action: recorded "${r.action}"${r.subtypes.length ? ` (${r.subtypes.join(', ')})` : ''}, expected ${expectedActions(a).join(' or ')} for a ${a.kind}`,
    );
  return p;
}

function recordName(r: AuditRecord): string {
  return r.id ? `audit record ${r.id}` : 'audit record';
}

function describe(a: AuditedAction): string {
  // A search is named by its type; the summary that follows shows the query.
  const what =
    (a.kind === 'search' ? undefined : a.objects[0]?.replace(/^(ref|ident):/, '')) ??
    a.resourceType ??
    '';
  return `${a.kind}${what ? ` ${what}` : ''} (${a.summary}, ${a.startedAt})`;
}

export function verifyAuditTrail(
  actions: AuditedAction[],
  records: AuditRecord[],
  opts: AuditVerifyOptions,
): CheckResult {
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const allowed = opts.skewMs ?? 2 * 60_000;
  const matched = matchRecords(actions, records, windowMs);
  const findings: Finding[] = [];
  const data: Record<string, unknown>[] = [];
  let incomplete = 0;
  let skewed = 0;
  let maxSkew = 0;
  for (const a of [...actions].sort((x, y) => x.index - y.index)) {
    const exLoc: Location = {
      ...(opts.actionsFile ? { file: opts.actionsFile } : {}),
      path: `[${a.index}] ${a.exchangeId}`,
    };
    const m = matched.get(a);
    if (!m) {
      findings.push({
        rule: 'audit.missing',
        severity: 'error',
        domain: 'compliance',
        message: `no audit record for ${describe(a)}`,
        action: a.write
          ? 'Configure the target to audit every create, update and filed message (FHIR AuditEvent / IHE ATNA), then re-run.'
          : 'Configure the target to audit reads and searches of patient data too, not only writes (HIPAA 45 CFR 164.312(b); IHE ATNA), then re-run.',
        location: exLoc,
        detail: { exchangeId: a.exchangeId, kind: a.kind, objects: a.objects, context: a.context },
      });
      data.push({ exchangeId: a.exchangeId, kind: a.kind, audited: false });
      continue;
    }
    const problems = completenessProblems(m);
    const recLoc: Location = { ...m.record.at };
    if (problems.length > 0) {
      incomplete++;
      findings.push({
        rule: 'audit.incomplete',
        severity: 'error',
        domain: 'compliance',
        message: `${recordName(m.record)} for ${describe(a)} is incomplete: ${problems.join('; ')}`,
        action:
          'Fix the audit configuration so every record carries who, what, when (with zone), where and outcome, as FHIR AuditEvent requires.',
        location: recLoc,
        detail: { exchangeId: a.exchangeId, recordId: m.record.id, problems },
      });
    }
    if (m.skew !== undefined) maxSkew = Math.max(maxSkew, m.skew);
    if (m.skew !== undefined && m.skew > allowed) {
      skewed++;
      findings.push({
        rule: 'audit.skew',
        severity: 'error',
        domain: 'compliance',
        message: `${recordName(m.record)} for ${describe(a)} is ${Math.round(m.skew / 1000)} s away from the action (allowed ${Math.round(allowed / 1000)} s)`,
        action:
          "Synchronise the target's clock (NTP, as IHE Consistent Time requires) so audit times can be trusted.",
        location: recLoc,
        detail: { exchangeId: a.exchangeId, recordId: m.record.id, skewMs: m.skew },
      });
    }
    data.push({
      exchangeId: a.exchangeId,
      kind: a.kind,
      audited: true,
      recordId: m.record.id,
      skewMs: m.skew,
      problems,
    });
  }
  const reads = actions.filter((a) => !a.write);
  const writes = actions.filter((a) => a.write);
  const auditedReads = reads.filter((a) => matched.has(a)).length;
  const auditedWrites = writes.filter((a) => matched.has(a)).length;
  const missing = actions.length - matched.size;
  const result = buildResult({
    check: 'compliance.audit-trail',
    kind: 'audit',
    title: 'Audit trail: every action audited with who, what, when, where, outcome',
    domain: 'compliance',
    criteria: ['compliance.audit-trail'],
    findings,
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
      audit_incomplete: incomplete,
      audit_skewed: skewed,
      max_skew_ms: maxSkew,
      audit_records: records.length,
      audit_records_unmatched: records.length - matched.size,
      exchanges_skipped: opts.skipped?.length ?? 0,
    },
    now: opts.now,
    passSummary: `All ${actions.length} actions (${reads.length} reads, ${writes.length} writes) have complete audit records${opts.sourceLabel ? ` in ${opts.sourceLabel}` : ''}.`,
    failSummary: () =>
      `${pct(matched.size, actions.length)}% of actions audited (reads ${pct(auditedReads, reads.length)}%, writes ${pct(auditedWrites, writes.length)}%): ${missing} missing, ${incomplete} incomplete, ${skewed} skewed.`,
    data: { matches: data, skipped: opts.skipped ?? [] },
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
