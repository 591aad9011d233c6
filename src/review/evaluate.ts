/**
 * Evidence -> criterion status, by the rules of REVIEW.md ("Statuses") and docs/review.md.
 * Order of precedence: a definite failure (failed check, refuted attestation, threshold
 * violated) is `not-met`; else a tool/connection failure is `inconclusive`; else missing
 * evidence (nothing, only skips, a required attestation or measurement absent) is
 * `not-evidenced`; else `met`. A valid waiver then turns an open criterion into `waived`
 * where the policy allows waivers for its severity.
 */
import {
  readScenarioData,
  type Attestation,
  type CriterionEvaluation,
  type CriterionStatus,
  type StoredCheckResult,
  type Waiver,
} from '../core/index.js';
import type {
  Evidenced,
  MeasurementRule,
  ReviewEvidence,
  ReviewPolicy,
  TemplateCriterion,
} from './types.js';
import { chooseWaiver } from './waivers.js';

/** A criterion evaluation plus the waiver that was applied (needed for conditions). */
export interface Evaluated extends CriterionEvaluation {
  waiver?: { id: string; owner: string; expires: string };
}

type Check = Evidenced<StoredCheckResult>;
type Att = Evidenced<Attestation>;

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function ids(items: readonly { id: string }[]): string {
  return items.map((i) => i.id).join(', ');
}

function cite(check: Check): string {
  return `${check.value.check} [${check.id}]`;
}

/** Why a scenario check was not applicable on the target, if it was. */
function notApplicableReason(r: StoredCheckResult): string | undefined {
  const read = readScenarioData(r);
  return read.state === 'ok' ? read.data.notApplicable?.reason : undefined;
}

/** Why a stored scenario check's data cannot be read (an older version wrote it, or an edit). */
function unreadableReason(r: StoredCheckResult): string | undefined {
  const read = readScenarioData(r);
  return read.state === 'unreadable' ? read.why : undefined;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** Measurements of a check that a rule applies to: the exact key or `key.<qualifier>`. */
function matching(check: StoredCheckResult, rule: MeasurementRule): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(check.measurements ?? {})) {
    if ((k === rule.measurement || k.startsWith(`${rule.measurement}.`)) && typeof v === 'number')
      out.push([k, v]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function violates(rule: MeasurementRule, value: number): boolean {
  // NaN never satisfies a threshold: fail closed.
  return rule.op === '>=' ? !(value >= rule.threshold) : !(value <= rule.threshold);
}

interface Base {
  status: Exclude<CriterionStatus, 'waived'>;
  reason: string;
}

/** An attestation-kind check stands for a person's attestation, not an automated check. */
const isAttestationCheck = (c: Check) => c.value.kind === 'attestation';

function baseStatus(c: TemplateCriterion, checks: Check[], atts: Att[]): Base {
  if (checks.length === 0 && atts.length === 0) {
    return {
      status: 'not-evidenced',
      reason: `No evidence recorded. Expected: ${c.sources.join(', ')}.`,
    };
  }
  // Threshold rules read only checks that observed the system (pass/fail): a check that
  // errored may carry partial figures caused by the tool, which must not count as a failure.
  const observed = checks.filter((k) => k.value.outcome === 'pass' || k.value.outcome === 'fail');
  const problems: string[] = [];
  for (const k of checks.filter((k) => k.value.outcome === 'fail'))
    problems.push(`${cite(k)} failed: ${k.value.summary}`);
  for (const a of atts.filter((a) => !a.value.holds))
    problems.push(`${a.value.attestedBy} (${a.value.role}) attested it does not hold [${a.id}]`);
  for (const rule of c.measurements) {
    for (const k of observed) {
      for (const [key, v] of matching(k.value, rule)) {
        if (violates(rule, v))
          problems.push(
            `${rule.label} ${key} = ${fmt(v)} ${rule.unit}, threshold ${rule.op} ${fmt(rule.threshold)} [${k.id}]`,
          );
      }
    }
  }
  if (problems.length > 0) return { status: 'not-met', reason: `Not met: ${problems.join('; ')}.` };

  const errored = checks.filter((k) => k.value.outcome === 'error');
  if (errored.length > 0) {
    return {
      status: 'inconclusive',
      reason: `Inconclusive: ${errored.map((k) => `${cite(k)} could not complete (${k.value.summary})`).join('; ')}. A tool or connection failure never counts as met.`,
    };
  }

  const passedChecks = checks.filter((k) => k.value.outcome === 'pass' && !isAttestationCheck(k));
  const holding = atts.filter((a) => a.value.holds);
  const attested =
    holding.length > 0 || checks.some((k) => isAttestationCheck(k) && k.value.outcome === 'pass');
  const missing: string[] = [];
  const skipped = checks.filter((k) => k.value.outcome === 'skip');
  const noCheck = skipped.length > 0 ? `only skipped checks (${ids(skipped)})` : 'no check result';
  const needsCheck = c.needs === 'check' || c.needs === 'check+attestation';
  const needsAtt = c.needs === 'attestation' || c.needs === 'check+attestation';
  const attWanted = `no attestation that ${c.attestation ?? 'it holds'}`;
  if (needsCheck && passedChecks.length === 0) missing.push(noCheck);
  // A scenario the target could not exercise leaves its story unproven, even when the other
  // scenarios of the criterion passed: only a person's attestation covers it (fail-closed).
  const unexercised = skipped.filter((k) => notApplicableReason(k.value) !== undefined);
  if (unexercised.length > 0 && holding.length === 0)
    missing.push(
      `not exercised on this target: ${unexercised.map((k) => `${cite(k)}: ${notApplicableReason(k.value)}`).join('; ')}`,
    );
  // A skip whose data cannot be read may hide a scenario the target could not exercise: fail
  // closed the same way, and say which record and what was wrong with it.
  const unreadable = skipped.filter((k) => unreadableReason(k.value) !== undefined);
  if (unreadable.length > 0 && holding.length === 0)
    missing.push(
      `skipped with unreadable data, so whether it was exercised is unknown: ${unreadable.map((k) => `${cite(k)}: data unreadable, ${unreadableReason(k.value)}`).join('; ')}`,
    );
  if (needsAtt && !attested) missing.push(attWanted);
  if (c.needs === 'check|attestation' && passedChecks.length === 0 && !attested)
    missing.push(`${noCheck} and ${attWanted}`);
  // A required measurement matters when a check is what makes the criterion met.
  const measured: string[] = [];
  if (passedChecks.length > 0) {
    for (const rule of c.measurements) {
      const found = passedChecks.flatMap((k) =>
        matching(k.value, rule).map(([key, v]) => ({ k, key, v })),
      );
      if (found.length === 0 && rule.required)
        missing.push(`no passing check reported ${rule.measurement} (${rule.label})`);
      for (const f of found)
        measured.push(
          `${f.key} = ${fmt(f.v)} ${rule.unit} ${rule.op} ${fmt(rule.threshold)} [${f.k.id}]`,
        );
    }
  }
  if (missing.length > 0)
    return { status: 'not-evidenced', reason: `Not evidenced: ${missing.join('; ')}.` };

  const parts: string[] = [];
  if (passedChecks.length > 0) parts.push(`passed: ${passedChecks.map(cite).join(', ')}`);
  for (const a of holding)
    parts.push(`attested by ${a.value.attestedBy} (${a.value.role}) on ${a.value.at} [${a.id}]`);
  for (const k of checks.filter((k) => isAttestationCheck(k) && k.value.outcome === 'pass'))
    parts.push(`attested: ${cite(k)}`);
  if (measured.length > 0) parts.push(`measured ${measured.join(', ')}`);
  if (skipped.length > 0) parts.push(`skipped: ${ids(skipped)}`);
  return { status: 'met', reason: `Met: ${parts.join('; ')}.` };
}

/** Evaluate one criterion from all the evidence. `nowMs` is the review time. */
export function evaluateCriterion(
  c: TemplateCriterion,
  evidence: ReviewEvidence,
  policy: ReviewPolicy,
  nowMs: number,
): Evaluated {
  const checks = evidence.checks.filter((k) => k.value.criteria.includes(c.id)).sort(byId);
  const atts = evidence.attestations.filter((a) => a.value.criterion === c.id).sort(byId);
  const waivers: Evidenced<Waiver>[] = evidence.waivers
    .filter((w) => w.value.criterion === c.id)
    .sort(byId);
  const base = baseStatus(c, checks, atts);
  const all = [...checks, ...atts, ...waivers].map((e) => e.id);
  const result: Evaluated = {
    id: c.id,
    domain: c.domain,
    title: c.title,
    severity: c.severity,
    owner: c.owner,
    status: base.status,
    reason: base.reason,
    evidence: [...new Set(all)].sort(),
  };
  if (base.status === 'met' || waivers.length === 0) return result;

  if (!policy.waivable.includes(c.severity)) {
    result.reason += ` Waiver ${ids(waivers)} not applied: the ${policy.version} policy does not let a ${c.severity} criterion be waived.`;
    return result;
  }
  const { chosen, rejected } = chooseWaiver(waivers, nowMs);
  const notes = rejected.map((r) => `waiver [${r.id}] not applied: ${r.why}`);
  if (!chosen) {
    result.reason += ` ${capitalize(notes.join('; '))}.`;
    return result;
  }
  const w = chosen.value;
  result.status = 'waived';
  result.waiver = { id: chosen.id, owner: w.owner, expires: w.expires };
  result.reason =
    `Waived by ${w.approver} (${w.approverRole}) until ${w.expires} [${chosen.id}]: ${w.reason}; owner ${w.owner}. ` +
    `Underlying: ${base.reason}` +
    (notes.length > 0 ? ` Also: ${notes.join('; ')}.` : '');
  return result;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
