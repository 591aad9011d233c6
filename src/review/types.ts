/**
 * Types of the review engine: a template is data (criteria, rules, policy), evaluation is a
 * pure function of the template, the evidence, `now` and who decides. Nothing here reads a
 * clock or a file: ARCHITECTURE.md keeps src/review pure.
 */
import type {
  Attestation,
  Criterion,
  CriterionSeverity,
  Domain,
  StoredCheckResult,
  Waiver,
} from '../core/index.js';

/**
 * What kind of evidence can make a criterion met.
 * - `check`: at least one passing automated check; an attestation alone is not enough.
 * - `attestation`: a person must attest that it holds (machines cannot observe it).
 * - `check+attestation`: both (e.g. downtime recovery: the scenario AND a staff rehearsal).
 * - `check|attestation`: either one.
 */
export type EvidenceNeed = 'check' | 'attestation' | 'check+attestation' | 'check|attestation';

/**
 * A threshold applied to a named measurement of the checks that are evidence for a criterion.
 * A measurement matches by exact key (`lost`) or by a qualified key (`lost.adt-feed`,
 * `unaided_critical_pct_min.nurse`), so per-role or per-feed figures are each compared.
 */
export interface MeasurementRule {
  measurement: string;
  op: '>=' | '<=';
  threshold: number;
  unit: string;
  /** What the number means, in words, for reasons. */
  label: string;
  /**
   * When true, a passing check that does not report the measurement cannot make the criterion
   * met (missing evidence is never a pass). When false, the rule applies only where reported.
   */
  required: boolean;
}

/** A criterion of a template, with the rule that evaluates it. */
export interface TemplateCriterion extends Criterion {
  needs: EvidenceNeed;
  /** What a person must attest, when `needs` includes an attestation. */
  attestation?: string;
  measurements: MeasurementRule[];
}

export interface ReviewPolicy {
  /** Recorded in every decision, so a decision can be re-derived under the same rules. */
  version: string;
  /** Due date of a condition on an open (unwaived) major: `now` plus this many days. */
  conditionDueDays: number;
  /** Severities a waiver may apply to. The standard policy never lets a blocker be waived. */
  waivable: CriterionSeverity[];
}

export interface ReviewTemplate {
  id: string;
  title: string;
  policy: ReviewPolicy;
  /** The go-live question of each domain, answered from that domain's criteria. */
  questions: Record<Domain, string>;
  criteria: TemplateCriterion[];
}

/** A piece of evidence as stored: the record id, its content hash and the value. */
export interface Evidenced<T> {
  id: string;
  hash: string;
  value: T;
}

export interface ReviewEvidence {
  /** Check results as stored: `data` is untrusted JSON (core/check-data-read.ts reads it). */
  checks: Evidenced<StoredCheckResult>[];
  attestations: Evidenced<Attestation>[];
  waivers: Evidenced<Waiver>[];
}

export interface ReviewInput {
  template: ReviewTemplate;
  evidence: ReviewEvidence;
  /** ISO-8601 instant of the review (injected: the engine never reads a clock). */
  now: string;
  decidedBy: string;
}
