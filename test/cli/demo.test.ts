import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('golive demo', () => {
  it('runs the whole review against the faulty embedded site: NO-GO with gaps in all five domains, exit 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'golive-demo-'));
    const r = await runCli(['demo', '--out', out], { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Decision: NO-GO/);
    const report = JSON.parse(readFileSync(join(out, 'demo', 'report.json'), 'utf8')) as {
      decision: string;
      criteria: { id: string; domain: string; status: string }[];
    };
    expect(report.decision).toBe('NO_GO');
    const openDomains = new Set(
      report.criteria.filter((c) => c.status === 'not-met').map((c) => c.domain),
    );
    expect([...openDomains].sort()).toEqual([
      'adoption',
      'compliance',
      'infrastructure',
      'interop',
      'workflow',
    ]);
    // The planted defects are named by the criteria they break.
    const notMet = report.criteria.filter((c) => c.status === 'not-met').map((c) => c.id);
    expect(notMet).toEqual(
      expect.arrayContaining([
        'interop.updates',
        'compliance.audit-trail',
        'infrastructure.peak-load',
        'infrastructure.failover',
      ]),
    );
    expect(readFileSync(join(out, 'demo', 'report.html'), 'utf8')).toContain('NO-GO');
  }, 300_000);

  it('--clean: a fault-free site with complete evidence ends GO, every criterion met', async () => {
    const out = mkdtempSync(join(tmpdir(), 'golive-demo-'));
    const r = await runCli(['demo', '--clean', '--out', out], { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Decision: GO/);
    const report = JSON.parse(readFileSync(join(out, 'clean', 'report.json'), 'utf8')) as {
      decision: string;
      criteria: { id: string; status: string }[];
    };
    expect(report.decision).toBe('GO');
    expect(report.criteria.filter((c) => c.status !== 'met')).toEqual([]);
  }, 300_000);
});
