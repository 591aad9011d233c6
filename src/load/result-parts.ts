/**
 * The judgements inside load and failover results: which findings a run produced, when the
 * tool could not measure (`error`, inconclusive) and how a failover went. The system under
 * test missing a threshold is `fail`; the tool unable to measure is `error` (never mixed).
 */
import type { Finding, Outcome } from '../core/index.js';
import { n1 } from './histogram.js';
import type { Observed } from './result-types.js';
import type { evaluateThresholds } from './thresholds.js';

export type EvaluatedThreshold = ReturnType<typeof evaluateThresholds>[number];

/** A figure for a message or summary; `n/a` where nothing was measured. */
export const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : n1(n));

const METRIC_UNIT: Record<string, string> = {
  ack_latency: ' ms',
  fhir_latency: ' ms',
  recovery_time: ' ms',
};

function infraError(
  rule: string,
  message: string,
  action: string,
  detail?: Record<string, unknown>,
): Finding {
  return {
    rule,
    severity: 'error',
    domain: 'infrastructure',
    message,
    action,
    ...(detail ? { detail } : {}),
  };
}

function thresholdFindings(o: Observed, thresholds: EvaluatedThreshold[]): Finding[] {
  // A run that never happened has nothing to hold against its thresholds: it is inconclusive.
  if (o.skipped) return [];
  return thresholds
    .filter((t) => !t.ok)
    .map((t) =>
      infraError(
        'load.threshold',
        t.measured
          ? `${t.metric} missed ${t.expression}: actual ${fmt(t.actual)}${METRIC_UNIT[t.metric] ?? ''}`
          : `${t.metric} ${t.expression} could not be checked: nothing was measured`,
        'find the bottleneck (interface engine queue, database, network) and re-run before go-live',
      ),
    );
}

/** How the messages were checked downstream, in the words of a lost-message finding. */
function lostWhere(source: NonNullable<Observed['e2e']>['source']): string {
  if (source === 'capture') return 'never arrived downstream';
  if (source === 'fhir-lookup') return 'cannot be found over FHIR';
  return 'never arrived downstream or cannot be found over FHIR';
}

function deliveryFindings(o: Observed): Finding[] {
  const out: Finding[] = [];
  if (o.e2e && o.e2e.classes.lost > 0) {
    out.push(
      infraError(
        'load.lost',
        `${o.e2e.classes.lost} message(s) acknowledged with AA ${lostWhere(o.e2e.source)}: results the sender considers delivered are missing at the receiver`,
        'treat as a blocker: the interface must not ACK what it has not stored; check queues and restart behaviour',
        { examples: o.e2e.examples },
      ),
    );
  }
  if (o.e2e && o.e2e.classes.duplicated > 0) {
    out.push(
      infraError(
        'load.duplicated',
        `${o.e2e.classes.duplicated} message(s) arrived downstream more than once (duplicate results in the chart)`,
        'de-duplicate by MSH-10 at the receiver',
      ),
    );
  }
  return out;
}

/** Iterations not started are a warning: the schedule, not the target, gave up on them. */
function droppedFinding(o: Observed): Finding[] {
  const s = o.stats;
  if (s.dropped <= 0) return [];
  return [
    {
      rule: 'load.dropped',
      severity: 'warning',
      domain: 'infrastructure',
      message: `${s.dropped} iteration(s) were not started: ${o.hitDeadline ? 'the run reached maxDuration' : 'too many messages were waiting for an ACK (maxInFlight)'}`,
      action:
        'a target that cannot keep up queues work; raise maxInFlight only if the real senders would',
    },
  ];
}

/** The findings of a load result, in report order: thresholds, delivery, dropped iterations. */
export function loadFindings(o: Observed, thresholds: EvaluatedThreshold[]): Finding[] {
  return [...thresholdFindings(o, thresholds), ...deliveryFindings(o), ...droppedFinding(o)];
}

/**
 * Why the run measured nothing trustworthy, if so: the set-up before the run failed, or every
 * FHIR lookup failed (a failed lookup proves nothing either way). The later reason wins.
 */
export function inconclusiveReason(o: Observed): string | undefined {
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
  return toolError;
}

export function inconclusiveFinding(reason: string): Finding {
  return {
    rule: 'load.inconclusive',
    severity: 'error',
    domain: 'infrastructure',
    message: reason,
    action: 'fix the target set-up, then re-run',
  };
}

/**
 * How a failover went (infrastructure.failover): `error` when the action itself could not be
 * carried out; otherwise `fail` for no or slow recovery and for loss or duplication across it.
 */
export function failoverVerdict(
  o: Observed,
  objectiveMs: number,
): { outcome: Outcome; findings: Finding[] } {
  const out = o.failover!.outcome;
  const rec = o.failover!.recoveryMs;
  const e = o.e2e;
  const findings: Finding[] = [];
  const add = (rule: string, message: string, action: string) =>
    findings.push({ rule, severity: 'error', domain: 'infrastructure', message, action });
  if (out.error || out.startedAt === undefined) {
    add(
      'failover.action',
      `the ${out.action} could not be carried out: ${out.error ?? 'the run ended before it was due'}`,
      'check the control hook of the target',
    );
    return { outcome: 'error', findings };
  }
  if (rec === undefined) {
    add(
      'failover.no-recovery',
      `the target did not acknowledge again after the ${out.action} before the run ended`,
      'check the restart procedure and the senders\u2019 reconnect behaviour',
    );
  } else if (rec > objectiveMs) {
    add(
      'failover.slow-recovery',
      `recovery took ${fmt(rec)} ms, over the objective of ${objectiveMs} ms`,
      'shorten the restart/switch-over time or revise the recovery objective with the business',
    );
  }
  if (e && e.classes.lost > 0) {
    add(
      'failover.lost',
      `${e.classes.lost} acknowledged message(s) were lost across the ${out.action}`,
      'persist before ACK; replay the outbound queue after restart',
    );
  }
  if (e && e.classes.duplicated > 0) {
    add(
      'failover.duplicated',
      `${e.classes.duplicated} message(s) were delivered twice across the ${out.action}`,
      'de-duplicate by MSH-10 after restart',
    );
  }
  // Every finding past the action is a failure of the system under test.
  return { outcome: findings.length > 0 ? 'fail' : 'pass', findings };
}
