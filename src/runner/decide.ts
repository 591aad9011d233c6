/**
 * The end of a run: store every piece of evidence (append-only, hashed), evaluate the review
 * from what the store holds (not from memory: the decision is re-derivable from the store),
 * record the decision with the store's head hash, and write the reports.
 */
import type { Attestation, CheckResult, Exchange, ReviewResult, Waiver } from '../core/index.js';
import { recordRun, type EvidenceStore } from '../evidence/index.js';
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
  const exchanges: Exchange[] = o.collected.checks.flatMap((c) => c.exchanges ?? []);
  // The run's records and its decision go in one transaction (recordRun): a crash or failure
  // leaves the whole run or nothing of it, never evidence without a decision. The store is
  // verified first; the records added below are chained by the store itself.
  const verified = await store.verify();
  let decided!: {
    review: ReviewResult;
    rejected: { id: string; why: string }[];
    run: ReportInput['run'];
    headHash: string;
  };
  const recorded = await recordRun(store, {
    runId,
    author,
    checks: o.collected.checks,
    records: [
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
    ],
    // Evaluated over the run's records as stored (ids and hashes assigned), inside the
    // transaction; `headHash` is the chain head the decision record links to.
    decision: ({ records, headHash }) => {
      const { evidence, rejected } = evidenceFromRecords(records);
      const review = evaluateReview({
        template: o.template ?? STANDARD_TEMPLATE,
        evidence,
        now: o.now().toISOString(),
        decidedBy: author,
      });
      const run = {
        id: runId,
        startedAt: o.startedAt.toISOString(),
        finishedAt: o.now().toISOString(),
        target: o.target,
        ...(o.configFile ? { config: o.configFile } : {}),
        toolVersion: o.toolVersion,
      };
      decided = { review, rejected, run, headHash };
      // The decision record: the review (with the evidence ids and hashes it rests on and the
      // policy version), what was reviewed and when, and the store head it was decided over.
      return { review, run, storeHeadHash: headHash, storeIntact: verified.ok };
    },
  });
  const { review, rejected, run, headHash } = decided;
  const reportChecks: ReportCheck[] = o.collected.checks.map((c, i) => ({
    ...c,
    evidenceId: recorded.checks[i]!.id,
    hash: recorded.checks[i]!.contentHash,
  }));
  const input: ReportInput = { review, checks: reportChecks, exchanges, run };
  const reports = await writeReports(input, o.reportDir);
  return {
    review,
    reports,
    input,
    decisionRecord: recorded.decision.id,
    headHash,
    rejected,
  };
}
