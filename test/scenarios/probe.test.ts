/**
 * Capability discovery against the embedded site in both profiles: what each declares and
 * answers, and which built-in scenarios can be exercised there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import {
  loadBuiltinScenarios,
  probeCapabilities,
  renderProbe,
  type ProbeData,
} from '../../src/scenarios/index.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../../src/runner/targets.js';

const builtins = loadBuiltinScenarios();

describe.each(['standard', 'minimal'] as const)('golive probe, %s profile', (profile) => {
  let emb: EmbeddedTarget;
  beforeAll(async () => {
    emb = await startEmbeddedTarget(defaultConfig(), { dataFile: false, profile });
  });
  afterAll(async () => {
    await emb?.stop();
  });

  it('records the CapabilityStatement, each lookup search and scenario coverage', async () => {
    const r = await probeCapabilities({
      config: emb.config,
      client: emb.target.fhir,
      scenarios: builtins,
    });
    expect(r.kind).toBe('probe');
    expect(r.outcome).toBe('pass');
    const d = r.data as ProbeData;
    expect(d.fhir?.capabilityStatement).toBe(true);
    expect(d.fhir?.types).toContain('Observation');
    const by = (lookup: string, strategy: string) =>
      d.searches.find((s) => s.lookup === lookup && s.strategy === strategy)!;
    expect(by('patient', 'identifier').support).toBe('supported');
    expect(by('results', 'based-on').support).toBe('supported');
    if (profile === 'minimal') {
      // No DiagnosticReport in the minimal profile: never asked; AuditEvent date ignored.
      expect(d.fhir?.types).not.toContain('DiagnosticReport');
      expect(by('results', 'report').support).toBe('not-declared');
      expect(by('audit', 'date').support).toBe('ignored');
      expect(by('audit', '_lastUpdated').support).toBe('supported');
    } else {
      expect(by('results', 'report').support).toBe('supported');
      expect(by('audit', 'date').support).toBe('supported');
    }
    // Every built-in can be exercised on either profile of the reference site.
    expect(d.coverage.filter((c) => !c.exercisable)).toEqual([]);
    expect(d.coverage).toHaveLength(builtins.length);
    // Every probe request is kept as evidence.
    expect(r.exchanges!.length).toBe(
      d.searches.filter((s) => s.support !== 'not-declared').length + 1,
    );
    expect(renderProbe(r)).toMatch(/scenarios on this target:/);
  });
});

describe('coverage when the target lacks what a scenario needs', () => {
  it('says which scenarios cannot be exercised and why', async () => {
    const emb = await startEmbeddedTarget(defaultConfig(), { dataFile: false, profile: 'minimal' });
    try {
      // Only the strategies the minimal site cannot answer: results become invisible.
      const config = {
        ...emb.config,
        target: {
          ...emb.config.target,
          lookups: { ...emb.config.target.lookups, results: ['report' as const] },
        },
      };
      const r = await probeCapabilities({ config, client: emb.target.fhir, scenarios: builtins });
      const d = r.data as ProbeData;
      const blind = d.coverage.filter((c) => !c.exercisable).map((c) => c.scenario);
      expect(blind).toContain('baseline.order-result');
      expect(blind).toContain('result.correction');
      expect(d.coverage.find((c) => c.scenario === 'baseline.order-result')!.why).toMatch(
        /no usable results lookup/,
      );
      expect(r.summary).toMatch(/scenarios can be exercised \(not: /);
    } finally {
      await emb.stop();
    }
  });
});
