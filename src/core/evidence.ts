import type { Domain } from './domain.js';
import type { Finding } from './finding.js';
import type { Outcome } from './result.js';
import type {
  AdoptionData,
  AuditData,
  FailoverData,
  LintData,
  LoadRunData,
  ProbeData,
  ScenarioData,
  StorageData,
} from './check-data.js';

export type { Attestation } from './attestation.js';
// The data shapes moved to check-data.ts; still importable from here.
export type {
  LoadData,
  LoadSeriesPoint,
  RetrievalNote,
  ScenarioData,
  StepResult,
  ThresholdResult,
} from './check-data.js';

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

/** The fields every check result has, whatever its kind. */
export interface CheckResultBase {
  /** Stable id of the check, e.g. `order.cancel`, `lint`, `load.peak`, `compliance.access`. */
  check: string;
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
}

/** A check of one kind with its kind-specific structured detail (must be JSON). */
interface KindOf<K extends CheckKind, D> extends CheckResultBase {
  kind: K;
  data?: D;
}

export type ScenarioCheckResult = KindOf<'scenario', ScenarioData>;
export type LintCheckResult = KindOf<'lint', LintData>;
export type LoadCheckResult = KindOf<'load', LoadRunData>;
export type FailoverCheckResult = KindOf<'failover', FailoverData>;
export type StorageCheckResult = KindOf<'storage', StorageData>;
export type AuditCheckResult = KindOf<'audit', AuditData>;
export type AdoptionCheckResult = KindOf<'adoption', AdoptionData>;
export type ProbeCheckResult = KindOf<'probe', ProbeData>;
/** Kinds that carry no structured detail today; anything they attach is free-form. */
export type AccessCheckResult = KindOf<'access', unknown>;
export type RegistersCheckResult = KindOf<'registers', unknown>;
export type AttestationCheckResult = KindOf<'attestation', unknown>;
export type SiteConfigCheckResult = KindOf<'site-config', unknown>;

/**
 * The unit of evidence the review weighs: a check ran and observed something.
 * Checks record observations (outcome, findings, measurements); the review's
 * template and policy decide what they mean for each criterion.
 *
 * A union keyed on `kind`: narrowing on `kind` gives the typed `data` (check-data.ts), so
 * readers never cast. Producers build the member of their kind and the compiler checks it.
 */
export type CheckResult =
  | ScenarioCheckResult
  | LintCheckResult
  | LoadCheckResult
  | FailoverCheckResult
  | StorageCheckResult
  | AuditCheckResult
  | AccessCheckResult
  | RegistersCheckResult
  | AdoptionCheckResult
  | AttestationCheckResult
  | SiteConfigCheckResult
  | ProbeCheckResult;

/** The member of the union for one kind, e.g. `CheckResultOf<'load'>`. */
export type CheckResultOf<K extends CheckKind> = Extract<CheckResult, { kind: K }>;

/** What a check of kind `K` carries as `data`. */
export type CheckDataOf<K extends CheckKind> = NonNullable<CheckResultOf<K>['data']>;

/**
 * A check result read back from an evidence store (or any JSON): a record written by an older
 * version, or edited, may carry anything as `data`. Readers of stored results take this type
 * and read `data` through the guards of check-data-read.ts, never by a cast. Every
 * `CheckResult` is a `StoredCheckResult`.
 */
export interface StoredCheckResult extends CheckResultBase {
  kind: CheckKind;
  data?: unknown;
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
