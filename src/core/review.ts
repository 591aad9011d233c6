import type { Domain } from './domain.js';

export type CriterionSeverity = 'blocker' | 'major' | 'minor';

export type CriterionStatus = 'met' | 'not-met' | 'not-evidenced' | 'inconclusive' | 'waived';

export type DecisionValue = 'GO' | 'CONDITIONAL_GO' | 'NO_GO';

/** A readiness criterion of a review template. */
export interface Criterion {
  id: string;
  domain: Domain;
  title: string;
  /** Why it matters, in a sentence or two. */
  why: string;
  /** What evidence makes it met. */
  signal: string;
  /** Evidence sources (check kinds / check ids) it is evaluated from. */
  sources: string[];
  severity: CriterionSeverity;
  /** Owner role, e.g. `integration lead`. */
  owner: string;
}

export interface CriterionEvaluation {
  id: string;
  domain: Domain;
  title: string;
  severity: CriterionSeverity;
  owner: string;
  status: CriterionStatus;
  /** Why it has this status, in words. */
  reason: string;
  /** Ids of the evidence records it was evaluated from. */
  evidence: string[];
}

export interface Condition {
  criterion: string;
  owner: string;
  /** ISO date the condition must be closed by. */
  due: string;
  reason: string;
}

export interface QuestionAnswer {
  domain: Domain;
  question: string;
  /** yes: every blocker and major met; no: a blocker open; partly: otherwise. */
  answer: 'yes' | 'no' | 'partly';
  summary: string;
}

/** The outcome of evaluating a review: what the steering committee reads. */
export interface ReviewResult {
  /** Template id, e.g. `standard`. */
  template: string;
  policyVersion: string;
  decision: DecisionValue;
  /** One sentence explaining the decision. */
  rationale: string;
  questions: QuestionAnswer[];
  criteria: CriterionEvaluation[];
  /** For CONDITIONAL GO: open or waived majors, each with owner and due date. */
  conditions: Condition[];
  /** Minor criteria still open (listed, never blocking). */
  openMinors: string[];
  /** Evidence ids with their content hashes, as evaluated. */
  evidence: { id: string; hash: string }[];
  decidedBy: string;
  /** ISO instant, from the injected clock. */
  decidedAt: string;
}
