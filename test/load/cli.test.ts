/** `golive load`: exit codes, JSON and JUnit output, bad input before any load. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/load.js';
import { UserError } from '../../src/core/errors.js';
import type { CheckResult } from '../../src/core/index.js';
import { startResponder } from '../../src/load/index.js';
import { LiveView, formatProgress } from '../../src/load/live.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-load-cli-'));
afterEach(() => vi.restoreAllMocks());

async function golive(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let code = 0;
  const program = new Command().exitOverride();
  register(program, (c) => {
    code = c;
  });
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    await program.parseAsync(['node', 'golive', 'load', ...args]);
  } catch (e) {
    if (e instanceof UserError) return { code: e.exitCode, out, err: err + e.format() };
    throw e;
  } finally {
    vi.restoreAllMocks();
  }
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const SMALL = (threshold: string) => `
name: small
maxDuration: 10s
messages:
  adt: { builtin: adt-a04 }
executors:
  steady: { executor: constant-rate, rate: 20, duration: 1s, mix: { adt: 1 } }
thresholds:
  ack_latency: ['${threshold}']
`;

describe('golive load', () => {
  it('exit 0 when thresholds are met on the embedded site, with JSON and JUnit written', async () => {
    const json = join(dir, 'r.json');
    const junit = join(dir, 'r.xml');
    const r = await golive(
      file('ok.yaml', SMALL('p(99)<5s')),
      '--target',
      'embedded',
      '--json',
      json,
      '--junit',
      junit,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS {2}Load profile small \(load\.small\)/);
    expect(r.out).toMatch(/AA +20/);
    expect(r.err).toMatch(/embedded site: mllp 127\.0\.0\.1:\d+/);
    const results = JSON.parse(readFileSync(json, 'utf8')) as CheckResult[];
    expect(results[0]).toMatchObject({ check: 'load.small', kind: 'load', outcome: 'pass' });
    const xml = readFileSync(junit, 'utf8');
    // The profile's threshold, the default one on dropped iterations, and the run itself.
    expect(xml).toMatch(/<testsuite name="load\.small" id="0" tests="3" failures="0" errors="0"/);
    expect(xml).toMatch(/name="dropped_iterations count==0 \(golive default\)"/);
    expect(xml).toMatch(/name="ack_latency p\(99\)&lt;5s"/);
  }, 30_000);

  it('exit 1 when a threshold is missed (1 us is impossible)', async () => {
    const r = await golive(file('miss.yaml', SMALL('max<0.001ms')), '--target', 'embedded');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ack_latency +max<0\.001ms .* MISSED/);
  }, 30_000);

  it('exit 2 for a bad profile, with file:line:col', async () => {
    const p = file('bad.yaml', SMALL('p99<5s'));
    const r = await golive(p, '--target', 'embedded');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${p}:9:17`);
    expect(r.err).toMatch(/p\(99\)<5s/);
  });

  it('exit 2 for an unknown fault or target', async () => {
    const p = file('ok2.yaml', SMALL('p(99)<5s'));
    expect((await golive(p, '--target', 'embedded', '--faults', 'no-such-fault')).code).toBe(2);
    expect((await golive(p, '--target', 'staging')).code).toBe(2);
    expect((await golive(p)).code).toBe(2); // no target at all
  });

  it('exit 3 when the configured target is unreachable', async () => {
    const resp = await startResponder();
    const port = resp.port;
    await resp.close();
    const cfg = file('golive.yaml', `target:\n  mllp: { host: 127.0.0.1, port: ${port} }\n`);
    const r = await golive(file('ok3.yaml', SMALL('p(99)<5s')), '--config', cfg);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/cannot connect to 127\.0\.0\.1:\d+/);
  });

  it('runs against a configured target (the minimal responder)', async () => {
    const resp = await startResponder();
    try {
      const cfg = file(
        'golive2.yaml',
        `target:\n  mllp: { host: 127.0.0.1, port: ${resp.port} }\n`,
      );
      const r = await golive(file('ok4.yaml', SMALL('p(99)<5s')), '--config', cfg);
      expect(r.code).toBe(0);
      expect(resp.received).toBe(20);
    } finally {
      await resp.close();
    }
  });
});

describe('live view', () => {
  const p = {
    t: 3,
    targetRate: 100,
    achievedRate: 99.5,
    p50: 1.25,
    p99: 12.5,
    sent: 300,
    completed: 298,
    errors: 1,
    inFlight: 2,
    dropped: 0,
    fhirRequests: 0,
    fhirErrors: 0,
    fhirP99: 0,
  };
  it('prints plain lines when not a terminal', () => {
    const lines: string[] = [];
    const v = new LiveView({ write: (s: string) => lines.push(s), isTTY: false });
    v.update(p);
    v.update({ ...p, t: 4 });
    v.end();
    expect(lines).toEqual([`${formatProgress(p)}\n`, `${formatProgress({ ...p, t: 4 })}\n`]);
    expect(lines[0]).toBe(
      't=3s  rate 99.5/s of 100/s  p50 1.3 ms  p99 12.5 ms  sent 300  errors 1  in-flight 2\n',
    );
  });
  it('draws one status line on a terminal and leaves it, ended by a newline', () => {
    const out: string[] = [];
    const v = new LiveView(
      { write: (s: string) => out.push(s), isTTY: true, columns: 200 },
      { live: true, colour: false },
    );
    v.update(p);
    v.end();
    expect(out.join('')).toContain(formatProgress(p));
    expect(out.join('').replace(/\u001b\[[0-9;?]*[a-zA-Z]/g, '')).toMatch(/\n$/);
  });
});
