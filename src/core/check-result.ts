/**
 * Building CheckResults from findings: the shape every compliance and adoption analysis returns.
 * Outcome rule (ARCHITECTURE.md): any error-severity finding is `fail`; otherwise `pass`.
 * Inputs that could not be read are reported by the caller as `error`, never as `fail`.
 */
import type { Domain } from './domain.js';
import type { CheckKind, CheckResult } from './evidence.js';
import { severityCounts, type Finding } from './finding.js';

export interface ResultSpec {
  check: string;
  kind: CheckKind;
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
  data?: unknown;
}

export function buildResult(spec: ResultSpec): CheckResult {
  const counts = severityCounts(spec.findings);
  const outcome = counts.error > 0 ? 'fail' : 'pass';
  const warnings = counts.warning > 0 ? ` ${counts.warning} warning(s) to review.` : '';
  return {
    check: spec.check,
    kind: spec.kind,
    title: spec.title,
    domain: spec.domain,
    criteria: spec.criteria,
    outcome,
    summary: (outcome === 'fail' ? spec.failSummary(counts.error) : spec.passSummary) + warnings,
    findings: spec.findings,
    measurements: spec.measurements,
    startedAt: spec.now.toISOString(),
    durationMs: 0,
    ...(spec.data !== undefined ? { data: spec.data } : {}),
  };
}

/** A CheckResult for an input that could not be read or fetched: inconclusive, not failed. */
export function errorResult(
  spec: Pick<ResultSpec, 'check' | 'kind' | 'title' | 'domain' | 'criteria' | 'now'>,
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
