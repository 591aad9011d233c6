/**
 * The `audit` step and the built-in `compliance.audit-coverage` scenario against the real
 * embedded reference site (port 0): it runs after every other scenario of the run, verifies the
 * audit trail of all their exchanges and its own, and gives a normal scenario result for
 * compliance.audit-trail whose findings name the missing records.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, ScenarioData } from '../../src/core/index.js';
import { defaultConfig } from '../../src/config/index.js';
import {
  BUILTIN_REGISTRY,
  loadBuiltinScenarios,
  loadScenarioText,
  runScenarios,
  type RunScenariosOptions,
} from '../../src/scenarios/index.js';
import { startEmbeddedTarget } from '../../src/runner/targets.js';
import { phasesOf } from '../../src/scenarios/runner.js';
import { closedPort } from './fakes.js';

const builtins = loadBuiltinScenarios();
const pick = (...ids: string[]) => ids.map((id) => builtins.find((b) => b.scenario.id === id)!);
const AUDIT = 'compliance.audit-coverage';

async function runOn(
  faults: string[],
  ids: string[],
  extra: Partial<RunScenariosOptions> = {},
): Promise<{ results: CheckResult[]; spans: Record<string, [number, number]> }> {
  const emb = await startEmbeddedTarget(defaultConfig(), { faults });
  const spans: Record<string, [number, number]> = {};
  try {
    const config = emb.config;
    config.scenarios.timeouts = { message: 3000, fhir: 1000, settle: 200 };
    const r = await runScenarios({
      config,
      scenarios: pick(...ids),
      target: emb.target,
      capture: emb.capture,
      concurrency: 4,
      onEvent: (e) => {
        if (e.type === 'scenario-begin') spans[e.id] = [Date.now(), 0];
        if (e.type === 'scenario-end') spans[e.result.check]![1] = Date.now();
      },
      ...extra,
    });
    return { results: r.results, spans };
  } finally {
    await emb.stop();
  }
}

const byId = (rs: CheckResult[], id: string) => rs.find((r) => r.check === id)!;
const steps = (r: CheckResult) => (r.data as ScenarioData).steps;

describe('the order of a run', () => {
  it('puts a scenario with an audit step last, after the exclusive ones, whatever the order asked', () => {
    const p = phasesOf(pick(AUDIT, 'downtime.recovery', 'order.stat'), BUILTIN_REGISTRY);
    expect(p.concurrent.map((l) => l.scenario.id)).toEqual(['order.stat']);
    expect(p.exclusive.map((l) => l.scenario.id)).toEqual(['downtime.recovery']);
    expect(p.last.map((l) => l.scenario.id)).toEqual([AUDIT]);
  });

  it('loads the audit step with its options and refuses unknown ones', () => {
    const head = `id: t.audit\ntitle: T\ndomain: compliance\ncriteria: [compliance.audit-trail]\nseverity: blocker\naction: fix the audit configuration\nsteps:\n`;
    const ok = loadScenarioText(
      `${head}  - { type: audit, title: A, coverage: 95, window: 2m, allowedSkew: 30s, within: 5s }\n`,
      'a.yaml',
    );
    expect(ok.scenario.steps[0]).toMatchObject({
      coverage: 95,
      window: 120_000,
      allowedSkew: 30_000,
      within: 5000,
    });
    expect(() =>
      loadScenarioText(`${head}  - { type: audit, title: A, skew: 1m }\n`, 'b.yaml'),
    ).toThrow(/skew/);
  });
});

describe('compliance.audit-coverage on the embedded site', () => {
  it('passes on a fault-free site, after the others, for compliance.audit-trail', async () => {
    const { results, spans } = await runOn([], [AUDIT, 'order.stat', 'message.duplicate']);
    expect(results.map((r) => r.check)).toEqual([AUDIT, 'order.stat', 'message.duplicate']);
    expect(results.map((r) => `${r.check}: ${r.outcome} ${r.summary}`)).toEqual(
      results.map((r) => `${r.check}: pass ${r.summary}`),
    );
    expect(spans[AUDIT]![0]).toBeGreaterThanOrEqual(
      Math.max(spans['order.stat']![1], spans['message.duplicate']![1]),
    );
    const audit = byId(results, AUDIT);
    expect(audit).toMatchObject({ kind: 'scenario', domain: 'compliance' });
    expect(audit.criteria).toEqual(['compliance.audit-trail']);
    expect(audit.measurements).toMatchObject({ audit_coverage_pct: 100, audit_missing: 0 });
    // The other scenarios' reads and writes were verified too, not only its own.
    expect(audit.measurements.actions_total).toBeGreaterThan(15);
    const last = steps(audit).at(-1)!;
    expect(last).toMatchObject({ type: 'audit', outcome: 'pass' });
    // Its AuditEvent searches are kept as evidence of the step.
    expect(last.exchangeIds.length).toBeGreaterThan(0);
  }, 60_000);

  it('fails under no-audit-on-read, with findings naming the missing reads of every scenario', async () => {
    const { results } = await runOn(['no-audit-on-read'], [AUDIT, 'order.stat']);
    expect(byId(results, 'order.stat').outcome).toBe('pass');
    const audit = byId(results, AUDIT);
    expect(audit.outcome).toBe('fail');
    expect(audit.summary).toMatch(/without a complete audit record/);
    expect(audit.measurements).toMatchObject({ reads_audited: 0, writes_audited_pct: 100 });
    expect(new Set(audit.findings.map((f) => f.rule))).toEqual(new Set(['audit.missing']));
    expect(audit.findings).toHaveLength(audit.measurements.reads_total!);
    const messages = audit.findings.map((f) => f.message);
    // order.stat's search for the order, and this scenario's own read of the patient.
    expect(
      messages.some((m) => /search ServiceRequest .*ServiceRequest\?identifier=/.test(m)),
    ).toBe(true);
    expect(messages.some((m) => /^no audit record for read Patient\//.test(m))).toBe(true);
    for (const f of audit.findings) {
      expect(f).toMatchObject({ severity: 'error', domain: 'compliance' });
      expect(f.detail).toMatchObject({ step: steps(audit).length, kind: expect.any(String) });
    }
    const last = steps(audit).at(-1)!;
    expect(last.expected).toMatch(/at least 100%/);
    expect(last.actual).toMatch(/reads 0%, writes 100%/);
  }, 60_000);

  it('uses the audit source it is given (an export with no records: every action missing)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'golive-audit-')), 'empty.ndjson');
    writeFileSync(file, '');
    const { results } = await runOn([], [AUDIT], { auditSource: { kind: 'ndjson', file } });
    const audit = byId(results, AUDIT);
    expect(audit.outcome).toBe('fail');
    expect(audit.measurements.audit_coverage_pct).toBe(0);
  }, 30_000);

  it('is inconclusive (error), never fail, when the audit records cannot be read', async () => {
    const port = await closedPort();
    const { results } = await runOn([], [AUDIT], {
      auditSource: { kind: 'fhir', baseUrl: `http://127.0.0.1:${port}/fhir` },
    });
    const audit = byId(results, AUDIT);
    expect(audit.outcome).toBe('error');
    expect(audit.findings).toEqual([]);
    expect(steps(audit).at(-1)!.message).toMatch(
      /^the audit records could not be read: .*cannot fetch audit events.*\(inconclusive\)$/,
    );
  }, 30_000);
});
