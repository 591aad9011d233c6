/**
 * Turn what a run observed into CheckResults: one `load` result (criteria from the profile,
 * by default infrastructure.peak-load) and, when the profile had a failover action, one
 * `failover` result (infrastructure.failover). The system under test missing a threshold is
 * `fail`; the tool unable to measure (prepare or control action failed, lookup unreachable)
 * is `error`.
 */
import type { CheckResult, Finding, LoadData, Outcome } from '../core/index.js';
import type { FailoverRun } from './control.js';
import type { E2eClass } from './end-to-end.js';
import { n1, round } from './histogram.js';
import type { LoadedProfile } from './profile.js';
import type { MeasuredSizes } from './storage.js';
import type { PrepareOutcome } from './prepare.js';
import type { RunStats } from './stats.js';
import { evaluateThresholds, type MetricSource } from './thresholds.js';

export interface E2eSummary {
  source: 'capture' | 'fhir-lookup' | 'capture+fhir-lookup';
  /** Every AA message checked, in exactly one class. */
  classes: Record<E2eClass, number>;
  /** Messages that reached the receiver although they were not acknowledged with AA. */
  unacknowledgedDelivered: number;
  /** Same MSH-10 delivered again (at-least-once redelivery, removed by the receiver). */
  redelivered: number;
  /** FHIR lookup outcomes; `failed` proves nothing either way. */
  lookup?: { found: number; missing: number; duplicated: number; failed: number };
  /** Keys of some lost messages. */
  examples: string[];
}

/** `data` of a load result: LoadData plus what golive adds to it. */
export interface LoadRunData extends LoadData {
  endToEnd?: E2eSummary;
  dropped: number;
  fhir?: {
    requests: number;
    errors: number;
    status: Record<string, number>;
    percentiles: Record<string, number>;
  };
  messageSizes: MeasuredSizes;
  histogramMode: 'wasm' | 'js';
}

export interface Observed {
  lp: LoadedProfile;
  stats: RunStats;
  e2e?: E2eSummary;
  failover?: FailoverRun;
  prepare?: PrepareOutcome;
  /** The measured run did not happen (preparation failed). */
  skipped?: boolean;
  startedEpoch: number;
  durationMs: number;
  hitDeadline: boolean;
  histogramMode: 'wasm' | 'js';
}

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

const f = (n: number | undefined) => (n === undefined ? 'n/a' : n1(n));

export function buildResults(o: Observed): CheckResult[] {
  const { lp, stats: s } = o;
  const p = lp.profile;
  const thresholds = evaluateThresholds(lp.thresholds, metricSource(o));
  const findings: Finding[] = [];
  const finding = (
    rule: string,
    message: string,
    action: string,
    detail?: Record<string, unknown>,
  ): void => {
    findings.push({
      rule,
      severity: 'error',
      domain: 'infrastructure',
      message,
      action,
      ...(detail ? { detail } : {}),
    });
  };
  for (const t of o.skipped ? [] : thresholds.filter((x) => !x.ok)) {
    finding(
      'load.threshold',
      t.measured
        ? `${t.metric} missed ${t.expression}: actual ${f(t.actual)}${METRIC_UNIT[t.metric] ?? ''}`
        : `${t.metric} ${t.expression} could not be checked: nothing was measured`,
      'find the bottleneck (interface engine queue, database, network) and re-run before go-live',
    );
  }
  if (o.e2e && o.e2e.classes.lost > 0) {
    finding(
      'load.lost',
      `${o.e2e.classes.lost} message(s) acknowledged with AA ${o.e2e.source === 'capture' ? 'never arrived downstream' : o.e2e.source === 'fhir-lookup' ? 'cannot be found over FHIR' : 'never arrived downstream or cannot be found over FHIR'}: results the sender considers delivered are missing at the receiver`,
      'treat as a blocker: the interface must not ACK what it has not stored; check queues and restart behaviour',
      { examples: o.e2e.examples },
    );
  }
  if (o.e2e && o.e2e.classes.duplicated > 0) {
    finding(
      'load.duplicated',
      `${o.e2e.classes.duplicated} message(s) arrived downstream more than once (duplicate results in the chart)`,
      'de-duplicate by MSH-10 at the receiver',
    );
  }
  if (s.dropped > 0) {
    findings.push({
      rule: 'load.dropped',
      severity: 'warning',
      domain: 'infrastructure',
      message: `${s.dropped} iteration(s) were not started: ${o.hitDeadline ? 'the run reached maxDuration' : 'too many messages were waiting for an ACK (maxInFlight)'}`,
      action:
        'a target that cannot keep up queues work; raise maxInFlight only if the real senders would',
    });
  }
  let toolError: string | undefined;
  const prep = o.prepare;
  if (prep && prep.ok < prep.wanted) {
    const why = prep.timedOut
      ? `the target was too slow: ${prep.ok} of ${prep.wanted} in ${Math.round(prep.durationMs / 1000)} s (maxDuration)`
      : `only ${prep.ok} of ${prep.wanted} were accepted (${Object.entries(prep.failed)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}${prep.example ? `; e.g. ${prep.example}` : ''})`;
    toolError = `the patients and orders the results refer to could not be set up before the run: ${why}; nothing was measured`;
  }
  const lk = o.e2e?.lookup;
  if (lk && lk.failed > 0 && lk.found + lk.missing + lk.duplicated === 0) {
    toolError = 'every FHIR lookup failed: what the target stored could not be checked';
  }
  const outcome: Outcome = toolError ? 'error' : thresholds.every((t) => t.ok) ? 'pass' : 'fail';
  if (toolError) {
    findings.unshift({
      rule: 'load.inconclusive',
      severity: 'error',
      domain: 'infrastructure',
      message: toolError,
      action: 'fix the target set-up, then re-run',
    });
  }

  const sizes: MeasuredSizes = {};
  for (const [type, b] of s.bytesByType)
    sizes[type] = { avgBytes: Math.round(b.bytes / b.count), count: b.count };
  const pct = s.ack.percentilesRecord();
  const data: LoadRunData = {
    series: s.series,
    histogram: s.ack.buckets(),
    percentiles: pct,
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
  const measurements: Record<string, number> = {
    sent: s.sent,
    dropped: s.dropped,
    errors: s.errors,
    ...prefixed('', pct, '_ms'),
  };
  if (data.achievedRate !== undefined) measurements.achieved_rate = data.achievedRate;
  if (data.targetRate !== undefined) measurements.target_rate = data.targetRate;
  if (o.e2e) for (const [k, v] of Object.entries(o.e2e.classes)) measurements[k] = v;
  if (s.fhirRequests) {
    measurements.fhir_requests = s.fhirRequests;
    measurements.fhir_errors = s.fhirErrors;
    Object.assign(measurements, prefixed('fhir_', s.fhir.percentilesRecord(), '_ms'));
  }
  const title = p.title ?? `Load profile ${p.name}`;
  const met = thresholds.filter((t) => t.ok).length;
  const load: CheckResult = {
    check: `load.${p.name}`,
    kind: 'load',
    title,
    domain: 'infrastructure',
    criteria: p.criteria,
    outcome,
    summary:
      outcome === 'error'
        ? `Inconclusive: ${toolError}`
        : `${s.sent} messages at ${f(data.achievedRate)}/s (target ${f(data.targetRate)}/s), p99 ${f(pct.p99)} ms, ${s.errors} without AA${o.e2e ? `, ${o.e2e.classes.lost} lost downstream` : ''}${s.fhirRequests ? `, ${s.fhirRequests} FHIR requests` : ''}; ${met}/${thresholds.length} thresholds met.`,
    findings,
    measurements,
    startedAt: new Date(o.startedEpoch).toISOString(),
    durationMs: Math.round(o.durationMs),
    data,
  };
  const out = [load];
  if (p.failover && o.failover) out.push(failoverResult(o, p.failover.recoveryObjective));
  return out;
}

const METRIC_UNIT: Record<string, string> = {
  ack_latency: ' ms',
  fhir_latency: ' ms',
  recovery_time: ' ms',
};

function opt(n: number | undefined): number | undefined {
  return n === undefined ? undefined : round(n, 2);
}

function prefixed(pre: string, rec: Record<string, number>, suf: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(rec)) out[`${pre}${k.replace('.', '_')}${suf}`] = v;
  return out;
}

function failoverResult(o: Observed, objectiveMs: number): CheckResult {
  const fo = o.failover!;
  const out = fo.outcome;
  const rec = fo.recoveryMs;
  const e = o.e2e;
  const findings: Finding[] = [];
  const add = (rule: string, message: string, action: string) =>
    findings.push({ rule, severity: 'error', domain: 'infrastructure', message, action });
  let outcome: Outcome = 'pass';
  if (out.error || out.startedAt === undefined) {
    outcome = 'error';
    add(
      'failover.action',
      `the ${out.action} could not be carried out: ${out.error ?? 'the run ended before it was due'}`,
      'check the control hook of the target',
    );
  } else {
    if (rec === undefined) {
      outcome = 'fail';
      add(
        'failover.no-recovery',
        `the target did not acknowledge again after the ${out.action} before the run ended`,
        'check the restart procedure and the senders\u2019 reconnect behaviour',
      );
    } else if (rec > objectiveMs) {
      outcome = 'fail';
      add(
        'failover.slow-recovery',
        `recovery took ${f(rec)} ms, over the objective of ${objectiveMs} ms`,
        'shorten the restart/switch-over time or revise the recovery objective with the business',
      );
    }
    if (e && e.classes.lost > 0) {
      outcome = 'fail';
      add(
        'failover.lost',
        `${e.classes.lost} acknowledged message(s) were lost across the ${out.action}`,
        'persist before ACK; replay the outbound queue after restart',
      );
    }
    if (e && e.classes.duplicated > 0) {
      outcome = 'fail';
      add(
        'failover.duplicated',
        `${e.classes.duplicated} message(s) were delivered twice across the ${out.action}`,
        'de-duplicate by MSH-10 after restart',
      );
    }
  }
  const s = o.stats;
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
        : `${out.action}: ${rec === undefined ? 'did not recover before the run ended' : `recovered in ${f(rec)} ms`} (objective ${objectiveMs} ms); ${e?.classes.lost ?? 0} lost, ${e?.classes.duplicated ?? 0} duplicated; ${s.classes['connection-lost'] + s.classes.timeout} sends refused or unanswered during the outage.`,
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
    durationMs:
      out.startedAt !== undefined && out.completedAt !== undefined
        ? Math.round(out.completedAt - out.startedAt)
        : 0,
    data: { action: out.action, recoveryMs: rec, accounting: { ...s.classes }, endToEnd: e },
  };
}

/** Measured average message sizes of a load result (for projectStorage). */
export function measuredSizesOf(result: CheckResult): MeasuredSizes {
  const d = result.data as Partial<LoadRunData> | undefined;
  return d?.messageSizes ?? {};
}
