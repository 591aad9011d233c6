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

  /**
   * The clean demo measures the embedded site's latency on this machine against the product's
   * limits (p99 ACK under 500 ms at peak). On two cores shared with a parallel suite that can be
   * exceeded, so this test does not ask the machine to be fast: everything that does not depend
   * on speed must be met exactly, and a criterion may be open only when its evidence is a load
   * run whose every missed threshold is a speed metric that was really measured over its limit.
   * Then the decision must not be GO (fail-closed); with nothing open it must be GO.
   */
  it('--clean: a fault-free site with complete evidence ends GO, every criterion met (speed limits aside)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'golive-demo-'));
    const r = await runCli(['demo', '--clean', '--out', out], { timeoutMs: 240_000 });
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'clean', 'report.json'), 'utf8')) as {
      decision: string;
      criteria: { id: string; status: string; reason: string }[];
      checks: {
        items: {
          check: string;
          outcome: string;
          criteria: string[];
          load?: {
            thresholds: {
              metric: string;
              expression: string;
              ok: boolean;
              actual: number;
              measured?: boolean;
            }[];
          };
        }[];
      };
    };
    const SPEED = new Set(['ack_latency', 'fhir_latency', 'recovery_time', 'dropped_iterations']);
    const slow = report.checks.items.filter((i) => {
      const missed = i.load?.thresholds.filter((t) => !t.ok) ?? [];
      return (
        i.outcome === 'fail' &&
        missed.length > 0 &&
        missed.every((t) => SPEED.has(t.metric) && t.measured !== false)
      );
    });
    const speedCriteria = new Set(slow.flatMap((i) => i.criteria));
    const open = report.criteria.filter((c) => c.status !== 'met');
    expect(open.filter((c) => !speedCriteria.has(c.id))).toEqual([]);
    if (open.length === 0) {
      expect(report.decision).toBe('GO');
      expect(r.stdout).toMatch(/Decision: GO/);
    } else {
      expect(report.decision).not.toBe('GO');
      const missed = slow.flatMap((i) =>
        i
          .load!.thresholds.filter((t) => !t.ok)
          .map((t) => `${i.check} ${t.metric} ${t.expression} (actual ${t.actual})`),
      );
      console.log(
        `demo --clean: this machine missed speed limits, so not GO: ${missed.join('; ')}`,
      );
    }
  }, 300_000);
});
