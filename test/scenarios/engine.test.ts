/**
 * The engine against small fakes (an MLLP receiver, an HTTP/FHIR peer): outcomes, messages,
 * exchanges, polling, concurrency. The real reference site is in acceptance.test.ts.
 *
 * Time: steps read Date.now() and wait with setTimeout (polling backoff, deadlines, holds, wait
 * steps), so the tests about waiting run them on vitest's fake clock (`onFakeClock`) and assert
 * the exact instants the engine chose; none sleeps for a deadline or asserts a wall-clock bound.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult, ScenarioData } from '../../src/core/index.js';
import { defaultConfig, type GoliveConfig } from '../../src/config/index.js';
import { FhirClient } from '../../src/fhir/client.js';
import { MllpClient } from '../../src/transports/mllp/index.js';
import {
  hooksFromConfig,
  loadScenarioText,
  runScenarios,
  startCapture,
  type RunScenariosOptions,
  type Target,
} from '../../src/scenarios/index.js';
import { bundle, closedPort, fakeHttp, fakeMllp, type Reply } from './fakes.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The fake clock starts here; the instants tests assert are offsets from it. */
const T0 = Date.parse('2026-03-01T12:00:00Z');

/** Kept before any test fakes the timers: the fake clock's driver yields to real I/O with it. */
const realSetTimeout = globalThis.setTimeout;
const realTurn = () => new Promise<void>((resolve) => realSetTimeout(resolve, 1));

/**
 * Run with Date and setTimeout on vitest's fake clock, starting at T0. The clock moves only from
 * one pending timer to the next, and only once `ready()` says the real I/O the test waits for
 * (ACKs, forwarded messages) has happened, so a deadline can never pass while a socket is busy;
 * between moves, real sockets and processes get their turn.
 */
async function onFakeClock<T>(
  run: () => Promise<T>,
  ready: () => boolean = () => true,
): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: T0 });
  try {
    let settled = false;
    const result = run().finally(() => {
      settled = true;
    });
    while (!settled) {
      if (ready()) await vi.advanceTimersToNextTimerAsync();
      await realTurn();
    }
    return await result;
  } finally {
    vi.useRealTimers();
  }
}

/**
 * A FHIR peer answered in-process (global fetch stubbed with `reply`), so the engine's polling
 * runs on the fake clock with no socket between it and the answers. Each request is kept with
 * the instant (ms after T0) it was made at.
 */
function fhirPeer(reply: (url: string, n: number) => Reply) {
  const seen: { method: string; url: string; at: number }[] = [];
  vi.stubGlobal('fetch', async (input: string | URL, init?: RequestInit) => {
    const u = new URL(String(input));
    const url = `${u.pathname}${u.search}`;
    seen.push({ method: init?.method ?? 'GET', url, at: Date.now() - T0 });
    const out = reply(url, seen.length);
    return new Response(out.body === undefined ? '' : JSON.stringify(out.body), {
      status: out.status,
      headers: { 'content-type': 'application/fhir+json' },
    });
  });
  const target: Target = {
    name: 'fhir peer',
    fhir: new FhirClient({ baseUrl: 'http://fhir.test/fhir', retries: 0 }),
    control: {},
  };
  return { seen, target };
}

const HEAD = (id = 'test.one', extra = '') => `id: ${id}
title: Test ${id}
domain: workflow
criteria: [workflow.exceptions]
severity: major
action: fix the receiver
${extra}variables:
  mrn: { generate: mrn }
  family: { generate: family-name }
  given: { generate: given-name }
  birthDate: { generate: birth-date }
steps:
`;

const REGISTER = `  - id: register
    type: send
    title: Register
    template: adt-a04
`;

function config(over: Partial<GoliveConfig['scenarios']['timeouts']> = {}): GoliveConfig {
  const c = defaultConfig();
  c.scenarios.timeouts = { message: 1500, fhir: 1500, settle: 200, ...over };
  return c;
}

async function setup(
  opts: { fhir?: (url: string, n: number) => Reply; decide?: Parameters<typeof fakeMllp>[0] } = {},
) {
  const mllp = await fakeMllp(opts.decide);
  cleanup.push(() => mllp.listener.close(100));
  const http = await fakeHttp((r, n) =>
    r.url.startsWith('/control/')
      ? { status: 200, body: { ok: true } }
      : (opts.fhir?.(r.url, n) ?? { status: 200, body: bundle([]) }),
  );
  cleanup.push(http.close);
  const target: Target = {
    name: 'fakes',
    mllp: { host: '127.0.0.1', port: mllp.listener.address.port, ackTimeoutMs: 2000 },
    fhir: new FhirClient({ baseUrl: http.base, retries: 0 }),
    control: hooksFromConfig({
      restart: {
        http: { url: `http://127.0.0.1:${http.port}/control/restart`, method: 'POST' },
        timeout: 2000,
      },
      pause: { command: [process.execPath, '-e', 'process.exit(3)'], timeout: 5000 },
      resume: { command: [process.execPath, '-e', 'process.exit(0)'], timeout: 5000 },
    }),
  };
  return { mllp, http, target };
}

async function run(texts: string[], target: Target, extra: Partial<RunScenariosOptions> = {}) {
  const scenarios = texts.map((t, i) => loadScenarioText(t, `s${i}.yaml`));
  return runScenarios({ config: config(), scenarios, target, ...extra });
}

const steps = (r: CheckResult) => (r.data as ScenarioData).steps;

describe('send', () => {
  it('passes on the expected ACK and records the exchange on the step', async () => {
    const { target, mllp } = await setup();
    const r = await run([`${HEAD()}${REGISTER}`], target);
    expect(r.exitCode).toBe(0);
    const res = r.results[0]!;
    expect(res.outcome).toBe('pass');
    const st = steps(res)[0]!;
    expect(st.exchangeIds).toHaveLength(1);
    const x = res.exchanges!.find((e) => e.id === st.exchangeIds[0])!;
    expect(x).toMatchObject({
      protocol: 'mllp',
      direction: 'outbound',
      summary: expect.stringMatching(/^ADT\^A04 MSH-10=C\w+ -> AA/),
    });
    expect(x.request).toBe(mllp.received[0]!.text);
    expect(x.response).toMatch(/^MSH\|.*\rMSA\|AA\|/);
    const vars = (res.data as ScenarioData).variables!;
    expect(mllp.received[0]!.message!.get('PID-3.1')).toBe(vars.mrn);
    expect(mllp.received[0]!.message!.get('MSH-10')).toBe(vars['register.controlId']);
  });

  it('an unexpected ACK is a fail with the clinical sentence, expected and actual', async () => {
    const { target } = await setup({ decide: () => 'AE' });
    const r = await run(
      [
        `${HEAD()}${REGISTER}    fail: the receiver refused a new patient\n  - { type: wait, title: later, for: 1ms }\n`,
      ],
      target,
    );
    expect(r.exitCode).toBe(1);
    const [first, second] = steps(r.results[0]!);
    expect(first).toMatchObject({
      outcome: 'fail',
      message: 'the receiver refused a new patient',
      expected: 'ACK AA',
      actual: 'AE (204 unknown order)',
    });
    expect(second).toMatchObject({
      outcome: 'skip',
      message: 'not run: an earlier step did not pass',
    });
    expect(r.results[0]!.findings[0]).toMatchObject({
      rule: 'test.one',
      severity: 'error',
      action: 'fix the receiver',
    });
  });

  it('a target that is down gives error and exit 3, never fail or pass', async () => {
    const port = await closedPort();
    const target: Target = {
      name: 'down',
      mllp: { host: '127.0.0.1', port, connectTimeoutMs: 1000 },
      control: {},
    };
    const probed = await run([`${HEAD()}${REGISTER}`, `${HEAD('test.two')}${REGISTER}`], target);
    expect(probed.exitCode).toBe(3);
    expect(probed.unreachable).toBe(true);
    expect(probed.results.map((x) => x.outcome)).toEqual(['error', 'error']);
    expect(probed.results[0]!.summary).toMatch(/could not be reached.*ECONNREFUSED/);
    // Without the probe, the first send finds it down: same verdict.
    const unprobed = await run([`${HEAD()}${REGISTER}`], target, { probe: false });
    expect(unprobed.exitCode).toBe(3);
    expect(steps(unprobed.results[0]!)[0]).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(/no acknowledgement.*inconclusive/),
    });
  });
});

describe('expect-fhir', () => {
  const check = (extra = '') => `${HEAD()}  - type: expect-fhir
    title: The result is final
    search: 'Observation?identifier=x|{{mrn}}'
${extra}    assert:
      - path: entry.resource.status
        equals: final
        fail: the result is not shown as final
`;
  const obs = (status: string) => ({
    status: 200,
    body: bundle([{ resourceType: 'Observation', status }]),
  });

  /** Instants (ms after T0) of the Observation searches, the probe's metadata read left out. */
  const polls = (seen: { url: string; at: number }[]) =>
    seen.filter((x) => x.url.startsWith('/fhir/Observation')).map((x) => x.at);

  it('polls with backoff until the assertion holds', async () => {
    const peer = fhirPeer((_u, n) => obs(n < 4 ? 'preliminary' : 'final'));
    const r = await onFakeClock(() => run([check()], peer.target));
    expect(r.results[0]!.outcome).toBe('pass');
    // Request 1 is the reachability probe (GET metadata); then two preliminary, one final.
    expect(peer.seen[0]!.url).toBe('/fhir/metadata');
    // Backoff from 50 ms, growing by 1.6: searches at 0, 50 and 130 ms.
    expect(polls(peer.seen)).toEqual([0, 50, 130]);
    const st = steps(r.results[0]!)[0]!;
    expect(st.exchangeIds).toHaveLength(3);
    expect(st.message).toMatch(/every assertion held after 130 ms$/);
  });

  it('fails at the deadline with expected vs actual', async () => {
    const peer = fhirPeer(() => obs('preliminary'));
    const r = await onFakeClock(() => run([check('    within: 400ms\n')], peer.target));
    expect(steps(r.results[0]!)[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringMatching(
        /^the result is not shown as final \(expected final, found preliminary; /,
      ),
      expected: 'final',
      actual: 'preliminary (still, after 400 ms)',
    });
    // The last wait is cut to the deadline, and the search is made once more at it.
    expect(polls(peer.seen)).toEqual([0, 50, 130, 258, 400]);
  });

  it('catches a value that holds, then changes (hold)', async () => {
    const peer = fhirPeer((_u, n) => obs(n < 4 ? 'final' : 'preliminary'));
    const r = await onFakeClock(() => run([check('    hold: 1s\n')], peer.target));
    expect(steps(r.results[0]!)[0]).toMatchObject({
      outcome: 'fail',
      message: expect.stringMatching(/it held, then changed within 130 ms\)$/),
    });
    expect(polls(peer.seen)).toEqual([0, 50, 130]);
  });

  it('a value that holds for the whole hold passes when the hold ends', async () => {
    const peer = fhirPeer(() => obs('final'));
    const r = await onFakeClock(() => run([check('    hold: 1s\n')], peer.target));
    expect(steps(r.results[0]!)[0]).toMatchObject({
      outcome: 'pass',
      message: expect.stringMatching(/every assertion held after 0 ms and for 1\.0 s more$/),
    });
    expect(polls(peer.seen).at(-1)).toBe(1000);
  });

  it('a server error or an unsupported query is error (inconclusive), not fail', async () => {
    const a = fhirPeer(() => ({
      status: 500,
      body: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'boom' }] },
    }));
    const r = await onFakeClock(() => run([check('    within: 300ms\n')], a.target));
    expect(steps(r.results[0]!)[0]).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(/HTTP 500: boom.*inconclusive/),
    });
    expect(r.exitCode).toBe(3);
    const b = fhirPeer((u) =>
      u.includes('Observation')
        ? {
            status: 400,
            body: {
              resourceType: 'OperationOutcome',
              issue: [{ diagnostics: 'unknown parameter' }],
            },
          }
        : { status: 200, body: {} },
    );
    const r2 = await onFakeClock(() => run([check()], b.target));
    expect(steps(r2.results[0]!)[0]).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(/cannot see.*unknown parameter/),
    });
  });

  it('captures values for later steps and FHIR requests carry rendered bodies', async () => {
    const { target, http } = await setup({
      fhir: (u) =>
        u.startsWith('/fhir/Patient')
          ? { status: 200, body: bundle([{ resourceType: 'Patient', id: 'pat-7' }]) }
          : { status: 201, body: { resourceType: 'Procedure', id: 'proc-1' } },
    });
    const text = `${HEAD()}  - type: expect-fhir
    title: Find the patient
    search: 'Patient?identifier=x|{{mrn}}'
    assert: [{ path: entry.resource, count: 1, fail: the patient cannot be found }]
    capture: { patientId: entry.resource.id }
  - type: fhir
    title: Record a procedure
    method: POST
    path: Procedure
    body: { resourceType: Procedure, subject: { reference: 'Patient/{{patientId}}' }, performedDateTime: '{{now - 1h | fhir}}' }
    expect: { status: 201 }
    capture: { procedureId: id }
`;
    const r = await run([text], target);
    expect(r.results[0]!.outcome).toBe('pass');
    const post = http.seen.find((s) => s.method === 'POST')!;
    expect(JSON.parse(post.body)).toMatchObject({
      subject: { reference: 'Patient/pat-7' },
      performedDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect((r.results[0]!.data as ScenarioData).variables).toMatchObject({
      patientId: 'pat-7',
      procedureId: 'proc-1',
    });
  });
});

describe('expect-message', () => {
  /** A receiver that forwards every message it gets to the capture listener (twice when told). */
  async function forwarding(copies: (n: number) => number) {
    const capture = await startCapture('127.0.0.1', 0);
    cleanup.push(() => capture.close());
    const out = new MllpClient({ host: '127.0.0.1', port: capture.address.port });
    cleanup.push(() => out.close());
    let n = 0;
    let forwarded = 0;
    const s = await setup();
    s.mllp.listener.on('message', (m: { text: string }) => {
      const k = ++n;
      void (async () => {
        for (let i = 0; i < copies(k); i++) {
          await out.send(m.text.replace(/\|C(\w+)\|P\|/, `|F$1${i}|P|`));
          forwarded++;
        }
      })();
    });
    /**
     * Run the scenario on the fake clock. Its time moves once both registrations were answered
     * and every copy the receiver forwards has been acknowledged by the capture listener: what
     * the step then finds does not depend on how fast the sockets were.
     */
    const runOnFakeClock = (text: string) => {
      let answered = 0;
      const copiesSent = copies(1) + copies(2);
      return onFakeClock(
        () =>
          run([text], s.target, {
            capture,
            onEvent: (e) => {
              if (e.type === 'step-end' && e.step.index <= 2) answered++;
            },
          }),
        () => answered === 2 && forwarded === copiesSent,
      );
    };
    return { ...s, capture, runOnFakeClock };
  }
  const expectMsg = (extra: string) => `${REGISTER}  - type: send
    title: Register again
    template: adt-a04
  - type: expect-message
    title: Both registrations are forwarded in order
    match: { MSH-9.2: A04, PID-3.1: '{{mrn}}' }
${extra}    fail: the registrations were not forwarded
`;

  it('finds the forwarded messages and checks count and order', async () => {
    const f = await forwarding(() => 1);
    const r = await f.runOnFakeClock(
      `${HEAD()}${expectMsg("    count: 2\n    hold: true\n    order: { path: MSH-9.2, values: [A04, A04] }\n    capture: { at: '@receivedAt' }\n")}`,
    );
    expect(r.results[0]!.outcome).toBe('pass');
    const st = steps(r.results[0]!)[2]!;
    expect(st.exchangeIds).toHaveLength(2);
    expect(r.results[0]!.exchanges!.find((x) => x.id === st.exchangeIds[0])!.direction).toBe(
      'inbound',
    );
  });

  it('duplicates are a fail', async () => {
    const f = await forwarding((n) => (n === 2 ? 2 : 1));
    const r = await f.runOnFakeClock(`${HEAD()}${expectMsg('    count: 2\n    hold: true\n')}`);
    expect(steps(r.results[0]!)[2]).toMatchObject({
      outcome: 'fail',
      message: expect.stringMatching(/1 extra copy delivered \(duplicates\)/),
      actual: '3 received',
    });
  });

  it('nothing arriving in time is a fail that says so', async () => {
    const f = await forwarding(() => 0);
    const r = await f.runOnFakeClock(`${HEAD()}${expectMsg('    within: 300ms\n')}`);
    expect(steps(r.results[0]!)[2]).toMatchObject({
      outcome: 'fail',
      message: expect.stringMatching(/not forwarded \(nothing arrived within 300 ms\)/),
    });
  });
});

describe('control, manual, timing, wait', () => {
  it('runs hooks, skips manual steps when unattended, and runs always-steps after a failure', async () => {
    const { target, http } = await setup();
    const text = `${HEAD()}  - { type: control, title: Restart the receiver, action: restart }
  - type: manual
    title: Staff rehearsed the downtime procedure
    prompt: the downtime drill was done
    criterion: workflow.downtime-recovery
  - { id: t0, type: wait, title: a moment, for: 20ms }
  - { type: timing, title: quick, from: '{{now - 10m}}', to: '{{now}}', within: 5m, fail: too slow, measure: gap_ms }
  - { type: wait, title: not reached, for: 1ms }
  - { type: control, title: Resume, action: resume, always: true }
`;
    // An injected clock: {{now - 10m}} and {{now}} render from one instant.
    const r = await run([text], target, { clock: () => T0 });
    const st = steps(r.results[0]!);
    expect(http.seen.some((s) => s.url === '/control/restart' && s.method === 'POST')).toBe(true);
    expect(st.map((s) => s.outcome)).toEqual(['pass', 'skip', 'pass', 'fail', 'skip', 'pass']);
    expect(st[1]!.message).toMatch(/^unattended run: a person must confirm: the downtime drill/);
    expect(st[3]).toMatchObject({
      message: 'too slow',
      expected: 'within 5.0 min',
      actual: '10.0 min',
    });
    expect(r.results[0]!.measurements.gap_ms).toBe(600_000);
  });

  it('a failing hook is error (the tool could not act), and attended manual steps attest', async () => {
    const { target } = await setup();
    const c = config();
    c.scenarios.unattended = false;
    const r = await runScenarios({
      config: c,
      target,
      scenarios: [
        loadScenarioText(
          `${HEAD()}  - { type: manual, title: Drill, prompt: drill done, criterion: workflow.downtime-recovery }\n  - { type: control, title: Pause, action: pause }\n`,
          'm.yaml',
        ),
      ],
      manual: async () => ({ confirmed: true, by: 'J. Doe', role: 'ward manager' }),
    });
    const st = steps(r.results[0]!);
    expect(st[0]).toMatchObject({
      outcome: 'pass',
      message: 'J. Doe (ward manager) confirmed: drill done',
    });
    expect((r.results[0]!.data as ScenarioData).attestations![0]).toMatchObject({
      criterion: 'workflow.downtime-recovery',
      attestedBy: 'J. Doe',
      holds: true,
    });
    expect(st[1]).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(/pause hook failed: .* exited 3/),
    });
  });
});

describe('running many', () => {
  it('runs scenarios concurrently up to the limit, exclusive ones alone after', async () => {
    let inFlight = 0;
    let peak = 0;
    /** [start, end] of each scenario, ms after T0 on the fake clock. */
    const spans: Record<string, [number, number]> = {};
    // Wait steps need no endpoint: the whole run is in-process, on the fake clock.
    const target: Target = { name: 'nothing', control: {} };
    const slow = (id: string, exclusive = false) =>
      `${HEAD(id, exclusive ? 'exclusive: true\n' : '')}  - { type: wait, title: work, for: 150ms }\n`;
    const ids = ['c.a', 'c.b', 'c.c', 'c.d', 'c.e'];
    const r = await onFakeClock(() =>
      run([...ids.map((id) => slow(id)), slow('c.x', true)], target, {
        concurrency: 2,
        onEvent: (e) => {
          if (e.type === 'scenario-begin') {
            peak = Math.max(peak, ++inFlight);
            spans[e.id] = [Date.now() - T0, -1];
          }
          if (e.type === 'scenario-end') {
            inFlight--;
            spans[e.result.check]![1] = Date.now() - T0;
          }
        },
      }),
    );
    expect(r.results.map((x) => x.check)).toEqual([...ids, 'c.x']);
    expect(peak).toBe(2);
    // Two at a time, each starting as a slot frees; the exclusive one alone, after all others.
    expect(spans).toEqual({
      'c.a': [0, 150],
      'c.b': [0, 150],
      'c.c': [150, 300],
      'c.d': [150, 300],
      'c.e': [300, 450],
      'c.x': [450, 600],
    });
    // Each scenario has its own identifiers.
    const mrns = r.results.map((x) => (x.data as ScenarioData).variables!.mrn);
    expect(new Set(mrns).size).toBe(6);
  });
});
