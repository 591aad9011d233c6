/**
 * Turn what a run observed into CheckResults: one `load` result (criteria from the profile,
 * by default infrastructure.peak-load) and, when the profile had a failover action, one
 * `failover` result (infrastructure.failover). The system under test missing a threshold is
 * `fail`; the tool unable to measure (prepare or control action failed, lookup unreachable)
 * is `error`. The findings and verdicts are in result-parts.ts, the shapes in result-types.ts.
 */
import type { CheckResult, FailoverCheckResult, LoadCheckResult, Outcome } from '../core/index.js';
import { round } from './histogram.js';
import {
  failoverVerdict,
  fmt,
  inconclusiveFinding,
  inconclusiveReason,
  loadFindings,
  type EvaluatedThreshold,
} from './result-parts.js';
import type { LoadRunData, Observed } from './result-types.js';
import type { MeasuredSizes } from './storage.js';
import { evaluateThresholds, type MetricSource } from './thresholds.js';

export type { E2eSummary, LoadRunData, Observed } from './result-types.js';

export function metricSource(o: Observed): MetricSource {
  const s = o.stats;
  const e = o.e2e;
  const eTotal = e ? Object.values(e.classes).reduce((a, b) => a + b, 0) : 0;
  return {
    time: (metric, agg, pct) => {
      if (metric === 'recovery_time') return o.failover?.recoveryMs;
      const h = metric === 'fhir_latency' ? s.fhir : s.ack;
      if (agg === 'p') return h.percentile(pct!);
      if (agg === 'med') return h.percentile(50);
      if (agg === 'avg') return h.meanMs;
      if (agg === 'min') return h.minMs;
      return h.maxMs;
    },
    count: (metric) => {
      switch (metric) {
        case 'errors':
          return { count: s.errors, of: s.sent };
        case 'timeouts':
          return { count: s.classes.timeout, of: s.sent };
        case 'connection_lost':
          return { count: s.classes['connection-lost'], of: s.sent };
        case 'dropped_iterations':
          return { count: s.dropped, of: s.sent + s.dropped };
        case 'fhir_errors':
          return { count: s.fhirErrors, of: s.fhirRequests };
        case 'lost':
        case 'duplicated':
        case 'reordered':
          return e ? { count: e.classes[metric], of: eTotal } : undefined;
        default:
          return undefined;
      }
    },
    value: (metric) => (metric === 'achieved_rate' ? s.achievedRate() : undefined),
  };
}

export function buildResults(o: Observed): CheckResult[] {
  const p = o.lp.profile;
  const thresholds = evaluateThresholds(o.lp.thresholds, metricSource(o));
  const findings = loadFindings(o, thresholds);
  const toolError = inconclusiveReason(o);
  const outcome: Outcome = toolError ? 'error' : thresholds.every((t) => t.ok) ? 'pass' : 'fail';
  // The reason the run is inconclusive comes first: it outweighs every other finding.
  if (toolError) findings.unshift(inconclusiveFinding(toolError));
  const data = loadData(o, thresholds);
  const load: LoadCheckResult = {
    check: `load.${p.name}`,
    kind: 'load',
    title: p.title ?? `Load profile ${p.name}`,
    domain: 'infrastructure',
    criteria: p.criteria,
    outcome,
    summary: toolError ? `Inconclusive: ${toolError}` : loadSummary(o, data, thresholds),
    findings,
    measurements: loadMeasurements(o, data),
    startedAt: new Date(o.startedEpoch).toISOString(),
    durationMs: Math.round(o.durationMs),
    data,
  };
  const out: CheckResult[] = [load];
  if (p.failover && o.failover) out.push(failoverResult(o, p.failover.recoveryObjective));
  return out;
}

/** What a report draws: series, histogram, percentiles, accounting and thresholds. */
function loadData(o: Observed, thresholds: EvaluatedThreshold[]): LoadRunData {
  const s = o.stats;
  const sizes: MeasuredSizes = {};
  for (const [type, b] of s.bytesByType)
    sizes[type] = { avgBytes: Math.round(b.bytes / b.count), count: b.count };
  return {
    series: s.series,
    histogram: s.ack.buckets(),
    percentiles: s.ack.percentilesRecord(),
    accounting: { ...s.classes },
    // `measured: false` tells a report that `actual` is a placeholder 0 (JSON has no NaN).
    thresholds: thresholds.map(({ metric, expression, ok, actual, measured }) => ({
      metric,
      expression,
      ok,
      actual: round(actual, 6),
      measured,
    })),
    targetRate: opt(s.targetRate()),
    achievedRate: opt(s.achievedRate()),
    endToEnd: o.e2e,
    dropped: s.dropped,
    messageSizes: sizes,
    histogramMode: o.histogramMode,
    ...(s.fhirRequests
      ? {
          fhir: {
            requests: s.fhirRequests,
            errors: s.fhirErrors,
            status: { ...s.fhirStatus },
            percentiles: s.fhir.percentilesRecord(),
          },
        }
      : {}),
  };
}

/** Flat figures under stable names, for the review template's rules (docs/review.md). */
function loadMeasurements(o: Observed, data: LoadRunData): Record<string, number> {
  const s = o.stats;
  const measurements: Record<string, number> = {
    sent: s.sent,
    dropped: s.dropped,
    errors: s.errors,
    ...prefixed('', data.percentiles, '_ms'),
  };
  if (data.achievedRate !== undefined) measurements.achieved_rate = data.achievedRate;
  if (data.targetRate !== undefined) measurements.target_rate = data.targetRate;
  if (o.e2e) for (const [k, v] of Object.entries(o.e2e.classes)) measurements[k] = v;
  if (s.fhirRequests) {
    measurements.fhir_requests = s.fhirRequests;
    measurements.fhir_errors = s.fhirErrors;
    Object.assign(measurements, prefixed('fhir_', s.fhir.percentilesRecord(), '_ms'));
  }
  return measurements;
}

function loadSummary(o: Observed, data: LoadRunData, thresholds: EvaluatedThreshold[]): string {
  const s = o.stats;
  const met = thresholds.filter((t) => t.ok).length;
  return `${s.sent} messages at ${fmt(data.achievedRate)}/s (target ${fmt(data.targetRate)}/s), p99 ${fmt(data.percentiles.p99)} ms, ${s.errors} without AA${o.e2e ? `, ${o.e2e.classes.lost} lost downstream` : ''}${s.fhirRequests ? `, ${s.fhirRequests} FHIR requests` : ''}; ${met}/${thresholds.length} thresholds met.`;
}

function opt(n: number | undefined): number | undefined {
  return n === undefined ? undefined : round(n, 2);
}

function prefixed(pre: string, rec: Record<string, number>, suf: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(rec)) out[`${pre}${k.replace('.', '_')}${suf}`] = v;
  return out;
}

function failoverResult(o: Observed, objectiveMs: number): FailoverCheckResult {
  const out = o.failover!.outcome;
  const rec = o.failover!.recoveryMs;
  const e = o.e2e;
  const s = o.stats;
  const { outcome, findings } = failoverVerdict(o, objectiveMs);
  return {
    check: `load.${o.lp.profile.name}.failover`,
    kind: 'failover',
    title: `Failover: ${out.action} under load (${o.lp.profile.name})`,
    domain: 'infrastructure',
    criteria: ['infrastructure.failover'],
    outcome,
    summary:
      outcome === 'error'
        ? `Inconclusive: ${findings[0]!.message}`
        : `${out.action}: ${rec === undefined ? 'did not recover before the run ended' : `recovered in ${fmt(rec)} ms`} (objective ${objectiveMs} ms); ${e?.classes.lost ?? 0} lost, ${e?.classes.duplicated ?? 0} duplicated; ${s.classes['connection-lost'] + s.classes.timeout} sends refused or unanswered during the outage.`,
    findings,
    measurements: {
      // recovery_s is the name the review template's failover rule reads (docs/review.md).
      ...(rec !== undefined
        ? { recovery_ms: round(rec, 1), recovery_s: round(rec / 1000, 3) }
        : {}),
      recovery_objective_ms: objectiveMs,
      lost: e?.classes.lost ?? 0,
      duplicated: e?.classes.duplicated ?? 0,
      connection_lost: s.classes['connection-lost'],
      timeouts: s.classes.timeout,
    },
    startedAt: new Date(out.startedEpoch ?? o.startedEpoch).toISOString(),
    // The outage window when the action ran; 0 when it never did.
    durationMs:
      out.startedAt !== undefined && out.completedAt !== undefined
        ? Math.round(out.completedAt - out.startedAt)
        : 0,
    data: { action: out.action, recoveryMs: rec, accounting: { ...s.classes }, endToEnd: e },
  };
}

/** Measured average message sizes of a load result (for projectStorage). */
export function measuredSizesOf(result: CheckResult): MeasuredSizes {
  return result.kind === 'load' ? (result.data?.messageSizes ?? {}) : {};
}
