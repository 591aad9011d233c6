/**
 * A review the dashboard can start in tests without sending traffic: it reports two phases as
 * the runner does, waits at a gate the test opens (so "running" can be observed and a second
 * start refused, without timing), then records a check and a decision record into the real
 * store, as `golive run` does. The real runner is wired by src/cli/commands/serve.ts and
 * exercised in test/server/serve-review.test.ts.
 */
import type { DecisionValue } from '../../src/core/index.js';
import { appendCheck, type EvidenceStore } from '../../src/evidence/index.js';
import { evaluateReview, evidenceFromRecords, STANDARD_TEMPLATE } from '../../src/review/index.js';
import type { ReviewStarter } from '../../src/server/index.js';

export interface Gated {
  starter: ReviewStarter;
  /** Resolves when the review reached the gate (a phase is running). */
  atGate(): Promise<void>;
  /** Let the review finish. */
  release(): void;
  runIds: string[];
}

export function gatedStarter(store: EvidenceStore, label = 'golive.yaml (test review)'): Gated {
  let n = 0;
  let open: () => void = () => {};
  let reached: () => void = () => {};
  let gate = new Promise<void>((r) => (open = r));
  let atGate = new Promise<void>((r) => (reached = r));
  const runIds: string[] = [];
  const starter: ReviewStarter = {
    label,
    async start({ author, progress }) {
      const runId = `run-live-${++n}`;
      progress.add('records', 'Records and inputs');
      progress.add('workflow', 'Workflow scenarios');
      progress.start('records');
      progress.finish('records', 'pass', '3 files read');
      progress.start('workflow', 'scenario 1 of 2: order.cancel');
      reached();
      await gate;
      progress.note('workflow', 'scenario 2 of 2: result.critical');
      await appendCheck(store, runId, author, {
        check: 'live.synthetic',
        kind: 'scenario',
        title: 'Synthetic check of a started review',
        domain: 'workflow',
        criteria: ['workflow.exceptions'],
        outcome: 'pass',
        summary: 'Passed.',
        findings: [],
        measurements: {},
        startedAt: '2026-11-28T10:00:00.000Z',
        durationMs: 5,
      } as never);
      const review = evaluateReview({
        template: STANDARD_TEMPLATE,
        evidence: evidenceFromRecords(await store.list({ runId })).evidence,
        now: '2026-11-28T10:00:00.000Z',
        decidedBy: 'golive run',
      });
      await store.append({
        kind: 'decision',
        runId,
        author,
        content: { review, head: (await store.verify()).headHash },
      });
      progress.finish('workflow', 'pass', '2 scenarios');
      runIds.push(runId);
      // The next start waits at a new gate.
      gate = new Promise<void>((r) => (open = r));
      atGate = new Promise<void>((r) => (reached = r));
      return { runId, decision: review.decision as DecisionValue };
    },
  };
  return { starter, atGate: () => atGate, release: () => open(), runIds };
}
