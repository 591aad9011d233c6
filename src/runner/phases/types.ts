/**
 * A phase of `golive run`: `{ id, title, run(ctx) }`, keyed by id in phases/index.ts (as k6
 * keys executors by type). Each is handed the same context: the plan, the inputs already read,
 * the target factory, and what earlier phases produced.
 */
import type { CheckResult, Exchange } from '../../core/index.js';
import type { LoadedConfig } from '../../config/index.js';
import type { Decided } from '../decide.js';
import type { RunInputs } from '../inputs.js';
import type { PhaseId, PlannedPhase, RunPlan } from '../plan.js';
import type { TaskState } from '../progress.js';
import type { Targets, WorkflowTarget } from '../targets.js';

/** What a phase hands back: its results, and the line the progress list shows. */
export interface PhaseOutput {
  checks: CheckResult[];
  detail: string;
  /** Default: the roll-up of the checks' outcomes. */
  state?: Exclude<TaskState, 'pending' | 'running'>;
}

export interface PhaseContext {
  readonly loaded: LoadedConfig;
  readonly plan: RunPlan;
  readonly inputs: RunInputs;
  readonly targets: Targets;
  readonly env: NodeJS.ProcessEnv;
  /** "Now" for dated records (accounts, waivers, rosters). */
  readonly asOf: Date;
  readonly reportDir: string;
  /** The workflow lane's target (probe, scenarios, audit), started on first use. */
  workflow(): Promise<WorkflowTarget>;
  /** Results so far, by phase. */
  readonly results: Map<PhaseId, CheckResult[]>;
  /** Every exchange the scenarios made (the audit and lint phases read them). */
  exchanges: Exchange[];
  /** Set by the review phase. */
  decided?: Decided;
  /** For the review phase: the run's identity. */
  readonly run: {
    id: string;
    startedAt: Date;
    author: string;
    toolVersion: string;
    evidencePath: string;
    configFile?: string;
  };
}

export interface Phase<I extends PhaseId = PhaseId> {
  id: I;
  title: string;
  run(ctx: PhaseContext, planned: Extract<PlannedPhase, { id: I }>): Promise<PhaseOutput>;
}
