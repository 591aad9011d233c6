import type { Domain } from './domain.js';
import type { Finding } from './finding.js';
import type { Outcome } from './result.js';

/**
 * One exchange with a system under test: the bytes sent and received and the timing.
 * Every exchange is kept as evidence and linked from the result that used it.
 */
export interface Exchange {
  /** Unique within a run (e.g. `x-12`). */
  id: string;
  protocol: 'mllp' | 'http';
  /** `outbound`: golive sent to the target; `inbound`: the target sent to golive's capture listener. */
  direction: 'outbound' | 'inbound';
  /** host:port for MLLP, URL for HTTP. */
  peer: string;
  /** ISO-8601 instant the exchange started. */
  startedAt: string;
  durationMs: number;
  /** HL7 ER7 text, or the HTTP request (method, URL, headers, body). */
  request: string;
  /** The ACK or HTTP response, when one came. */
  response?: string;
  /** One line: `ORU^R01 MSH-10=ABC -> AA (12 ms)`. */
  summary: string;
  /** Transport failure, when there was one (connection refused, timeout, reset). */
  error?: string;
}

export type CheckKind =
  | 'scenario'
  | 'lint'
  | 'load'
  | 'failover'
  | 'storage'
  | 'audit'
  | 'access'
  | 'registers'
  | 'adoption'
  | 'attestation'
  | 'site-config'
  | 'probe';

/**
 * The unit of evidence the review weighs: a check ran and observed something.
 * Checks record observations (outcome, findings, measurements); the review's
 * template and policy decide what they mean for each criterion.
 */
export interface CheckResult {
  /** Stable id of the check, e.g. `order.cancel`, `lint`, `load.peak`, `compliance.access`. */
  check: string;
  kind: CheckKind;
  title: string;
  domain: Domain;
  /** Review criteria this result is evidence for (e.g. `interop.updates`). */
  criteria: string[];
  outcome: Outcome;
  /** One or two sentences a steering committee can read. */
  summary: string;
  findings: Finding[];
  /** Named numbers (`p99_ms`, `lost`, `unaided_critical_pct`...). */
  measurements: Record<string, number>;
  startedAt: string;
  durationMs: number;
  /** Exchanges made by this check (stored as their own evidence records, linked by id). */
  exchanges?: Exchange[];
  /** Kind-specific structured detail (scenario steps, load time series...). Must be JSON. */
  data?: unknown;
}

/** A person's confirmation of something a machine cannot observe. */
export interface Attestation {
  criterion: string;
  statement: string;
  attestedBy: string;
  role: string;
  /** ISO date or instant. */
  at: string;
  /** Did what was attested hold? */
  holds: boolean;
  reference?: string;
}

/** An approver accepting the risk of an open criterion. */
export interface Waiver {
  criterion: string;
  approver: string;
  approverRole: string;
  reason: string;
  /** Who must close the gap. */
  owner: string;
  /** ISO date; an expired waiver counts as open. */
  expires: string;
  grantedAt: string;
}

/** `data` of a scenario CheckResult: one entry per step. */
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
  notApplicable?: { step: number; reason: string; manualEvidence: string };
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
}

/** `data` of a load CheckResult. Latencies in milliseconds. */
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
