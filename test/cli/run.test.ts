import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEvidenceStore } from '../../src/evidence/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { cleanConfigForTest } from '../helpers/review-config.js';

const EX = resolve(ROOT, 'examples');

interface ReportJson {
  decision: string;
  criteria: { id: string; domain: string; status: string }[];
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('golive run', () => {
  it('runs everything the clean example names against the embedded site and ends GO (exit 0)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'golive-run-'));
    const r = await runCli(
      [
        'run',
        '--config',
        cleanConfigForTest(out),
        '--target',
        'embedded',
        '--as-of',
        '2026-02-27',
        '--out',
        join(out, 'reports'),
        '--evidence',
        join(out, 'evidence.db'),
      ],
      { timeoutMs: 240_000 },
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(r.stdout).toMatch(/Decision: GO/);
    expect(r.code).toBe(0);
    const report = JSON.parse(
      readFileSync(join(out, 'reports', 'report.json'), 'utf8'),
    ) as ReportJson;
    expect(report.decision).toBe('GO');
    expect(report.criteria.filter((c) => c.status !== 'met' && c.status !== 'waived')).toEqual([]);
    // Every phase the config names left evidence: scenarios, audit, lint (files and forwarded
    // traffic), load, failover, storage, access, registers, adoption, handoffs, attestations.
    const store = await openEvidenceStore(join(out, 'evidence.db'));
    try {
      const records = await store.list({});
      const kinds = new Set(
        records.filter((x) => x.kind === 'check').map((x) => (x.content as { kind: string }).kind),
      );
      for (const k of [
        'scenario',
        'lint',
        'load',
        'failover',
        'storage',
        'access',
        'registers',
        'adoption',
      ])
        expect(kinds, k).toContain(k);
      expect(records.some((x) => x.kind === 'attestation')).toBe(true);
      // The audit trail is verified inside the scenario run, over every scenario's exchanges.
      const audit = records.find(
        (x) =>
          x.kind === 'check' &&
          (x.content as { check: string }).check === 'compliance.audit-coverage',
      );
      expect((audit?.content as { outcome: string } | undefined)?.outcome).toBe('pass');
      const decision = records.find((x) => x.kind === 'decision')!;
      const content = decision.content as {
        review: { decision: string };
        run: { target: string; config: string; startedAt: string; finishedAt: string };
      };
      expect(content.review.decision).toBe('GO');
      expect(content.run.target).toMatch(/embedded reference site/);
      expect(content.run.config).toMatch(/golive-clean\.yaml$/);
      expect(Date.parse(content.run.finishedAt)).toBeGreaterThanOrEqual(
        Date.parse(content.run.startedAt),
      );
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
    expect(readFileSync(join(out, 'reports', 'forwarded-traffic.hl7'), 'utf8')).toMatch(/^MSH\|/);
  }, 300_000);

  it('ends NO-GO with exit 1 when evidence is missing (fail-closed), and names what is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-run-'));
    const cfg = join(dir, 'golive.yaml');
    writeFileSync(
      cfg,
      [
        'version: 1',
        'scenarios: { include: [] }',
        'adoption:',
        `  tasks: ${join(EX, 'site-clean/adoption/tasks.csv')}`,
        `  guides: ${join(EX, 'site-clean/adoption/guides.csv')}`,
        'review: { evidence: evidence.db, reports: reports }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['run', '--config', cfg, '--as-of', '2026-02-27'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Decision: NO-GO/);
    const report = JSON.parse(
      readFileSync(join(dir, 'reports', 'report.json'), 'utf8'),
    ) as ReportJson;
    expect(report.decision).toBe('NO_GO');
    const byId = new Map(report.criteria.map((c) => [c.id, c.status]));
    expect(byId.get('adoption.unaided-tasks')).toBe('met');
    expect(byId.get('workflow.exceptions')).toBe('not-evidenced');
    expect(byId.get('infrastructure.peak-load')).toBe('not-evidenced');
  }, 60_000);

  it('bad config: exit 2 with the file and path, before anything is sent or stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-run-'));
    const cfg = join(dir, 'golive.yaml');
    writeFileSync(cfg, 'version: 1\nlint:\n  inputs: [traffic/*.hl7]\n  failOn: error\n');
    const r = await runCli(['run', '--config', cfg], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/golive\.yaml/);
    expect(r.stderr).toMatch(/failOn/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);

    // A broken record file is found in the plan phase: nothing is recorded.
    const bad = join(dir, 'tasks.csv');
    writeFileSync(bad, 'role,participant\nnurse\n');
    writeFileSync(
      cfg,
      `version: 1\nadoption: { tasks: tasks.csv }\nreview: { evidence: evidence.db, reports: reports }\n`,
    );
    const r2 = await runCli(['run', '--config', cfg], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/tasks\.csv/);
    expect(() => readFileSync(join(dir, 'evidence.db'))).toThrow();
  }, 60_000);

  it('unreachable target: exit 3 with a hint, nothing recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-run-'));
    const cfg = join(dir, 'golive.yaml');
    const port = await closedPort();
    writeFileSync(
      cfg,
      `version: 1\ntarget:\n  mllp: { host: 127.0.0.1, port: ${port} }\nreview: { evidence: evidence.db, reports: reports }\n`,
    );
    const r = await runCli(['run', '--config', cfg], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(r.stderr).toMatch(/hint/i);
    expect(() => readFileSync(join(dir, 'evidence.db'))).toThrow();
  }, 60_000);
});
