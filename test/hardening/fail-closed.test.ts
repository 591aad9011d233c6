/**
 * Issue 16 item 9 (fail-closed) and item 4's configuration bounds, through the built CLI:
 * - a register with a header and no rows is no evidence: the check is inconclusive (exit 3)
 *   naming the file, never "All 0 accounts" passing;
 * - a golive.yaml that sets nothing is refused (exit 2) saying what is missing;
 * - a load run that could not start its iterations breaks its own accounting (exit 1);
 * - golive.yaml is bounded: a huge file or value is refused at once with its location, and
 *   tens of thousands of unknown keys are reported (the first ones, and how many more).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startResponder } from '../../src/load/index.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-fail-closed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EX = 'examples/site/compliance';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const headerOf = (f: string) => `${readFileSync(join(EX, f), 'utf8').split('\n')[0]}\n`;
const noStack = (s: string) => expect(s).not.toMatch(/internal error|\n\s+at /);

describe('an empty register is no evidence', () => {
  it('header-only device register: inconclusive (exit 3), never PASS', async () => {
    const r = await runCli([
      'compliance',
      'registers',
      '--devices',
      file('devices.csv', headerOf('devices.csv')),
      '--json',
    ]);
    noStack(r.stderr);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { results: { outcome: string; summary: string }[] };
    expect(out.results.map((x) => x.outcome)).toEqual(['error']);
    expect(out.results[0]!.summary).toMatch(/device register .*devices\.csv.* has no rows/);
  });

  it('header-only change register: inconclusive (exit 3)', async () => {
    const r = await runCli([
      'compliance',
      'registers',
      '--changes',
      file('changes.csv', headerOf('changes.csv')),
      '--validations',
      join(EX, 'validations.csv'),
    ]);
    noStack(r.stderr);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/change register .* has no rows/);
    expect(r.stdout).not.toMatch(/All 0/);
  });

  it('header-only accounts: both access results inconclusive (exit 3)', async () => {
    const r = await runCli([
      'compliance',
      'access',
      '--accounts',
      file('accounts.csv', headerOf('accounts.csv')),
      '--roles',
      join(EX, 'roles.csv'),
      '--duties',
      join(EX, 'duties.yaml'),
      '--json',
    ]);
    noStack(r.stderr);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { results: { outcome: string; summary: string }[] };
    expect(out.results.map((x) => x.outcome)).toEqual(['error', 'error']);
    expect(out.results[0]!.summary).toMatch(/accounts register .* has no rows/);
  });
});

describe('golive.yaml that sets nothing, or far too much', () => {
  it.each([
    ['empty file', ''],
    ['comments only', '# nothing yet\n'],
    ['an empty mapping', '{}\n'],
    ['only the version', 'version: 1\n'],
  ])('%s: refused (exit 2) saying what is missing', async (_name, text) => {
    const r = await runCli(['run', '--config', file('empty.yaml', text), '--plan']);
    noStack(r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CONFIG_EMPTY: .*empty\.yaml:1: the configuration sets nothing/);
    expect(r.stderr).toMatch(/hint: describe the systems under test under `target:`/);
  });

  it('a file over the size cap is refused before it is read', async () => {
    const big = file('big.yaml', `site:\n  name: ${'a'.repeat(600 * 1024)}\n`);
    const r = await runCli(['run', '--config', big, '--plan']);
    noStack(r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_CONFIG_SIZE: .*big\.yaml: the file is 600 KiB, over the 512 KiB/);
  });

  it('a value over the string cap is refused at its line and column', async () => {
    const long = file('long.yaml', `site:\n  name: ${'a'.repeat(20_000)}\n`);
    const r = await runCli(['run', '--config', long, '--plan']);
    noStack(r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /E_CONFIG_STRING: .*long\.yaml:2:9 site\.name: a text of 20000 characters/,
    );
  });

  it('30,000 unknown keys: the first 50 listed and the rest counted', async () => {
    const keys = file('keys.yaml', Array.from({ length: 30_000 }, (_, i) => `k${i}: 1\n`).join(''));
    const r = await runCli(['run', '--config', keys, '--plan'], { timeoutMs: 120_000 });
    noStack(r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/30000 problems/);
    expect(r.stderr.match(/unknown key "k\d+"/g)).toHaveLength(50);
    expect(r.stderr).toMatch(/29950 more problem\(s\) not described/);
  }, 150_000);
});

describe('dropped iterations break the load accounting by default', () => {
  it('a run that could start almost none of its iterations fails (exit 1)', async () => {
    // The target answers each message after 300 ms; one message may wait at a time, so nearly
    // every iteration of 100/s is dropped. The profile sets no threshold on drops.
    const resp = await startResponder({ delayMs: 300 });
    try {
      const cfg = file(
        'golive-load.yaml',
        `target:\n  mllp: { host: 127.0.0.1, port: ${resp.port} }\n`,
      );
      const profile = file(
        'drops.yaml',
        `name: drops
maxDuration: 10s
messages:
  adt: { builtin: adt-a04 }
executors:
  steady: { executor: constant-rate, rate: 100, duration: 1s, maxInFlight: 1, mix: { adt: 1 } }
thresholds:
  ack_latency: ['p(99)<5s']
`,
      );
      const r = await runCli(['load', profile, '--config', cfg]);
      noStack(r.stderr);
      expect(r.stdout).toMatch(/dropped_iterations/);
      expect(r.stdout).toMatch(/count==0 \(golive default\)/);
      expect(r.stdout).toMatch(/^FAIL/m);
      expect(r.code).toBe(1);
    } finally {
      await resp.close();
    }
  }, 60_000);
});
