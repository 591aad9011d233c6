/**
 * The shapes of what a load run observed, in their own file so that result.ts and
 * result-parts.ts can share them without importing each other. The `data` its results carry
 * (LoadRunData, E2eSummary) lives in core/check-data.ts, part of the CheckResult union, and is
 * re-exported here.
 */
import type { E2eSummary } from '../core/index.js';
import type { FailoverRun } from './control.js';
import type { LoadedProfile } from './profile.js';
import type { PrepareOutcome } from './prepare.js';
import type { RunStats } from './stats.js';

export type { E2eSummary, LoadRunData } from '../core/index.js';

export interface Observed {
  lp: LoadedProfile;
  stats: RunStats;
  e2e?: E2eSummary;
  failover?: FailoverRun;
  prepare?: PrepareOutcome;
  /** The measured run did not happen (preparation failed). */
  skipped?: boolean;
  startedEpoch: number;
  durationMs: number;
  hitDeadline: boolean;
  histogramMode: 'wasm' | 'js';
}
