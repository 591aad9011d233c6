import { describe, expect, it } from 'vitest';
import {
  evaluateThresholds,
  parseThreshold,
  ThresholdSyntaxError,
  type MetricSource,
} from '../../src/load/thresholds.js';

describe('threshold grammar', () => {
  it.each([
    ['ack_latency', 'p(99)<500ms', { aggregation: 'p', percentile: 99, op: '<', value: 500 }],
    ['ack_latency', 'p(99.9) <= 2s', { aggregation: 'p', percentile: 99.9, op: '<=', value: 2000 }],
    ['ack_latency', 'avg<120', { aggregation: 'avg', op: '<', value: 120 }],
    ['fhir_latency', 'med < 1.5s', { aggregation: 'med', op: '<', value: 1500 }],
    ['errors', 'rate<0.001', { aggregation: 'rate', op: '<', value: 0.001 }],
    ['errors', 'rate<0.1%', { aggregation: 'rate', op: '<', value: 0.001 }],
    ['lost', 'count==0', { aggregation: 'count', op: '==', value: 0 }],
    ['duplicated', 'count != 1', { aggregation: 'count', op: '!=', value: 1 }],
    ['recovery_time', 'value<30s', { aggregation: 'value', op: '<', value: 30_000 }],
    ['achieved_rate', 'value>=95', { aggregation: 'value', op: '>=', value: 95 }],
  ])('%s %s', (metric, expr, want) => {
    const t = parseThreshold(metric, expr);
    expect(t).toMatchObject({ metric, expression: expr, ...want });
    expect(t.value).toBeCloseTo(want.value, 9);
  });

  it.each([
    ['ack_latncy', 'p(99)<500ms', /unknown metric "ack_latncy"/, /ack_latency/],
    ['ack_latency', 'p99<500ms', /cannot read threshold/, /p\(99\)<500ms/],
    ['ack_latency', 'p(0)<5ms', /percentile .* must be in \(0, 100\]/, /p\(99\)/],
    ['ack_latency', 'p(101)<5ms', /must be in/, /./],
    ['ack_latency', 'count==0', /has no aggregation "count"/, /p\(N\), avg/],
    ['ack_latency', 'p(99)<500kg', /not a time unit/, /ms, s or m/],
    ['errors', 'rate<0.1s', /takes no unit/, /fraction/],
    ['lost', 'count==0%', /applies to rate only/, /rate<0.1%/],
    ['lost', 'p(99)<1', /has no aggregation "p"/, /count, rate/],
    ['errors', 'rate 0.1', /cannot read/, /AGGREGATION OPERATOR NUMBER/],
    ['errors', 'rate=<0.1', /cannot read/, /./],
    ['errors', 'count(5)<1', /takes no argument/, /count<1/],
  ])('%s %s is refused clearly', (metric, expr, msg, hint) => {
    let err: unknown;
    try {
      parseThreshold(metric, expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThresholdSyntaxError);
    expect((err as ThresholdSyntaxError).message).toMatch(msg);
    expect((err as ThresholdSyntaxError).hint).toMatch(hint);
  });

  it('evaluates against measurements; an unmeasured metric is never met', () => {
    const src: MetricSource = {
      time: (m, agg, p) => (m === 'ack_latency' && agg === 'p' && p === 99 ? 420 : undefined),
      count: (m) =>
        m === 'errors' ? { count: 2, of: 1000 } : m === 'lost' ? { count: 0, of: 600 } : undefined,
      value: () => undefined,
    };
    const r = evaluateThresholds(
      [
        parseThreshold('ack_latency', 'p(99)<500ms'),
        parseThreshold('ack_latency', 'p(99)<400ms'),
        parseThreshold('errors', 'rate<0.001'),
        parseThreshold('errors', 'count<=2'),
        parseThreshold('lost', 'count==0'),
        parseThreshold('fhir_latency', 'p(95)<1s'),
      ],
      src,
    );
    expect(r.map((x) => x.ok)).toEqual([true, false, false, true, true, false]);
    expect(r[2]!.actual).toBeCloseTo(0.002);
    expect(r[5]).toMatchObject({ measured: false, actual: 0 });
  });
});
