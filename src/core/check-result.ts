/**
 * Building CheckResults from findings: the shape every compliance and adoption analysis returns.
 * Outcome rule (ARCHITECTURE.md): any error-severity finding is `fail`; otherwise `pass`.
 * Inputs that could not be read are reported by the caller as `error`, never as `fail`.
 */
import type { Domain } from './domain.js';
import type { CheckDataOf, CheckKind, CheckResult } from './evidence.js';
import { severityCounts, type Finding } from './finding.js';

/** A kind with the data a result of that kind carries (one member per kind). */
export type KindAndData = { [K in CheckKind]: { kind: K; data?: CheckDataOf<K> } }[CheckKind];

interface SpecFields {
  check: string;
  title: string;
  domain: Domain;
  criteria: string[];
  findings: Finding[];
  measurements: Record<string, number>;
  /** Injected clock: when the analysis ran. */
  now: Date;
  /** Summary sentence when the check passed / failed. */
  passSummary: string;
  failSummary: (errors: number) => string;
}

/** What an analysis passes to buildResult; `data` is typed by `kind`. */
export type ResultSpec = SpecFields & KindAndData;

export function buildResult(spec: ResultSpec): CheckResult {
  const { now, passSummary, failSummary, check, title, domain, criteria, ...kindAndData } = spec;
  const counts = severityCounts(spec.findings);
  const outcome = counts.error > 0 ? 'fail' : 'pass';
  const warnings = counts.warning > 0 ? ` ${counts.warning} warning(s) to review.` : '';
  // `kindAndData` keeps `kind` and `data` together, so the compiler checks the pair.
  return {
    check,
    title,
    domain,
    criteria,
    outcome,
    summary: (outcome === 'fail' ? failSummary(counts.error) : passSummary) + warnings,
    startedAt: now.toISOString(),
    durationMs: 0,
    ...kindAndData,
  };
}

/** A CheckResult for an input that could not be read or fetched: inconclusive, not failed. */
export function errorResult(
  spec: Pick<SpecFields, 'check' | 'title' | 'domain' | 'criteria' | 'now'> & { kind: CheckKind },
  reason: string,
): CheckResult {
  return {
    check: spec.check,
    kind: spec.kind,
    title: spec.title,
    domain: spec.domain,
    criteria: spec.criteria,
    outcome: 'error',
    summary: `Could not be evaluated: ${reason}`,
    findings: [],
    measurements: {},
    startedAt: spec.now.toISOString(),
    durationMs: 0,
  };
}

/** Percentage with one decimal; 100 when there is nothing to count (no denominator). */
export function pct(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.round((part / whole) * 1000) / 10;
}
