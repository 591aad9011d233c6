/**
 * The audit check on the embedded site's `minimal` profile, whose AuditEvent search ignores
 * `date` and leaves it out of Bundle.link[self] (R4 search.html#errors): the records are then
 * found by `_lastUpdated`, the result says so, and a fault-free run is still fully audited;
 * under `no-audit-on-read` the reads are still named as missing.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import { checkAuditTrail } from '../../src/compliance/index.js';
import { loadBuiltinScenarios, runScenarios } from '../../src/scenarios/index.js';
import { startEmbeddedTarget } from '../../src/runner/targets.js';

const scenarios = loadBuiltinScenarios().filter((l) =>
  ['order.stat', 'message.duplicate'].includes(l.scenario.id),
);

async function auditMinimal(faults: string[]) {
  const emb = await startEmbeddedTarget(defaultConfig(), { faults, profile: 'minimal' });
  try {
    const config = emb.config;
    config.scenarios.timeouts = { message: 3000, fhir: 3000, settle: 200 };
    const run = await runScenarios({
      config,
      scenarios,
      target: emb.target,
      capture: emb.capture,
      concurrency: 2,
    });
    return await checkAuditTrail({
      exchanges: run.exchanges,
      source: { kind: 'fhir', baseUrl: emb.site.fhirBase, user: 'golive-auditor' },
      now: new Date(),
    });
  } finally {
    await emb.stop();
  }
}

describe('audit trail on the minimal site (AuditEvent date ignored)', () => {
  it('falls back to _lastUpdated, says so, and finds every record', async () => {
    const audit = await auditMinimal([]);
    expect(audit.findings.map((f) => f.message)).toEqual([]);
    expect(audit.outcome).toBe('pass');
    expect((audit.data as { retrieval: unknown }).retrieval).toMatchObject({
      strategy: '_lastUpdated',
      statement: 'date ignored by the server (not in Bundle.link self); used _lastUpdated',
    });
    expect(audit.summary).toContain(
      'Records: date ignored by the server (not in Bundle.link self); used _lastUpdated.',
    );
    expect(audit.measurements.actions_total).toBeGreaterThan(5);
  }, 60_000);

  it('still names every unaudited read under no-audit-on-read', async () => {
    const audit = await auditMinimal(['no-audit-on-read']);
    expect(audit.outcome).toBe('fail');
    expect(audit.measurements.reads_total).toBeGreaterThan(0);
    expect(audit.measurements).toMatchObject({ reads_audited: 0, writes_audited_pct: 100 });
    expect(audit.measurements.audit_missing).toBe(audit.measurements.reads_total);
  }, 60_000);
});
