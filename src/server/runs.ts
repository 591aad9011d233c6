/**
 * What the dashboard reads from the evidence store: runs, a run's review (its latest decision
 * record, or a provisional evaluation of its evidence), the report input for the HTML page, and
 * single records with their blob bodies.
 */
import type { CheckResult, Exchange, ReviewResult } from '../core/index.js';
import { countOutcomes, type OutcomeCounts } from '../core/index.js';
import {
  loadExchange,
  RECORD_KINDS,
  type EvidenceRecord,
  type EvidenceStore,
  type RecordKind,
  type StoredCheck,
} from '../evidence/index.js';
import type { ReportCheck, ReportInput, RunInfo } from '../report/index.js';
import { evaluateReview, evidenceFromRecords, STANDARD_TEMPLATE } from '../review/index.js';
import { ApiError } from './errors.js';
import { signoffsOf, type Signoff } from './signoff.js';

/** The decision record of a run as the runs list and the API show it (null: none yet). */
function decisionSummary(d: ReturnType<typeof latestDecision>) {
  return d
    ? {
        value: d.review.decision,
        decidedAt: d.review.decidedAt,
        decidedBy: d.review.decidedBy,
        recordId: d.record.id,
      }
    : null;
}

export const PROVISIONAL_BY = 'golive serve (provisional)';
/** Exchanges shown on a run page; a load run may store far more than a page can carry. */
const MAX_EXCHANGES = 1000;
/** Blob bytes returned with one record. */
const MAX_BODY = 1024 * 1024;

export interface DecisionSummary {
  value: ReviewResult['decision'];
  decidedAt: string;
  decidedBy: string;
  recordId: string;
}

export interface RunListItem {
  id: string;
  started: string;
  lastRecordAt: string;
  records: number;
  counts: Record<RecordKind, number>;
  /** Outcomes of the run's check records. */
  outcomes: OutcomeCounts;
  /** The latest decision record, or null when the run has none yet. */
  decision: DecisionSummary | null;
  /** When there is no decision record: the decision the evidence gives now (not a decision). */
  provisional: ReviewResult['decision'] | null;
  /**
   * False when the run has no decision record. `golive run` appends a run with its decision in
   * one transaction, so such a run was cut short (or comes from an older golive): its evidence
   * may be partial.
   */
  complete: boolean;
  /** Records of this run the store cannot read (written into the database directly). */
  malformed: Unreadable[];
}

/** A record the store holds but cannot read: left out of reviews, shown so. */
export interface Unreadable {
  id: string;
  seq: number;
  runId: string;
  kind: string;
  why: string;
}

export function unreadable(records: readonly EvidenceRecord[]): Unreadable[] {
  return records
    .filter((r) => r.malformed !== undefined)
    .map((r) => ({ id: r.id, seq: r.seq, runId: r.runId, kind: r.kind, why: r.malformed! }));
}

/** The records a review can weigh: unreadable ones are reported instead (unreadable()). */
const readable = (records: readonly EvidenceRecord[]) =>
  records.filter((r) => r.malformed === undefined);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function looksLikeReview(v: unknown): v is ReviewResult {
  return (
    isObj(v) &&
    ['GO', 'CONDITIONAL_GO', 'NO_GO'].includes(v.decision as string) &&
    Array.isArray(v.criteria) &&
    Array.isArray(v.questions) &&
    Array.isArray(v.evidence)
  );
}

/**
 * The review held by a decision record. `golive run` stores `{ review, head, run? }`
 * (docs/review.md); a bare ReviewResult is accepted too.
 */
export function decisionContent(
  rec: EvidenceRecord,
): { review: ReviewResult; run?: Partial<RunInfo> } | undefined {
  const c = rec.content;
  if (looksLikeReview(c)) return { review: c };
  if (isObj(c) && looksLikeReview(c.review)) {
    return isObj(c.run)
      ? { review: c.review, run: c.run as Partial<RunInfo> }
      : { review: c.review };
  }
  return undefined;
}

export function latestDecision(records: readonly EvidenceRecord[]) {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.kind !== 'decision') continue;
    const d = decisionContent(r);
    if (d) return { record: r, ...d };
  }
  return undefined;
}

function summarise(runId: string, all: readonly EvidenceRecord[], now: Date): RunListItem {
  const records = readable(all);
  const counts = Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as Record<RecordKind, number>;
  for (const r of records) counts[r.kind]++;
  const outcomes = countOutcomes(
    records
      .filter((r) => r.kind === 'check' && isObj(r.content))
      .map((r) => (r.content as CheckResult).outcome)
      .filter((o) => ['pass', 'fail', 'error', 'skip'].includes(o)),
  );
  const d = latestDecision(records);
  return {
    id: runId,
    started: all[0]!.createdAt,
    lastRecordAt: all[all.length - 1]!.createdAt,
    records: all.length,
    counts,
    outcomes,
    decision: decisionSummary(d),
    provisional: d ? null : reviewOf(runId, records, now, true).review.decision,
    complete: records.some((r) => r.kind === 'decision'),
    malformed: unreadable(all),
  };
}

/** Every run, newest first, and every record the store cannot read (named, not fatal). */
export async function listRuns(
  store: EvidenceStore,
  now: Date,
): Promise<{ runs: RunListItem[]; malformed: Unreadable[] }> {
  const all = await store.list();
  const byRun = new Map<string, EvidenceRecord[]>();
  for (const r of all) {
    const list = byRun.get(r.runId);
    if (list) list.push(r);
    else byRun.set(r.runId, [r]);
  }
  const runs = [...byRun.entries()]
    .map(([id, recs]) => summarise(id, recs, now))
    .sort((a, b) => b.started.localeCompare(a.started) || a.id.localeCompare(b.id));
  return { runs, malformed: unreadable(all) };
}

/** A run's records in append order; 404 when the store has none. */
export async function runRecords(store: EvidenceStore, runId: string): Promise<EvidenceRecord[]> {
  const records = await store.list({ runId });
  if (records.length === 0) {
    throw new ApiError(404, 'E_NOT_FOUND', `no run "${runId}" in the evidence store`, {
      hint: 'GET /api/runs lists the runs',
    });
  }
  return records;
}

export function runSummary(
  runId: string,
  records: readonly EvidenceRecord[],
  now: Date,
): RunListItem {
  return summarise(runId, records, now);
}

export interface RunReview {
  runId: string;
  /** True when evaluated now from the evidence, not read from a decision record. */
  provisional: boolean;
  decisionRecord: string | null;
  review: ReviewResult;
  /** Review evidence (checks, attestations, waivers) appended after the decision record. */
  evidenceAfterDecision: string[];
  /** Records of a review kind left out because their content has the wrong shape. */
  rejected: { id: string; why: string }[];
  run: Partial<RunInfo>;
  /** False when the run has no decision record: cut short while recording, evidence partial. */
  complete: boolean;
  /** Records of the run the store cannot read, left out of the review. */
  malformed: Unreadable[];
  /**
   * The run's latest decision record, also when the review shown is a provisional
   * re-evaluation (`?provisional=1`): the page must not say there is none.
   */
  recorded: DecisionSummary | null;
  /** Approvers' sign-offs of the decision record (signoff.ts), oldest first. */
  signoffs: Signoff[];
}

const REVIEW_KINDS: readonly string[] = ['check', 'attestation', 'waiver'];

/**
 * The run's review: its latest decision record, or (none, or `provisional` asked for) the
 * standard template evaluated now over the run's evidence. Site threshold overrides live in
 * golive.yaml, which the dashboard does not read: provisional reviews use the defaults.
 */
export function reviewOf(
  runId: string,
  all: readonly EvidenceRecord[],
  now: Date,
  forceProvisional = false,
): RunReview {
  const records = readable(all);
  const { evidence, rejected } = evidenceFromRecords(records);
  const d = latestDecision(records);
  const state = {
    complete: records.some((r) => r.kind === 'decision'),
    malformed: unreadable(all),
    recorded: decisionSummary(d),
    signoffs: signoffsOf(records),
  };
  if (d && !forceProvisional) {
    return {
      runId,
      provisional: false,
      decisionRecord: d.record.id,
      review: d.review,
      evidenceAfterDecision: records
        .filter((r) => r.seq > d.record.seq && REVIEW_KINDS.includes(r.kind))
        .map((r) => r.id),
      rejected,
      run: d.run ?? {},
      ...state,
    };
  }
  const review = evaluateReview({
    template: STANDARD_TEMPLATE,
    evidence,
    now: now.toISOString(),
    decidedBy: PROVISIONAL_BY,
  });
  return {
    runId,
    provisional: true,
    decisionRecord: d?.record.id ?? null,
    review,
    evidenceAfterDecision: [],
    rejected,
    run: d?.run ?? {},
    ...state,
  };
}

/** Everything renderHtml needs for a run page. */
export async function reportInputFor(
  store: EvidenceStore,
  all: readonly EvidenceRecord[],
  rv: RunReview,
  version: string,
): Promise<ReportInput> {
  const records = readable(all);
  const checks: ReportCheck[] = records
    .filter((r) => r.kind === 'check' && isObj(r.content))
    .map((r) => {
      const { exchangeRecords: _x, ...rest } = r.content as StoredCheck;
      return {
        ...rest,
        findings: rest.findings ?? [],
        measurements: rest.measurements ?? {},
        criteria: rest.criteria ?? [],
        evidenceId: r.id,
        hash: r.contentHash,
      };
    });
  const exchanges: Exchange[] = [];
  for (const r of records.filter((x) => x.kind === 'exchange').slice(0, MAX_EXCHANGES)) {
    const x = await loadExchange(store, r.id);
    if (x) exchanges.push(x);
  }
  const run: RunInfo = {
    id: rv.runId,
    startedAt: rv.run.startedAt ?? all[0]!.createdAt,
    finishedAt: rv.run.finishedAt ?? all[all.length - 1]!.createdAt,
    target: rv.run.target ?? '(target not recorded)',
    toolVersion: rv.run.toolVersion ?? version,
  };
  if (rv.run.config) run.config = rv.run.config;
  return { review: rv.review, checks, exchanges, run };
}

export interface EvidenceDetail {
  record: EvidenceRecord;
  /** Blob bodies as UTF-8 text (exchange request and response). */
  bodies: Record<string, { size: number; text: string; truncated: boolean }>;
}

export async function evidenceDetail(store: EvidenceStore, id: string): Promise<EvidenceDetail> {
  const record = await store.get(id);
  if (!record) {
    throw new ApiError(404, 'E_NOT_FOUND', `no evidence record "${id}"`, {
      hint: 'record ids look like ev-12; GET /api/runs/:runId/evidence lists a run’s records',
    });
  }
  const bodies: EvidenceDetail['bodies'] = {};
  for (const b of record.blobs) {
    const buf = await store.getBlob(b.hash);
    if (!buf) continue;
    bodies[b.name] = {
      size: buf.length,
      text: buf.subarray(0, MAX_BODY).toString('utf8'),
      truncated: buf.length > MAX_BODY,
    };
  }
  return { record, bodies };
}
