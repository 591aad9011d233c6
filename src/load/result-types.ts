/**
 * The shapes of what a load run observed and of the `data` its results carry; in their own
 * file so that result.ts and result-parts.ts can share them without importing each other.
 */
import type { LoadData } from '../core/index.js';
import type { FailoverRun } from './control.js';
import type { E2eClass } from './end-to-end.js';
import type { LoadedProfile } from './profile.js';
import type { MeasuredSizes } from './storage.js';
import type { PrepareOutcome } from './prepare.js';
import type { RunStats } from './stats.js';

export interface E2eSummary {
  source: 'capture' | 'fhir-lookup' | 'capture+fhir-lookup';
  /** Every AA message checked, in exactly one class. */
  classes: Record<E2eClass, number>;
  /** Messages that reached the receiver although they were not acknowledged with AA. */
  unacknowledgedDelivered: number;
  /** Same MSH-10 delivered again (at-least-once redelivery, removed by the receiver). */
  redelivered: number;
  /** FHIR lookup outcomes; `failed` proves nothing either way. */
  lookup?: { found: number; missing: number; duplicated: number; failed: number };
  /** Keys of some lost messages. */
  examples: string[];
}

/** `data` of a load result: LoadData plus what golive adds to it. */
export interface LoadRunData extends LoadData {
  endToEnd?: E2eSummary;
  dropped: number;
  fhir?: {
    requests: number;
    errors: number;
    status: Record<string, number>;
    percentiles: Record<string, number>;
  };
  messageSizes: MeasuredSizes;
  histogramMode: 'wasm' | 'js';
}

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
