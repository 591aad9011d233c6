/**
 * `golive run`: read every input golive.yaml names (inputs.ts), plan (plan.ts, pure), run the
 * planned phases (phases/) against the targets of one factory (targets.ts), then record the
 * evidence, decide and write the reports (the review phase).
 *
 * Order matters for trust: every file input is read and validated first (a bad row stops the
 * run before any traffic is sent, nothing half-imported), the records are reviewed, then a
 * real target is probed (an unreachable target is exit 3, not a review full of failures), then
 * the live phases run. `golive demo` is this runner with the example configuration and the
 * embedded site; `golive run --plan` stops after the plan.
 */
import { mkdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UserError } from '../core/index.js';
import { resolveConfigPath, type LoadedConfig } from '../config/index.js';
import { readInputs, type RunInputs } from './inputs.js';
import {
  INFRASTRUCTURE_LANE,
  PHASE_TITLES,
  WORKFLOW_LANE,
  planRun,
  type PhaseId,
  type RunPlan,
} from './plan.js';
import { isPostgres, runPhases, type PhaseContext } from './phases/index.js';
import { targetsFor, type EmbeddedSite, type WorkflowTarget } from './targets.js';
import type { Decided } from './decide.js';
import type { TaskList } from './progress.js';

export interface PlanReviewOptions {
  loaded: LoadedConfig;
  /** Run against the embedded reference site (with these faults) instead of `target`. */
  embedded?: EmbeddedSite;
  /** Reports folder (default: review.reports of the config, else .golive/reports). */
  reportDir?: string;
  /** Evidence store (default: review.evidence of the config, else .golive/evidence.db). */
  evidence?: string;
  /** A shorter name of the target for the report, e.g. "embedded reference site". */
  targetLabel?: string;
  /**
   * With `embedded` only: run the workflow chain beside the load and failover phases, each
   * against its own embedded site (the demo does, to stay short). Never against a real target.
   */
  overlapPhases?: boolean;
}

export interface RunReviewOptions extends PlanReviewOptions {
  tasks: TaskList;
  toolVersion: string;
  /** Recorded as the author of every piece of evidence. */
  author: string;
  /** Prefix of the run id (`run`, `demo`). */
  label?: string;
  /** "Now" for dated records (accounts, waivers, rosters); default the real clock. */
  asOf?: Date;
  env?: NodeJS.ProcessEnv;
}

export interface RunReviewResult extends Decided {
  runId: string;
  evidencePath: string;
}

export interface PlannedReview {
  inputs: RunInputs;
  plan: RunPlan;
}

/** Read every input and plan the run: what `golive run --plan` prints. Sends and stores nothing. */
export function planReview(o: PlanReviewOptions): PlannedReview {
  const { loaded } = o;
  const c = loaded.config;
  const reportDir = resolve(
    o.reportDir ??
      (c.review?.reports ? resolveConfigPath(loaded, c.review.reports) : '.golive/reports'),
  );
  const store = c.review?.evidence;
  const evidence =
    o.evidence ??
    (store
      ? isPostgres(store)
        ? store
        : resolveConfigPath(loaded, store)
      : resolve('.golive/evidence.db'));
  const inputs = readInputs(loaded);
  const plan = planRun(loaded, inputs, {
    ...(o.embedded ? { embedded: o.embedded } : {}),
    ...(o.overlapPhases ? { overlap: true } : {}),
    ...(o.targetLabel ? { targetLabel: o.targetLabel } : {}),
    reportDir,
    evidence,
  });
  return { inputs, plan };
}

export async function runReview(o: RunReviewOptions): Promise<RunReviewResult> {
  const started = new Date();
  const t = o.tasks;
  // Reading the files is the first line of the progress list: a bad file ends it there.
  t.add('records', PHASE_TITLES.records);
  t.start('records');
  let planned: PlannedReview;
  try {
    planned = planReview(o);
  } catch (e) {
    t.finish('records', 'error', (e as Error).message);
    throw e;
  }
  const { plan } = planned;
  for (const p of plan.phases) if (p.id !== 'records') t.add(p.id, p.title);
  const ctx = contextFor(o, planned, started);
  const phase = (id: PhaseId) => plan.phases.filter((p) => p.id === id);
  await runPhases(phase('records'), ctx, t);
  mkdirSync(ctx.reportDir, { recursive: true });
  await reach(ctx);
  await runLanes(ctx, t);
  await runPhases(phase('review'), ctx, t);
  return { ...ctx.decided!, runId: ctx.run.id, evidencePath: ctx.run.evidencePath };
}

type RunContext = PhaseContext & { stopWorkflow(): Promise<void> };

function contextFor(
  o: RunReviewOptions,
  { inputs, plan }: PlannedReview,
  started: Date,
): RunContext {
  const env = o.env ?? process.env;
  const targets = targetsFor(o.loaded, { ...(o.embedded ? { embedded: o.embedded } : {}), env });
  const review = plan.phases.find((p) => p.id === 'review');
  if (review?.id !== 'review') throw new Error('a plan always ends with the review phase');
  let workflow: Promise<WorkflowTarget> | undefined;
  return {
    loaded: o.loaded,
    plan,
    inputs,
    targets,
    env,
    asOf: o.asOf ?? new Date(),
    reportDir: review.reports,
    results: new Map(),
    exchanges: [],
    workflow: () => (workflow ??= targets.workflow()),
    // The workflow lane's target lives until its last phase ends.
    async stopWorkflow() {
      const w = workflow;
      workflow = undefined;
      if (w) await (await w).stop();
    },
    run: {
      id: `${o.label ?? 'run'}-${started.toISOString().replace(/[:.]/g, '')}`,
      startedAt: started,
      author: o.author,
      toolVersion: o.toolVersion,
      evidencePath: review.evidence,
      ...(o.loaded.file ? { configFile: relative(process.cwd(), o.loaded.file) } : {}),
    },
  };
}

/** A real target is probed before anything is sent: unreachable is exit 3, nothing recorded. */
async function reach(ctx: RunContext): Promise<void> {
  if (!ctx.plan.target.reachability) return;
  const problem = await ctx.targets.reach();
  if (!problem) return;
  throw new UserError('E_UNREACHABLE', `the target cannot be reached: ${problem}`, {
    exitCode: 3,
    location: ctx.loaded.file ? { file: ctx.loaded.file, path: 'target' } : undefined,
    hint: 'start the system under test or fix target in golive.yaml; nothing was recorded',
  });
}

/**
 * The workflow lane and the infrastructure lane: one after the other against one target, side
 * by side when the plan overlaps them (embedded sites, one per phase). Both lanes end, and stop
 * their sites, before a failure of either is reported.
 */
async function runLanes(ctx: RunContext, t: TaskList): Promise<void> {
  const lane = (ids: readonly PhaseId[]) => ctx.plan.phases.filter((p) => ids.includes(p.id));
  const workflow = async () => {
    try {
      await runPhases(lane(WORKFLOW_LANE), ctx, t);
    } finally {
      await ctx.stopWorkflow();
    }
  };
  const infrastructure = () => runPhases(lane(INFRASTRUCTURE_LANE), ctx, t);
  if (!ctx.plan.overlap) {
    await workflow();
    await infrastructure();
    return;
  }
  const settled = await Promise.allSettled([workflow(), infrastructure()]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
}
