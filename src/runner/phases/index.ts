/**
 * The phases of `golive run`, keyed by id, and how a planned list of them runs: each phase's
 * progress line started and finished here, its results kept by id for the phases after it.
 */
import { rollUp } from '../../core/index.js';
import type { PhaseId, PlannedPhase } from '../plan.js';
import { auditPhase, probePhase, scenariosPhase } from './workflow.js';
import { failoverPhase, loadPhase, storagePhase } from './infrastructure.js';
import { lintPhase } from './lint.js';
import { recordsPhase } from './records.js';
import { reviewPhase } from './review.js';
import type { Phase, PhaseContext } from './types.js';
import type { TaskList } from '../progress.js';

export type { Phase, PhaseContext, PhaseOutput } from './types.js';
export { FORWARDED_TRAFFIC_FILE, forwardedTraffic } from './lint.js';
export { isPostgres } from './review.js';

export const PHASES: { readonly [I in PhaseId]: Phase<I> } = {
  records: recordsPhase,
  probe: probePhase,
  scenarios: scenariosPhase,
  audit: auditPhase,
  lint: lintPhase,
  load: loadPhase,
  storage: storagePhase,
  failover: failoverPhase,
  review: reviewPhase,
};

/** Run one planned phase, its progress line around it; a phase that throws is shown as error. */
export async function runPhase(
  planned: PlannedPhase,
  ctx: PhaseContext,
  tasks: TaskList,
): Promise<void> {
  const phase = PHASES[planned.id] as Phase;
  tasks.start(planned.id);
  try {
    const out = await phase.run(ctx, planned as never);
    ctx.results.set(planned.id, out.checks);
    tasks.finish(planned.id, out.state ?? rollUp(out.checks.map((c) => c.outcome)), out.detail);
  } catch (e) {
    tasks.finish(planned.id, 'error', (e as Error).message);
    throw e;
  }
}

/** Run planned phases one after another. */
export async function runPhases(
  planned: readonly PlannedPhase[],
  ctx: PhaseContext,
  tasks: TaskList,
): Promise<void> {
  for (const p of planned) await runPhase(p, ctx, tasks);
}
