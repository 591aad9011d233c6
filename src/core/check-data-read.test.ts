import { describe, expect, it } from 'vitest';
import {
  dataOf,
  dataProblem,
  readFailoverData,
  readLoadData,
  readProbeData,
  readScenarioData,
  stepsOf,
} from './check-data-read.js';
import type { CheckKind, CheckResult, CheckResultBase, StoredCheckResult } from './evidence.js';

function stored(kind: CheckKind, data?: unknown): StoredCheckResult {
  return {
    check: `chk.${kind}`,
    kind,
    title: kind,
    domain: 'workflow',
    criteria: [],
    outcome: 'pass',
    summary: 's',
    findings: [],
    measurements: {},
    startedAt: '2026-11-26T08:00:00.000Z',
    durationMs: 1,
    ...(data !== undefined ? { data } : {}),
  };
}

const STEP = {
  index: 1,
  type: 'send',
  title: 'Send the order',
  outcome: 'pass',
  message: 'AA',
  startedAt: '2026-11-26T08:00:00.000Z',
  durationMs: 3,
  exchangeIds: ['x-1'],
};

describe('readScenarioData (stored scenario data)', () => {
  it('reads the documented shape into a fresh value', () => {
    const data = {
      steps: [STEP],
      variables: { mrn: 'M1' },
      notApplicable: { step: 1, reason: 'no search', manualEvidence: 'a screenshot' },
    };
    const read = readScenarioData(stored('scenario', data));
    expect(read).toEqual({ state: 'ok', data });
    expect(dataOf(read)).not.toBe(data);
  });

  it('says nothing for another kind, or a scenario with no data', () => {
    expect(readScenarioData(stored('load', { steps: [STEP] }))).toEqual({ state: 'none' });
    expect(readScenarioData(stored('scenario'))).toEqual({ state: 'none' });
  });

  it('says why data of the wrong shape is unreadable', () => {
    const why = (data: unknown) => dataProblem(stored('scenario', data));
    expect(why(5)).toBe('data is not an object');
    expect(why({})).toBe('data.steps is missing');
    expect(why({ steps: 'all' })).toBe('data.steps is not a list');
    expect(why({ steps: [{ ...STEP, outcome: 'ok' }] })).toBe(
      'data.steps[0].outcome is not pass, fail, error or skip',
    );
    expect(why({ steps: [STEP, { ...STEP, title: 7 }] })).toBe('data.steps[1].title is not text');
    expect(why({ steps: [STEP], notApplicable: { reason: 'x' } })).toBe(
      'data.notApplicable.step is not a number',
    );
    expect(why({ steps: [{ ...STEP, exchangeIds: [1] }] })).toBe(
      'data.steps[0].exchangeIds[0] is not text',
    );
  });

  it('reads a step without exchange ids as a step with none', () => {
    const { exchangeIds: _x, ...step } = STEP;
    const read = readScenarioData(stored('scenario', { steps: [step] }));
    expect(dataOf(read)?.steps[0]?.exchangeIds).toEqual([]);
  });
});

describe('readers of other kinds', () => {
  const LOAD = {
    series: [{ t: 1, sent: 5, completed: 5, errors: 0, p50: 1, p90: 2, p99: 3, max: 4 }],
    histogram: [{ upToMs: 10, count: 5 }],
    percentiles: { p99: 3 },
    accounting: { AA: 5 },
    thresholds: [{ metric: 'p99_ms', expression: 'p99 < 500', ok: true, actual: 3 }],
    targetRate: 5,
  };

  it('load: reads the documented shape, defaults the optional maps and lists', () => {
    expect(dataOf(readLoadData(stored('load', LOAD)))).toEqual(LOAD);
    expect(dataOf(readLoadData(stored('load', { series: [], histogram: [] })))).toEqual({
      series: [],
      histogram: [],
      percentiles: {},
      accounting: {},
      thresholds: [],
    });
    expect(dataProblem(stored('load', { ...LOAD, accounting: { AA: 'five' } }))).toBe(
      'data.accounting.AA is not a number',
    );
    expect(dataProblem(stored('load', { histogram: [] }))).toBe('data.series is not a list');
  });

  it('failover: the action and the recovery, when measured', () => {
    expect(dataOf(readFailoverData(stored('failover', { action: 'restart' })))).toEqual({
      action: 'restart',
    });
    expect(
      dataOf(readFailoverData(stored('failover', { action: 'restart', recoveryMs: 12 }))),
    ).toEqual({ action: 'restart', recoveryMs: 12 });
    expect(dataProblem(stored('failover', { recoveryMs: '12' }))).toBe(
      'data.recoveryMs is not a number',
    );
  });

  it('probe: searches with a known support value, coverage, the FHIR server', () => {
    const probe = {
      fhir: { baseUrl: 'http://127.0.0.1:1/fhir', capabilityStatement: true, types: ['Patient'] },
      searches: [
        { lookup: 'results', strategy: 'based-on', query: 'q', support: 'supported', detail: 'd' },
      ],
      coverage: [{ scenario: 'order.cancel', title: 't', exercisable: true, why: 'w' }],
    };
    expect(dataOf(readProbeData(stored('probe', probe)))).toEqual(probe);
    const bad = { ...probe, searches: [{ ...probe.searches[0], support: 'maybe' }] };
    expect(dataProblem(stored('probe', bad))).toMatch(
      /^data\.searches\[0\]\.support is not one of/,
    );
  });

  it('has nothing to say about kinds nobody reads, or readable data', () => {
    expect(dataProblem(stored('access', 5))).toBeUndefined();
    expect(dataProblem(stored('load', LOAD))).toBeUndefined();
    expect(dataProblem(stored('scenario'))).toBeUndefined();
  });
});

describe('stepsOf (a result made in this process)', () => {
  it('gives the steps of a scenario and none for other kinds', () => {
    const {
      kind: _k,
      data: _d,
      ...base
    }: CheckResultBase & Partial<StoredCheckResult> = stored('scenario');
    const scenario: CheckResult = {
      ...base,
      kind: 'scenario',
      data: { steps: [{ ...STEP, outcome: 'pass' }] },
    };
    const storage: CheckResult = { ...base, kind: 'storage' };
    expect(stepsOf(scenario).map((s) => s.title)).toEqual(['Send the order']);
    expect(stepsOf(storage)).toEqual([]);
  });
});
