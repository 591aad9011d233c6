/**
 * Accounting against small fakes: every sent message in exactly one ACK class; every AA result
 * in exactly one downstream class (delivered, lost, duplicated, reordered); failover with the
 * recovery time measured and loss across a restart counted.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  loadProfileText,
  runLoadProfile,
  startResponder,
  type LoadRunData,
} from '../../src/load/index.js';
import { startMllpListener, type MllpListener } from '../../src/transports/mllp/index.js';
import { startFakeTarget, type FakeOptions, type FakeTarget } from './fake-target.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function resultsProfile(extra = '', rate = 100, seconds = 2, connections = 2): string {
  return `
name: e2e
maxDuration: 20s
messages:
  result: { builtin: oru-r01, observations: 2 }
executors:
  analyzers:
    executor: constant-rate
    rate: ${rate}
    duration: ${seconds}s
    connections: ${connections}
    mix: { result: 1 }
    ackTimeout: 2s
thresholds:
  lost: ['count==0']
  duplicated: ['count==0']
  reordered: ['count==0']
endToEnd:
  capture: { drain: 3s }
${extra}`;
}

async function fake(o: Partial<FakeOptions>): Promise<{ fake: FakeTarget; capture: MllpListener }> {
  const capture = await startMllpListener({ port: 0 });
  const f = await startFakeTarget({ downstream: capture.address, ...o });
  cleanups.push(
    () => capture.close(0),
    () => f.stop(),
  );
  return { fake: f, capture };
}

async function run(
  text: string,
  f: FakeTarget,
  capture: MllpListener,
  control?: Record<string, () => Promise<void>>,
) {
  return runLoadProfile({
    profile: loadProfileText(text),
    target: { mllp: { host: '127.0.0.1', port: f.port }, capture, control },
  });
}

describe('downstream accounting', () => {
  it('a faithful target: every AA result delivered once, in order', async () => {
    const { fake: f, capture } = await fake({});
    const [r] = await run(resultsProfile(), f, capture);
    const d = r!.data as LoadRunData;
    expect(d.accounting.AA).toBe(200);
    expect(d.endToEnd!.classes).toEqual({ delivered: 200, lost: 0, duplicated: 0, reordered: 0 });
    expect(r!.outcome).toBe('pass');
  });

  it.each([
    [{ dropEvery: 10 }, { delivered: 180, lost: 20, duplicated: 0, reordered: 0 }, 'load.lost'],
    [
      { fileTwiceEvery: 25 },
      { delivered: 192, lost: 0, duplicated: 8, reordered: 0 },
      'load.duplicated',
    ],
    // Order is only defined per connection (MLLP): one connection, so a swap is a reorder.
    [{ swapEvery: 45 }, { delivered: 196, lost: 0, duplicated: 0, reordered: 4 }, 'load.threshold'],
  ])('detects %o', async (opts, classes, rule) => {
    const { fake: f, capture } = await fake(opts);
    const [r] = await run(resultsProfile('', 100, 2, 1), f, capture);
    const d = r!.data as LoadRunData;
    expect(d.endToEnd!.classes).toEqual(classes);
    expect(r!.outcome).toBe('fail');
    expect(r!.findings.map((x) => x.rule)).toContain(rule);
  });

  it('counts a same-MSH-10 redelivery apart from a duplicate', async () => {
    const { fake: f, capture } = await fake({ redeliverEvery: 20 });
    const [r] = await run(resultsProfile(), f, capture);
    const d = r!.data as LoadRunData;
    expect(d.endToEnd!.classes.duplicated).toBe(0);
    expect(d.endToEnd!.redelivered).toBe(10);
    expect(r!.outcome).toBe('pass');
  });
});

describe('ACK classes', () => {
  it('puts every sent message in exactly one class and counts timeouts', async () => {
    const codes = ['AA', 'AA', 'AE', 'AR', 'none'] as const;
    const resp = await startResponder({ ackCode: (n) => codes[n % codes.length]! });
    cleanups.push(() => resp.close());
    const text = `
name: classes
messages:
  adt: { builtin: adt-a04 }
executors:
  one:
    executor: constant-rate
    rate: 50
    duration: 2s
    mix: { adt: 1 }
    ackTimeout: 500ms
thresholds:
  errors: ['rate<0.01']
`;
    const [r] = await runLoadProfile({
      profile: loadProfileText(text),
      target: { mllp: { host: '127.0.0.1', port: resp.port } },
    });
    const d = r!.data as LoadRunData;
    expect(d.accounting).toEqual({
      AA: 40,
      AE: 20,
      AR: 20,
      timeout: 20,
      'connection-lost': 0,
      'invalid-ack': 0,
    });
    expect(Object.values(d.accounting).reduce((a, b) => a + b, 0)).toBe(r!.measurements.sent);
    expect(r!.outcome).toBe('fail');
    expect(d.thresholds[0]).toMatchObject({ metric: 'errors', ok: false, actual: 0.6 });
  });

  it('counts dropped iterations when too many messages wait for an ACK', async () => {
    const resp = await startResponder({ ackCode: () => 'none' });
    cleanups.push(() => resp.close());
    const text = `
name: dropped
messages:
  adt: { builtin: adt-a04 }
executors:
  one:
    executor: constant-rate
    rate: 100
    duration: 1s
    maxInFlight: 10
    mix: { adt: 1 }
    ackTimeout: 3s
thresholds:
  dropped_iterations: ['count==0']
`;
    const [r] = await runLoadProfile({
      profile: loadProfileText(text),
      target: { mllp: { host: '127.0.0.1', port: resp.port } },
    });
    const d = r!.data as LoadRunData;
    expect(r!.measurements.sent).toBe(10);
    expect(d.dropped).toBe(90);
    expect(d.accounting.timeout).toBe(10);
    expect(r!.outcome).toBe('fail');
  });

  it('an unreachable target is a UserError with exit code 3, before any load', async () => {
    const resp = await startResponder();
    const port = resp.port;
    await resp.close();
    const err = await runLoadProfile({
      profile: loadProfileText(
        resultsProfile()
          .replace(/endToEnd:[\s\S]*$/, '')
          .replace(/ {2}lost.*\n {2}dup.*\n {2}reo.*\n/, "  errors: ['rate<0.1']\n"),
      ),
      target: { mllp: { host: '127.0.0.1', port } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(3);
  });
});

describe('failover', () => {
  const failover = (action: string, extra = '') => `
failover:
  at: 1s
  action: ${action}
  pauseFor: 500ms
  recoveryObjective: 5s
${extra}`;

  it('restart of a durable target: recovery measured, nothing lost or duplicated', async () => {
    const { fake: f, capture } = await fake({ forwardDelayMs: 2 });
    const results = await run(resultsProfile(failover('restart'), 100, 3), f, capture, {
      restart: () => f.restart(),
    });
    expect(results).toHaveLength(2);
    const fo = results[1]!;
    expect(fo.kind).toBe('failover');
    expect(fo.criteria).toEqual(['infrastructure.failover']);
    expect(fo.measurements.recovery_ms).toBeGreaterThanOrEqual(100);
    expect(fo.measurements.recovery_ms).toBeLessThan(5000);
    expect(fo.measurements.lost).toBe(0);
    expect(fo.outcome).toBe('pass');
  });

  it('a restart that drops the unforwarded queue loses acknowledged messages', async () => {
    const { fake: f, capture } = await fake({ forwardDelayMs: 20, lossyRestart: true });
    const results = await run(resultsProfile(failover('restart'), 100, 3), f, capture, {
      restart: () => f.restart(),
    });
    const fo = results[1]!;
    expect(fo.measurements.lost).toBeGreaterThan(0);
    expect(fo.outcome).toBe('fail');
    expect(fo.findings.map((x) => x.rule)).toContain('failover.lost');
  });

  it('pause/resume through an HTTP control API: recovery covers the pause', async () => {
    const { fake: f, capture } = await fake({});
    const calls: string[] = [];
    const http = createServer((req, res) => {
      calls.push(req.url ?? '');
      const act =
        req.url === '/control/pause'
          ? f.pause()
          : req.url === '/control/resume'
            ? f.resume()
            : Promise.resolve();
      void act.then(() =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
      );
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => http.close(r)));
    const port = (http.address() as { port: number }).port;
    const via = `  via: { http: { url: 'http://127.0.0.1:${port}/control' } }\n`;
    const results = await run(resultsProfile(failover('pause-resume', via), 100, 3), f, capture);
    const fo = results[1]!;
    expect(calls).toEqual(['/control/pause', '/control/resume']);
    expect(fo.measurements.recovery_ms).toBeGreaterThanOrEqual(500);
    expect(fo.outcome).toBe('pass');
    // Sends during the pause were refused: counted, never as AA.
    const d = results[0]!.data as LoadRunData;
    expect(d.accounting['connection-lost']).toBeGreaterThan(0);
    expect(Object.values(d.accounting).reduce((a, b) => a + b, 0)).toBe(
      results[0]!.measurements.sent,
    );
  });

  it('a failover with no way to act on the target is inconclusive', async () => {
    const { fake: f, capture } = await fake({});
    const results = await run(resultsProfile(failover('restart'), 50, 2), f, capture);
    expect(results[1]!.outcome).toBe('error');
    expect(results[1]!.findings[0]!.message).toMatch(/no restart control/);
  });
});
