/**
 * The review phase: every result appended to the evidence store (append-only, hashed), the
 * review evaluated from what the store holds, the decision recorded and the reports written.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { openEvidenceStore } from '../../evidence/index.js';
import { DECISION_LABEL } from '../../report/index.js';
import { recordAndDecide } from '../decide.js';
import { PHASE_ORDER, PHASE_TITLES } from '../plan.js';
import type { Phase } from './types.js';

export const isPostgres = (store: string) => /^postgres(ql)?:\/\//.test(store);

export const reviewPhase: Phase<'review'> = {
  id: 'review',
  title: PHASE_TITLES.review,
  async run(ctx) {
    const { run } = ctx;
    // Results in phase order, whatever order the lanes finished in.
    const checks = PHASE_ORDER.flatMap((id) => ctx.results.get(id) ?? []);
    if (!isPostgres(run.evidencePath))
      mkdirSync(resolve(run.evidencePath, '..'), { recursive: true });
    const store = await openEvidenceStore(run.evidencePath);
    try {
      ctx.decided = await recordAndDecide({
        store,
        runId: run.id,
        author: run.author,
        collected: { checks, attestations: ctx.inputs.attestations, waivers: ctx.inputs.waivers },
        template: ctx.inputs.template,
        now: () => new Date(),
        startedAt: run.startedAt,
        target: ctx.plan.target.name,
        configFile: run.configFile,
        toolVersion: run.toolVersion,
        reportDir: ctx.reportDir,
      });
    } finally {
      await store.close();
    }
    return { checks: [], detail: DECISION_LABEL[ctx.decided.review.decision], state: 'pass' };
  },
};
