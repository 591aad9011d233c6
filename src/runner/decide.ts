/**
 * The end of a run: store every piece of evidence (append-only, hashed), evaluate the review
 * from what the store holds (not from memory: the decision is re-derivable from the store),
 * record the decision with the store's head hash, and write the reports.
 */
import type { Attestation, CheckResult, Exchange, ReviewResult, Waiver } from '../core/index.js';
import { appendCheck, type EvidenceStore } from '../evidence/index.js';
import {
  STANDARD_TEMPLATE,
  evaluateReview,
  evidenceFromRecords,
  type ReviewTemplate,
} from '../review/index.js';
import {
  writeReports,
  type ReportCheck,
  type ReportInput,
  type ReportPaths,
} from '../report/index.js';

export interface Collected {
  checks: CheckResult[];
  attestations: Attestation[];
  waivers: Waiver[];
}

export interface DecideOptions {
  store: EvidenceStore;
  runId: string;
  author: string;
  collected: Collected;
  template?: ReviewTemplate;
  /** Injected clock. */
  now: () => Date;
  startedAt: Date;
  target: string;
  configFile?: string;
  toolVersion: string;
  reportDir: string;
}

export interface Decided {
  review: ReviewResult;
  reports: ReportPaths;
  input: ReportInput;
  decisionRecord: string;
  headHash: string;
  rejected: { id: string; why: string }[];
}

export async function recordAndDecide(o: DecideOptions): Promise<Decided> {
  const { store, runId, author } = o;
  const reportChecks: ReportCheck[] = [];
  const exchanges: Exchange[] = [];
  for (const c of o.collected.checks) {
    const rec = await appendCheck(store, runId, author, c);
    reportChecks.push({ ...c, evidenceId: rec.id, hash: rec.contentHash });
    exchanges.push(...(c.exchanges ?? []));
  }
  if (o.collected.attestations.length + o.collected.waivers.length > 0) {
    await store.appendMany([
      ...o.collected.attestations.map((a) => ({
        kind: 'attestation' as const,
        runId,
        author: a.attestedBy,
        content: a,
      })),
      ...o.collected.waivers.map((w) => ({
        kind: 'waiver' as const,
        runId,
        author: w.approver,
        content: w,
      })),
    ]);
  }
  const records = await store.list({ runId });
  const { evidence, rejected } = evidenceFromRecords(records);
  const review = evaluateReview({
    template: o.template ?? STANDARD_TEMPLATE,
    evidence,
    now: o.now().toISOString(),
    decidedBy: author,
  });
  const verified = await store.verify();
  const run = {
    id: runId,
    startedAt: o.startedAt.toISOString(),
    finishedAt: o.now().toISOString(),
    target: o.target,
    ...(o.configFile ? { config: o.configFile } : {}),
    toolVersion: o.toolVersion,
  };
  // The decision record: the review (with the evidence ids and hashes it rests on and the
  // policy version), what was reviewed and when, and the store head it was decided over.
  const decision = await store.append({
    kind: 'decision',
    runId,
    author,
    content: { review, run, storeHeadHash: verified.headHash, storeIntact: verified.ok },
  });
  const input: ReportInput = { review, checks: reportChecks, exchanges, run };
  const reports = await writeReports(input, o.reportDir);
  return {
    review,
    reports,
    input,
    decisionRecord: decision.id,
    headHash: verified.headHash,
    rejected,
  };
}
