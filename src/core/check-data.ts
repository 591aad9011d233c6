/**
 * The shapes of `CheckResult.data`, one per check kind that carries structured detail.
 * Types only: the folders that produce them (scenarios, load, compliance, lint) re-export what
 * they own, so `CheckResult` (evidence.ts) can be a union keyed on `kind` without core importing
 * anything. Reading data back from an evidence store goes through check-data-read.ts.
 */
import type { Attestation } from './attestation.js';
import type { Outcome } from './result.js';

/** One step of a scenario run (`ScenarioData.steps`). */
export interface StepResult {
  index: number;
  /** Step id from the scenario file, when it has one. */
  id?: string;
  type: string;
  title: string;
  outcome: Outcome;
  /** What went wrong (clinically, for `fail`), or what was observed. */
  message: string;
  expected?: string;
  actual?: string;
  startedAt: string;
  durationMs: number;
  /** Ids of the exchanges this step made (see Exchange.id). */
  exchangeIds: string[];
}

/** Why a scenario could not be exercised on the target, and what a person checks instead. */
export interface NotApplicable {
  step: number;
  reason: string;
  manualEvidence: string;
}

/** `data` of a scenario result: one entry per step. */
export interface ScenarioData {
  steps: StepResult[];
  /** Generated identifiers and carried values (synthetic). */
  variables?: Record<string, string>;
  /** Confirmations people gave during manual steps. */
  attestations?: Attestation[];
  /**
   * The target does not have what the scenario needs: why, at which step, and what a person
   * would check instead. The scenario's outcome is then `skip`, never `pass`.
   */
  notApplicable?: NotApplicable;
}

/** One second (or interval) of a load run. `t` is seconds since the run started. */
export interface LoadSeriesPoint {
  t: number;
  sent: number;
  completed: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  actual: number;
  /** `false`: nothing was measured and `actual` is a placeholder 0 (JSON has no NaN). */
  measured?: boolean;
}

/** What a report draws of a load run. Latencies in milliseconds. */
export interface LoadData {
  series: LoadSeriesPoint[];
  /** Latency histogram buckets: count of samples up to `upToMs` (and above the previous bucket). */
  histogram: { upToMs: number; count: number }[];
  percentiles: Record<string, number>;
  /** Every sent message in exactly one class: AA, AE, AR, timeout, connection-lost, and end-to-end classes. */
  accounting: Record<string, number>;
  thresholds: ThresholdResult[];
  targetRate?: number;
  achievedRate?: number;
}

/** Where an acknowledged message ended up downstream (load/end-to-end.ts). */
export type E2eClass = 'delivered' | 'lost' | 'duplicated' | 'reordered';

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

/** Average size of each message type sent during a load run, by type (e.g. `ORU^R01`). */
export type MeasuredSizes = Record<string, { avgBytes: number; count: number }>;

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

/** `data` of a failover result: the action and the measured recovery, if the target recovered. */
export interface FailoverData {
  action: 'restart' | 'pause-resume';
  recoveryMs?: number;
  accounting: Record<string, number>;
  endToEnd?: E2eSummary;
}

/** `data` of a storage projection result. */
export interface StorageData {
  perInterface: {
    name: string;
    storedBytesPerMessage: number;
    source: 'measured' | 'declared';
    dailyBytes: number;
  }[];
  retentionYears: number;
  growthPerYear: number;
}

export type SearchSupport =
  'supported' | 'unconfirmed' | 'ignored' | 'unsupported' | 'not-declared' | 'no-answer';

export interface ProbedSearch {
  /** The lookup it serves, e.g. `results`, and the strategy, e.g. `based-on`. */
  lookup: string;
  strategy: string;
  query: string;
  support: SearchSupport;
  detail: string;
}

export interface ScenarioCoverage {
  scenario: string;
  title: string;
  /** Can the scenario see what it needs on this target? */
  exercisable: boolean;
  why: string;
}

/** `data` of the capability probe result. */
export interface ProbeData {
  fhir?: {
    baseUrl: string;
    capabilityStatement: boolean;
    fhirVersion?: string;
    software?: string;
    types: string[];
    problem?: string;
  };
  searches: ProbedSearch[];
  coverage: ScenarioCoverage[];
}

/** How audit records were obtained (compliance/audit/sources.ts, fetch.ts). */
export interface RetrievalNote {
  /** In words: "date applied by the server", "read all 3 pages and filtered locally"... */
  statement: string;
  pages?: number;
  recordsRead?: number;
}

/** `data` of the audit-trail result. */
export interface AuditData {
  /** One row per action: the action, its record if any, and what was checked. */
  matches: Record<string, unknown>[];
  /** Exchanges that were not actions golive could audit, with the reason. */
  skipped: { exchangeId: string; reason: string }[];
  retrieval?: RetrievalNote;
}

/** `data` of a lint result. */
export interface LintData {
  inputs: string[];
  /** Findings per rule, over every message (the findings list itself may be capped). */
  byRule: Record<string, number>;
  /** Findings left out of the list by the cap. */
  omitted: number;
}

/** `data` of an adoption result (free-form detail per role). */
export interface AdoptionData {
  roles: Record<string, unknown>[];
}
