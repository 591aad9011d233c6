/**
 * `golive scenarios` end to end through the built CLI (npm test builds dist first).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-cli-sc-'));

describe('golive scenarios', () => {
  it('list: one line per built-in scenario', async () => {
    const r = await runCli(['scenarios', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(18);
    expect(lines.find((l) => l.startsWith('compliance.audit-coverage '))).toMatch(
      /compliance\s+blocker\s+Every read and write/,
    );
    expect(lines.find((l) => l.startsWith('order.cancel '))).toMatch(
      /workflow\s+blocker\s+A cancelled order/,
    );
  });

  it('run --target embedded: progress, summary table, JSON and JUnit; exit 0', async () => {
    const json = join(dir, 'r.json');
    const junit = join(dir, 'r.xml');
    const r = await runCli([
      'scenarios',
      'run',
      'order.stat',
      'result.*',
      '--target',
      'embedded',
      '--json',
      json,
      '--junit',
      junit,
      '--concurrency',
      '2',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/golive scenarios: 5 scenario\(s\) against embedded reference site/);
    expect(r.stdout).toMatch(/PASS\s+order\.stat/);
    expect(r.stdout).toMatch(/5 scenario\(s\): 5 passed, 0 failed, 0 inconclusive, 0 skipped/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.summary).toEqual({ total: 5, pass: 5, fail: 0, error: 0, skip: 0 });
    expect(report.results[0].exchanges.length).toBeGreaterThan(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toMatch(/tests="5" failures="0" errors="0"/);
  }, 60_000);

  it('a fault makes its scenario fail with the clinical message: exit 1', async () => {
    const r = await runCli([
      'scenarios',
      'run',
      'order.stat',
      '--target',
      'embedded',
      '--faults',
      'stat-downgraded',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+order\.stat/);
    expect(r.stdout).toMatch(/the STAT order is stored at a lower priority/);
    expect(r.stdout).toMatch(/expected: stat\n\s+actual:\s+routine/);
  }, 60_000);

  it('a target that is down: error, exit 3', async () => {
    const port = await closedPort();
    const cfg = join(dir, 'down.yaml');
    writeFileSync(
      cfg,
      `target:\n  mllp: { host: 127.0.0.1, port: ${port} }\n  fhir: { baseUrl: 'http://127.0.0.1:${port}/fhir' }\n`,
    );
    const r = await runCli(['scenarios', 'run', 'order.*', '--config', cfg]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ERROR\s+order\.cancel/);
    expect(r.stdout).not.toMatch(/PASS|FAIL/);
    expect(r.stderr).toMatch(/could not be reached/);
  }, 60_000);

  it('bad input: a broken scenario file gives file:line:col and nothing runs (exit 2)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'id: site.bad\ntitle: Bad\ndomain: workflow\ncriteria: [workflow.exceptions]\nseverity: major\naction: x\nsteps:\n  - type: send\n    title: Register\n    template: adt-a04\n',
    );
    const r = await runCli(['scenarios', 'run', bad, 'order.stat', '--target', 'embedded']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `error E_SCENARIO: ${bad.replace(/[.\\]/g, '\\$&')}:10:15 .*needs \\{\\{mrn\\}\\}`,
      ),
    );
    expect(r.stdout).toBe('');
    const opt = await runCli(['scenarios', 'run', '--faults', 'drop-tz']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/--faults needs --target embedded/);
    const unknown = await runCli([
      'scenarios',
      'run',
      'order.stat',
      '--target',
      'embedded',
      '--faults',
      'no-such-fault',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/E_SITE_FAULT/);
  }, 60_000);
});
