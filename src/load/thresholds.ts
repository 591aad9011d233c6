/**
 * Threshold grammar of load profiles, e.g. `ack_latency: ["p(99)<500ms"]`, `errors: ["rate<0.001"]`,
 * `lost: ["count==0"]`. One expression is `AGGREGATION OPERATOR NUMBER [UNIT]`:
 *   aggregation  p(N) | avg | min | max | med | count | rate | value
 *   operator     < <= > >= == !=
 *   unit         ms | s | m for time metrics (default ms); % for rates
 * Which aggregations a metric accepts is fixed per metric (METRICS), so a typo is caught when the
 * profile is loaded, not after a twenty-minute run.
 */
import type { ThresholdResult } from '../core/index.js';

export type MetricKind = 'time' | 'count' | 'value';

export interface MetricSpec {
  kind: MetricKind;
  aggregations: readonly string[];
  description: string;
}

const TIME_AGGS = ['p', 'avg', 'min', 'max', 'med'] as const;
const COUNT_AGGS = ['count', 'rate'] as const;

export const METRICS: Record<string, MetricSpec> = {
  ack_latency: {
    kind: 'time',
    aggregations: TIME_AGGS,
    description: 'MLLP send to ACK, from the intended send time',
  },
  fhir_latency: {
    kind: 'time',
    aggregations: TIME_AGGS,
    description: 'FHIR request to response (concurrent users)',
  },
  recovery_time: {
    kind: 'time',
    aggregations: ['value', 'max'],
    description: 'failover action to the first AA after it',
  },
  errors: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'sent messages without AA (AE, AR, timeout, connection lost, invalid ACK)',
  },
  timeouts: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'messages with no ACK in time',
  },
  connection_lost: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'messages whose connection was refused or dropped',
  },
  dropped_iterations: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'iterations the generator could not start (rate over sent + dropped)',
  },
  lost: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'acknowledged (AA) messages never delivered downstream',
  },
  duplicated: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'messages delivered downstream more than once',
  },
  reordered: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'messages delivered out of their sending order',
  },
  fhir_errors: {
    kind: 'count',
    aggregations: COUNT_AGGS,
    description: 'FHIR requests that failed or had an unexpected status',
  },
  achieved_rate: {
    kind: 'value',
    aggregations: ['value'],
    description: 'messages sent per second over the run',
  },
};

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  metric: string;
  expression: string;
  aggregation: string;
  /** For `p(N)`: the percentile N. */
  percentile?: number;
  op: Operator;
  /** In milliseconds for time metrics; a fraction (0..1) for rates given with %. */
  value: number;
  /** Added by golive (DEFAULT_THRESHOLDS), not written in the profile. */
  isDefault?: boolean;
}

export class ThresholdSyntaxError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ThresholdSyntaxError';
  }
}

const EXPR =
  /^\s*([a-z]+)\s*(?:\(\s*([0-9.]+)\s*\))?\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*([a-z%]*)\s*$/i;
const UNIT_MS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/** Parse one threshold expression for a metric. Throws ThresholdSyntaxError with a hint. */
export function parseThreshold(metric: string, expression: string): Threshold {
  const spec = METRICS[metric];
  if (!spec) {
    throw new ThresholdSyntaxError(
      `unknown metric "${metric}"`,
      `metrics: ${Object.keys(METRICS).join(', ')}`,
    );
  }
  const m = EXPR.exec(expression);
  if (!m) {
    const p = /^\s*p\s*([0-9.]+)/i.exec(expression);
    throw new ThresholdSyntaxError(
      `cannot read threshold "${expression}" of ${metric}`,
      p
        ? `write the percentile in parentheses: p(${p[1]})${expression.slice(p[0].length)}`
        : `expected AGGREGATION OPERATOR NUMBER[UNIT], e.g. ${example(spec)}`,
    );
  }
  const [, aggRaw, pctRaw, op, numRaw, unitRaw] = m;
  const aggregation = aggRaw!.toLowerCase();
  const unit = unitRaw!.toLowerCase();
  if (!spec.aggregations.includes(aggregation)) {
    throw new ThresholdSyntaxError(
      `${metric} has no aggregation "${aggregation}"`,
      `use one of: ${spec.aggregations.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')}`,
    );
  }
  let percentile: number | undefined;
  if (aggregation === 'p') {
    percentile = pctRaw === undefined ? NaN : Number(pctRaw);
    if (!(percentile > 0 && percentile <= 100)) {
      throw new ThresholdSyntaxError(
        `percentile in "${expression}" must be in (0, 100]`,
        'e.g. p(99)<500ms or p(99.9)<2s',
      );
    }
  } else if (pctRaw !== undefined) {
    throw new ThresholdSyntaxError(
      `"${aggregation}" takes no argument in "${expression}"`,
      `write ${aggregation}${op}${numRaw}${unit}`,
    );
  }
  let value = Number(numRaw);
  if (spec.kind === 'time') {
    const f = UNIT_MS[unit];
    if (f === undefined) {
      throw new ThresholdSyntaxError(
        `unit "${unit}" is not a time unit in "${expression}"`,
        'use ms, s or m (milliseconds when omitted)',
      );
    }
    value *= f;
  } else if (unit === '%') {
    if (aggregation !== 'rate') {
      throw new ThresholdSyntaxError(
        `"%" applies to rate only in "${expression}"`,
        `e.g. ${metric}: ["rate<0.1%"]`,
      );
    }
    value /= 100;
  } else if (unit !== '') {
    throw new ThresholdSyntaxError(
      `${metric} takes no unit ("${unit}") in "${expression}"`,
      aggregation === 'rate'
        ? 'a rate is a fraction (0.001) or a percentage (0.1%)'
        : 'drop the unit',
    );
  }
  return { metric, expression, aggregation, percentile, op: op as Operator, value };
}

function example(spec: MetricSpec): string {
  if (spec.kind === 'time') return 'p(99)<500ms';
  if (spec.kind === 'value') return 'value>=100';
  return 'rate<0.001 or count==0';
}

/** What the run measured, in the units thresholds compare against. */
export interface MetricSource {
  /** Time metrics: value at a percentile (ms), undefined when nothing was recorded. */
  time(metric: string, aggregation: string, percentile?: number): number | undefined;
  /** Count metrics: the count and the denominator for rates. */
  count(metric: string): { count: number; of: number } | undefined;
  value(metric: string): number | undefined;
}

/**
 * Thresholds every profile has unless it sets the metric itself: the load's own accounting.
 * An iteration the generator could not start is load that was planned and never applied, so a
 * run that dropped any did not show the target carries the profile (fail-closed). A profile
 * that accepts some writes its own, e.g. `dropped_iterations: ['rate<1%']`.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, readonly string[]>> = {
  dropped_iterations: ['count==0'],
};

/** The profile's thresholds plus each default whose metric the profile does not set. */
export function withDefaultThresholds(own: readonly Threshold[]): Threshold[] {
  const set = new Set(own.map((t) => t.metric));
  const defaults = Object.entries(DEFAULT_THRESHOLDS)
    .filter(([metric]) => !set.has(metric))
    .flatMap(([metric, exprs]) =>
      exprs.map((e) => ({ ...parseThreshold(metric, e), isDefault: true })),
    );
  return [...own, ...defaults];
}

export function compare(actual: number, op: Operator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/**
 * Evaluate thresholds. A metric with no measurement (no latency sample because nothing was
 * acknowledged) is not met: a threshold that cannot be checked never passes. `actual` is then 0
 * (results are JSON, which has no NaN) and `measured` is false.
 */
export function evaluateThresholds(
  thresholds: readonly Threshold[],
  source: MetricSource,
): (ThresholdResult & { measured: boolean })[] {
  return thresholds.map((t) => {
    const spec = METRICS[t.metric]!;
    let actual: number | undefined;
    if (spec.kind === 'time') actual = source.time(t.metric, t.aggregation, t.percentile);
    else if (spec.kind === 'value') actual = source.value(t.metric);
    else {
      const c = source.count(t.metric);
      if (c) actual = t.aggregation === 'count' ? c.count : c.of > 0 ? c.count / c.of : 0;
    }
    const ok = actual !== undefined && Number.isFinite(actual) && compare(actual, t.op, t.value);
    const measured = actual !== undefined && Number.isFinite(actual);
    return {
      metric: t.metric,
      expression: t.isDefault ? `${t.expression} (golive default)` : t.expression,
      ok,
      actual: measured ? actual! : 0,
      measured,
    };
  });
}
