/**
 * Derivations every reporter shares: labels, ordering, finding collection, and the readers of
 * kind-specific `data` (checked by core/check-data-read.ts: stored data is untrusted JSON).
 */
import {
  DOMAINS,
  compareSeverity,
  countOutcomes,
  dataOf,
  readLoadData,
  readScenarioData,
  type CheckKind,
  type CriterionEvaluation,
  type CriterionSeverity,
  type CriterionStatus,
  type DecisionValue,
  type Domain,
  type Exchange,
  type Finding,
  type LoadData,
  type OutcomeCounts,
  type ScenarioData,
} from '../core/index.js';
import type { ReportCheck, ReportInput } from './types.js';

export const DECISION_LABEL: Record<DecisionValue, string> = {
  GO: 'GO',
  CONDITIONAL_GO: 'CONDITIONAL GO',
  NO_GO: 'NO-GO',
};

export const STATUS_LABEL: Record<CriterionStatus, string> = {
  met: 'met',
  'not-met': 'not met',
  'not-evidenced': 'not evidenced',
  inconclusive: 'inconclusive',
  waived: 'waived',
};

export const DOMAIN_LABEL: Record<Domain, string> = {
  workflow: 'Workflow',
  interop: 'Interoperability',
  compliance: 'Compliance',
  adoption: 'Adoption',
  infrastructure: 'Infrastructure',
};

const SEVERITY_ORDER: Record<CriterionSeverity, number> = { blocker: 0, major: 1, minor: 2 };
const STATUS_ORDER: Record<CriterionStatus, number> = {
  'not-met': 0,
  inconclusive: 1,
  'not-evidenced': 2,
  waived: 3,
  met: 4,
};

export function domainIndex(d: Domain): number {
  const i = DOMAINS.indexOf(d);
  return i < 0 ? DOMAINS.length : i;
}

/** Open means anything but met; a waived criterion is still a gap with an owner. */
export function isOpen(c: CriterionEvaluation): boolean {
  return c.status !== 'met';
}

/** Open criteria, most serious first: severity, then status, then domain, then id. */
export function openCriteria(criteria: readonly CriterionEvaluation[]): CriterionEvaluation[] {
  return criteria
    .filter(isOpen)
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        domainIndex(a.domain) - domainIndex(b.domain) ||
        a.id.localeCompare(b.id),
    );
}

/** Criteria grouped by domain, in the template's domain order, keeping input order within. */
export function criteriaByDomain(
  criteria: readonly CriterionEvaluation[],
): [Domain, CriterionEvaluation[]][] {
  return DOMAINS.map((d): [Domain, CriterionEvaluation[]] => [
    d,
    criteria.filter((c) => c.domain === d),
  ]).filter(([, list]) => list.length > 0);
}

export interface SourcedFinding {
  finding: Finding;
  check: ReportCheck;
}

/** Every finding with the check that made it, ordered by severity, domain, rule. */
export function collectFindings(checks: readonly ReportCheck[]): SourcedFinding[] {
  const out: SourcedFinding[] = [];
  for (const check of checks) for (const finding of check.findings) out.push({ finding, check });
  return out.sort(
    (a, b) =>
      compareSeverity(a.finding.severity, b.finding.severity) ||
      domainIndex(a.finding.domain) - domainIndex(b.finding.domain) ||
      a.finding.rule.localeCompare(b.finding.rule),
  );
}

/** All exchanges by id: the run's list plus any embedded in check results. */
export function exchangeIndex(input: ReportInput): Map<string, Exchange> {
  const map = new Map<string, Exchange>();
  for (const x of input.exchanges) map.set(x.id, x);
  for (const c of input.checks)
    for (const x of c.exchanges ?? []) if (!map.has(x.id)) map.set(x.id, x);
  return map;
}

/**
 * `data` of a scenario check, when it has the documented shape; undefined when absent or
 * unreadable (`dataProblem` in core says why, and the HTML card shows it).
 */
export function scenarioData(check: ReportCheck): ScenarioData | undefined {
  return dataOf(readScenarioData(check));
}

/** `data` of a load check, when it has the documented shape (see `scenarioData`). */
export function loadData(check: ReportCheck): LoadData | undefined {
  return dataOf(readLoadData(check));
}

/** Exchange ids a check refers to: its steps' and its embedded list, in first-seen order. */
export function checkExchangeIds(check: ReportCheck): string[] {
  const ids = new Set<string>();
  for (const s of scenarioData(check)?.steps ?? []) for (const id of s.exchangeIds) ids.add(id);
  for (const x of check.exchanges ?? []) ids.add(x.id);
  return [...ids];
}

export interface ChecksSummary {
  total: number;
  byOutcome: OutcomeCounts;
  byKind: Partial<Record<CheckKind, OutcomeCounts>>;
}

export function summarizeChecks(checks: readonly ReportCheck[]): ChecksSummary {
  const byKind: Partial<Record<CheckKind, OutcomeCounts>> = {};
  const kinds = [...new Set(checks.map((c) => c.kind))];
  for (const k of kinds)
    byKind[k] = countOutcomes(checks.filter((c) => c.kind === k).map((c) => c.outcome));
  return { total: checks.length, byOutcome: countOutcomes(checks.map((c) => c.outcome)), byKind };
}

export interface EvidenceEntry {
  id: string;
  hash: string;
  /** The check stored under this id, when the report knows it. */
  check?: string;
  kind?: CheckKind;
  title?: string;
  /** Was it among the evidence the review was evaluated from? */
  evaluated: boolean;
}

/**
 * Evidence ids in store order: `ev-<seq>` compares by its number (ev-2 before ev-10), so the
 * list reads in the order the records were written; other ids sort as text after them.
 */
export function compareEvidenceIds(a: string, b: string): number {
  const na = /^ev-(\d+)$/.exec(a);
  const nb = /^ev-(\d+)$/.exec(b);
  if (na && nb) return Number(na[1]) - Number(nb[1]) || a.localeCompare(b);
  if (na) return -1;
  if (nb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every record the review weighed or a check was stored under, once each, in store order. */
export function evidenceList(input: ReportInput): EvidenceEntry[] {
  const byId = new Map(input.checks.map((c) => [c.evidenceId, c]));
  const out: EvidenceEntry[] = [];
  const seen = new Set<string>();
  const push = (id: string, hash: string, evaluated: boolean): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const c = byId.get(id);
    out.push(
      c
        ? { id, hash, check: c.check, kind: c.kind, title: c.title, evaluated }
        : { id, hash, evaluated },
    );
  };
  for (const e of input.review.evidence) push(e.id, e.hash, true);
  for (const c of input.checks) push(c.evidenceId, c.hash, false);
  return out.sort((a, b) => compareEvidenceIds(a.id, b.id));
}

/** Owner and due date of the gap behind an open criterion (conditions carry the due date). */
export function ownerOf(
  input: ReportInput,
  criterion: CriterionEvaluation,
): { owner: string; due?: string } {
  const cond = input.review.conditions.find((c) => c.criterion === criterion.id);
  return cond
    ? { owner: cond.owner || criterion.owner, due: cond.due }
    : { owner: criterion.owner };
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `2025-03-01T09:30:00.000Z` -> `2025-03-01 09:30:00 UTC` (times are shown in UTC, never the reader's zone). */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function durationBetween(fromIso: string, toIso: string): number | undefined {
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : b - a;
}

/**
 * Text joined from sentences that each end in a full stop (a criterion reason citing a check
 * summary, "Not met: <summary>.; <summary>.") reads "listed.." or "listed.;". Keep the
 * sentence's own stop and drop the joiner's, or keep the joiner's `;`/`,` and drop the stop.
 * An ellipsis ("...") and dots inside tokens (file.hl7, 2.5.1, ../x) are left alone.
 */
export function tidyText(text: string): string {
  return text.replace(/(?<!\.)\.([.;,])(?=\s|$)/g, '$1').replace(/([;,])\.(?=\s|$)/g, '$1');
}
