/**
 * Accounting against small fakes: every sent message in exactly one ACK class; every AA result
 * in exactly one downstream class (delivered, lost, duplicated, reordered); failover with the
 * recovery time measured and loss across a restart counted.
 *
 * These runs send at a real rate over real sockets (the load engine paces on performance.now()),
 * so no assertion here bounds how long anything took: recovery times are checked only from below
 * (they include the pause or restart the test imposed), objectives a test expects to be met are
 * the run's whole length, and drain waits are short where messages are known to be lost.
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

/**
 * A constant-rate ORU profile checked end to end. `drain` is how long to wait for AA messages
 * still missing downstream: the wait ends as soon as all have arrived, so it only costs time
 * when messages are really lost.
 */
function resultsProfile(
  extra = '',
  rate = 100,
  seconds = 2,
  connections = 2,
  drain = '3s',
): string {
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
  capture: { drain: ${drain} }
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
    // Lost messages never arrive: a short drain (the delivered ones are in long before).
    const drain = 'dropEvery' in opts ? '1s' : '3s';
    const [r] = await run(resultsProfile('', 100, 2, 1, drain), f, capture);
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
    // No ACK ever comes and the wait for one outlasts the 1 s run: the first 10 hold every slot.
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
    ackTimeout: 2s
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
  /**
   * A failover half a second into a 2 s run. The objective is the run's maxDuration unless a
   * test is about missing it: recovery is measured inside the run, so it always meets that
   * objective, and a pass never depends on how fast this machine is.
   */
  const failover = (action: string, extra = '', objective = '20s') => `
failover:
  at: 500ms
  action: ${action}
  pauseFor: 500ms
  recoveryObjective: ${objective}
${extra}`;

  it('restart of a durable target: recovery measured, nothing lost or duplicated', async () => {
    const { fake: f, capture } = await fake({ forwardDelayMs: 2 });
    const results = await run(resultsProfile(failover('restart'), 100, 2), f, capture, {
      restart: () => f.restart(),
    });
    expect(results).toHaveLength(2);
    const fo = results[1]!;
    expect(fo.kind).toBe('failover');
    expect(fo.criteria).toEqual(['infrastructure.failover']);
    // The fake's restart takes 100 ms: recovery includes it.
    expect(fo.measurements.recovery_ms).toBeGreaterThanOrEqual(100);
    expect(fo.measurements.recovery_objective_ms).toBe(20_000);
    expect(fo.measurements.lost).toBe(0);
    expect(fo.outcome).toBe('pass');
  });

  it('a restart that drops the unforwarded queue loses acknowledged messages', async () => {
    const { fake: f, capture } = await fake({ forwardDelayMs: 20, lossyRestart: true });
    // Lost messages never arrive: a short drain.
    const profile = resultsProfile(failover('restart'), 100, 2, 2, '1s');
    const results = await run(profile, f, capture, { restart: () => f.restart() });
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
    const results = await run(resultsProfile(failover('pause-resume', via), 100, 2), f, capture);
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

  it('a recovery objective shorter than the outage is missed (slow recovery)', async () => {
    const { fake: f, capture } = await fake({});
    // The target is paused for 500 ms: no recovery can meet 100 ms, however fast the machine.
    const profile = resultsProfile(failover('pause-resume', '', '100ms'), 50, 2);
    const results = await run(profile, f, capture, {
      pause: () => f.pause(),
      resume: () => f.resume(),
    });
    const fo = results[1]!;
    expect(fo.measurements.recovery_ms).toBeGreaterThanOrEqual(500);
    expect(fo.outcome).toBe('fail');
    expect(fo.findings.map((x) => x.rule)).toEqual(['failover.slow-recovery']);
    expect(fo.findings[0]!.message).toMatch(/over the objective of 100 ms/);
  });

  it('a failover with no way to act on the target is inconclusive', async () => {
    const { fake: f, capture } = await fake({});
    const results = await run(resultsProfile(failover('restart'), 50, 2), f, capture);
    expect(results[1]!.outcome).toBe('error');
    expect(results[1]!.findings[0]!.message).toMatch(/no restart control/);
  });
});
