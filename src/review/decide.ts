/**
 * The fail-closed decision rule of REVIEW.md, applied to criterion evaluations:
 * - NO-GO: a blocker is open (not-met, not-evidenced or inconclusive);
 * - CONDITIONAL GO: no blocker open, some major open or waived (each one a condition with an
 *   owner and a due date);
 * - GO: every blocker and major met. Open minors are listed, never blocking.
 * Pure and deterministic: the same template, evidence and `now` give an identical result.
 */
import {
  DOMAINS,
  type Condition,
  type CriterionEvaluation,
  type CriterionStatus,
  type DecisionValue,
  type QuestionAnswer,
  type ReviewResult,
} from '../core/index.js';
import { evaluateCriterion, type Evaluated } from './evaluate.js';
import type { ReviewInput, ReviewTemplate } from './types.js';

const DAY_MS = 86_400_000;

/** Open: a gap that nobody has accepted. `waived` is a gap accepted with an owner and expiry. */
export function isOpenStatus(s: CriterionStatus): boolean {
  return s === 'not-met' || s === 'not-evidenced' || s === 'inconclusive';
}

function label(e: CriterionEvaluation): string {
  return `${e.id} (${e.status})`;
}

function strip(e: Evaluated): CriterionEvaluation {
  const { waiver: _waiver, ...rest } = e;
  return rest;
}

function conditionFor(e: Evaluated, nowMs: number, dueDays: number): Condition {
  if (e.status === 'waived' && e.waiver) {
    return {
      criterion: e.id,
      owner: e.waiver.owner,
      due: e.waiver.expires,
      reason: `waived [${e.waiver.id}]; close the gap before the waiver expires`,
    };
  }
  return {
    criterion: e.id,
    owner: e.owner,
    due: new Date(nowMs + dueDays * DAY_MS).toISOString().slice(0, 10),
    reason: `${e.status}: ${e.reason}`,
  };
}

function answer(template: ReviewTemplate, evals: readonly Evaluated[]): QuestionAnswer[] {
  return DOMAINS.map((domain) => {
    const mine = evals.filter((e) => e.domain === domain);
    // Blockers and majors answer the question; a domain with only minors is answered by them.
    const majorOrAbove = mine.filter((e) => e.severity !== 'minor');
    const gating = majorOrAbove.length > 0 ? majorOrAbove : mine;
    const blockerOpen = mine.some((e) => e.severity === 'blocker' && isOpenStatus(e.status));
    const allMet = gating.every((e) => e.status === 'met');
    // "partly" needs some part shown: a domain where no gating criterion is met (or that has
    // none) answers no, like a domain with an open blocker. Fail closed.
    const noneMet = !gating.some((e) => e.status === 'met');
    const ans = blockerOpen || noneMet ? 'no' : allMet ? 'yes' : 'partly';
    const met = mine.filter((e) => e.status === 'met').length;
    const gaps = mine.filter((e) => e.status !== 'met').map(label);
    const summary =
      `${met} of ${mine.length} criteria met` +
      (gaps.length > 0 ? `; open: ${gaps.join(', ')}` : '');
    return { domain, question: template.questions[domain], answer: ans, summary };
  });
}

function rationale(
  decision: DecisionValue,
  blocking: Evaluated[],
  conditions: Evaluated[],
  openMinors: Evaluated[],
): string {
  const minors = openMinors.length > 0 ? ` Open minors: ${openMinors.map(label).join(', ')}.` : '';
  if (decision === 'NO_GO')
    return `NO-GO: ${blocking.length} blocker criteria are not met: ${blocking.map(label).join(', ')}.`;
  if (decision === 'CONDITIONAL_GO')
    return `CONDITIONAL GO: every blocker is met; ${conditions.length} criteria carry conditions: ${conditions.map(label).join(', ')}.${minors}`;
  return `GO: every blocker and major criterion is met.${minors}`;
}

/** Evaluate every criterion of the template and decide. */
export function evaluateReview(input: ReviewInput): ReviewResult {
  const { template, evidence, now, decidedBy } = input;
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs)) throw new Error(`review time "${now}" is not an ISO-8601 instant`);
  const evals = template.criteria.map((c) =>
    evaluateCriterion(c, evidence, template.policy, nowMs),
  );
  // evaluateCriterion applies a waiver only where the policy allows it, so a blocker can be
  // `waived` only under a policy that lists blockers as waivable; then it is a condition.
  const blocking = evals.filter((e) => e.severity === 'blocker' && isOpenStatus(e.status));
  const conditional = evals.filter(
    (e) => e.severity !== 'minor' && e.status !== 'met' && !blocking.includes(e),
  );
  const openMinors = evals.filter((e) => e.severity === 'minor' && e.status !== 'met');
  const decision: DecisionValue =
    blocking.length > 0 ? 'NO_GO' : conditional.length > 0 ? 'CONDITIONAL_GO' : 'GO';

  const seen = new Map<string, string>();
  for (const e of [...evidence.checks, ...evidence.attestations, ...evidence.waivers])
    seen.set(e.id, e.hash);
  const evidenceList = [...seen.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id, hash]) => ({ id, hash }));

  return {
    template: template.id,
    policyVersion: template.policy.version,
    decision,
    rationale: rationale(decision, blocking, conditional, openMinors),
    questions: answer(template, evals),
    criteria: evals.map(strip),
    conditions:
      decision === 'NO_GO'
        ? []
        : conditional.map((e) => conditionFor(e, nowMs, template.policy.conditionDueDays)),
    openMinors: openMinors.map((e) => e.id),
    evidence: evidenceList,
    decidedBy,
    decidedAt: new Date(nowMs).toISOString(),
  };
}
