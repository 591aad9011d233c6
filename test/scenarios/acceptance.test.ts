/**
 * Acceptance of the built-in scenarios against the real embedded reference site (docs/site.md),
 * in every site profile (standard: rich; minimal: the least FHIR R4 allows): a fault-free site
 * passes everything; each fault the profile can represent makes the scenario that names it fail
 * with a clinical message, and nothing errors; a site that is down gives error and exit 3.
 * The printed fault x profile table is the one in docs/scenarios.md.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, ScenarioData } from '../../src/core/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { PROFILE_NAMES, faultsFor, type ProfileName } from '../../src/site/index.js';
import {
  loadBuiltinScenarios,
  runScenarios,
  targetFromConfig,
  type RunScenariosResult,
} from '../../src/scenarios/index.js';
import { startEmbeddedTarget } from '../../src/runner/targets.js';

const builtins = loadBuiltinScenarios();

/** SCENARIOS.md: the fault each scenario must catch (the load ones are another issue). */
const MATRIX: Record<string, string[]> = {
  'flag-dropped': ['baseline.order-result'],
  'unit-rewrite': ['baseline.order-result', 'result.value-fidelity'],
  'cancel-ignored': ['order.cancel'],
  'reentry-duplicates': ['order.modify-reentry'],
  'relabel-orphan': ['specimen.relabel'],
  'stability-ignored': ['specimen.delayed'],
  'merge-not-applied': ['identity.duplicate-merge'],
  'correction-ignored': ['identity.correction'],
  'stat-downgraded': ['order.stat'],
  'no-critical-notify': ['result.critical-escalation'],
  'slow-critical-notify': ['result.critical-escalation'],
  'ignore-corrections': ['result.correction'],
  'retraction-ignored': ['result.retraction'],
  'escape-mangled': ['result.value-fidelity'],
  'drop-tz': ['time.zones-ordering'],
  'late-prelim-overwrites-final': ['time.zones-ordering'],
  'wrong-patient-on-unknown-order': ['order.unknown'],
  'duplicate-filed': ['message.duplicate'],
  'lost-on-restart': ['downtime.recovery'],
  'cycle-failure-ignored': ['sterilization.cycle-failure'],
  'no-audit-on-read': ['compliance.audit-coverage'],
};

/** All built-ins against a fresh embedded site with these faults, with waits fit for a test. */
async function runAgainst(
  faults: string[],
  profile: ProfileName = 'standard',
): Promise<RunScenariosResult> {
  const embedded = await startEmbeddedTarget(defaultConfig(), { faults, profile });
  try {
    const config = embedded.config;
    config.scenarios.timeouts = { message: 3000, fhir: 3000, settle: 200 };
    config.site.criticalResultDeadline = 3000;
    return await runScenarios({
      config,
      scenarios: builtins,
      target: embedded.target,
      capture: embedded.capture,
      concurrency: 6,
    });
  } finally {
    await embedded.stop();
  }
}

const steps = (r: CheckResult) => (r.data as ScenarioData).steps;

function failingStep(r: CheckResult) {
  return steps(r).find((s) => s.outcome === r.outcome);
}

describe.each(PROFILE_NAMES)('the %s profile', (profile) => {
  it('a fault-free site: every built-in scenario passes, with every exchange kept and linked', async () => {
    const r = await runAgainst([], profile);
    const notPassed = r.results.filter((x) => x.outcome !== 'pass');
    expect(notPassed.map((x) => `${x.check}: ${x.summary}`)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.results).toHaveLength(builtins.length);
    const ids = new Set(r.exchanges.map((x) => x.id));
    expect(ids.size).toBe(r.exchanges.length);
    for (const res of r.results) {
      for (const st of steps(res)) for (const id of st.exchangeIds) expect(ids.has(id)).toBe(true);
      // Only the downtime rehearsal is left to a person, and steps about what the profile
      // does not have (HL7 notifications, reports) are skipped with the reason.
      const skipped = steps(res).filter((s) => s.outcome === 'skip');
      for (const s of skipped)
        expect(s.type === 'manual' || /not run: /.test(s.message)).toBe(true);
    }
    expect(
      r.results.find((x) => x.check === 'result.critical-escalation')!.measurements,
    ).toHaveProperty(profile === 'standard' ? 'critical_notify_ms' : 'critical_raise_ms');
    expect(() => JSON.stringify(r.results)).not.toThrow();
  }, 60_000);

  it('each fault it can represent makes the scenario that names it fail, clinically, and nothing errors', async () => {
    const representable = new Set<string>(faultsFor(profile));
    const faults = Object.keys(MATRIX).filter((f) => representable.has(f));
    const rows: {
      fault: string;
      expected: string[];
      failed: string[];
      errored: string[];
      message: string;
    }[] = [];
    const queue = [...faults];
    // Four sites at once keep the matrix well under a minute on two cores.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
          const r = await runAgainst([f], profile);
          const expectedScenario = r.results.find((x) => x.check === MATRIX[f]![0])!;
          rows.push({
            fault: f,
            expected: MATRIX[f]!,
            failed: r.results.filter((x) => x.outcome === 'fail').map((x) => x.check),
            errored: r.results
              .filter((x) => x.outcome === 'error')
              .map((x) => `${x.check}: ${x.summary}`),
            message: failingStep(expectedScenario)?.message ?? '(did not fail)',
          });
        }
      }),
    );
    rows.sort((a, b) => faults.indexOf(a.fault) - faults.indexOf(b.fault));
    const w = Math.max(...rows.map((r) => r.fault.length));
    const table = rows.map((r) => {
      const caught = r.expected.every((e) => r.failed.includes(e)) ? 'caught' : 'MISSED';
      const others = r.failed.filter((x) => !r.expected.includes(x));
      return `${r.fault.padEnd(w)}  ${caught}  ${r.expected.join(', ')}${others.length ? ` (also: ${others.join(', ')})` : ''}${r.errored.length ? `  ERRORS: ${r.errored.length}` : ''}\n${' '.repeat(w + 2)}  "${r.message}"`;
    });
    console.log(
      `\nfault matrix, ${profile} profile (${rows.length} faults x ${builtins.length} scenarios)\n${table.join('\n')}\n`,
    );
    for (const r of rows) {
      expect(r.errored, r.fault).toEqual([]);
      for (const e of r.expected) expect(r.failed, `${r.fault} must fail ${e}`).toContain(e);
      expect(r.message.length).toBeGreaterThan(20);
    }
  }, 180_000);
});

describe('the fault matrix', () => {
  it('every built-in scenario names the faults it catches, matching the matrix', () => {
    const fromFiles: Record<string, string[]> = {};
    for (const b of builtins)
      for (const f of b.scenario.catches ?? []) (fromFiles[f] ??= []).push(b.scenario.id);
    for (const [fault, ids] of Object.entries(MATRIX))
      expect(fromFiles[fault]?.sort(), fault).toEqual([...ids].sort());
  });
});

describe('a target that is down', () => {
  it('gives error and exit 3, never fail or pass', async () => {
    const embedded = await startEmbeddedTarget(defaultConfig(), { dataFile: false });
    const config = embedded.config;
    await embedded.stop();
    const r = await runScenarios({ config, scenarios: builtins, target: targetFromConfig(config) });
    expect(r.exitCode).toBe(3);
    expect(r.unreachable).toBe(true);
    expect(new Set(r.results.map((x) => x.outcome))).toEqual(new Set(['error']));
    expect(r.results[0]!.summary).toMatch(/could not be reached/);
  });
});
