/**
 * The plan of `golive run` as data (runner/plan.ts): made from the configuration and the inputs
 * already read, before anything is sent. The examples' plans name every phase, the scenarios in
 * scope, the files each phase reads and what the records give evidence for.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '../../src/config/index.js';
import { loadBuiltinScenarios } from '../../src/scenarios/index.js';
import { readInputs } from '../../src/runner/inputs.js';
import { planRun, type PlannedPhase, type RunPlan } from '../../src/runner/plan.js';
import { planReview } from '../../src/runner/run.js';
import { PHASES, type PhaseContext } from '../../src/runner/phases/index.js';
import { ROOT } from '../helpers/cli.js';

const EX = resolve(ROOT, 'examples');
const OUT = { reportDir: '/tmp/golive-plan/reports', evidence: '/tmp/golive-plan/evidence.db' };
const ALL = [
  'records',
  'probe',
  'scenarios',
  'audit',
  'lint',
  'load',
  'storage',
  'failover',
  'review',
];
const NO_FAULTS = { scenarios: [], load: [], failover: [] };

/** The example's config without the environment (GOLIVE_* variables would change the target). */
const example = (name: string) => loadConfigFile(join(EX, name), {});

function phase<I extends PlannedPhase['id']>(
  plan: RunPlan,
  id: I,
): Extract<PlannedPhase, { id: I }> {
  const p = plan.phases.find((x) => x.id === id);
  if (!p) throw new Error(`no ${id} phase in the plan`);
  return p as Extract<PlannedPhase, { id: I }>;
}

describe('plan of golive run', () => {
  it('examples/golive.yaml against its own target: every phase, the built-in scenarios, the inputs', () => {
    const { plan } = planReview({ loaded: example('golive.yaml'), ...OUT });
    expect(plan.phases.map((p) => p.id)).toEqual(ALL);
    expect(plan.notRun).toEqual([]);
    expect(plan.overlap).toBe(false);
    expect(plan.target).toEqual({
      kind: 'config',
      name: 'mllp://127.0.0.1:2575 + http://127.0.0.1:8080/fhir',
      reachability: true,
      mllp: '127.0.0.1:2575',
      fhir: 'http://127.0.0.1:8080/fhir',
    });
    expect(phase(plan, 'records').records).toEqual([
      {
        kind: 'access',
        files: [
          'site/compliance/accounts.csv',
          'site/compliance/roles.csv',
          'site/compliance/duties.yaml',
        ],
        criteria: ['compliance.roles-duties', 'compliance.service-vendor-accounts'],
      },
      {
        kind: 'registers',
        files: [
          'site/compliance/devices.csv',
          'site/compliance/changes.csv',
          'site/compliance/validations.csv',
        ],
        criteria: ['compliance.device-security', 'compliance.change-control'],
      },
      {
        kind: 'adoption',
        files: [
          'site/adoption/tasks.csv',
          'site/adoption/guides.csv',
          'site/adoption/signals.csv',
          'site/adoption/roster.csv',
          'site/adoption/plan.yaml',
        ],
        criteria: [
          'adoption.unaided-tasks',
          'adoption.exceptions-understood',
          'adoption.workaround-signals',
          'adoption.floor-support',
        ],
      },
      { kind: 'handoffs', files: [], criteria: ['workflow.handoffs'] },
    ]);
    const scenarios = phase(plan, 'scenarios');
    expect(scenarios.concurrency).toBe(4);
    // include: ['*'] is every built-in scenario.
    expect(scenarios.scenarios.map((s) => s.id).sort()).toEqual(
      loadBuiltinScenarios()
        .map((l) => l.scenario.id)
        .sort(),
    );
    expect(scenarios.scenarios.every((s) => s.source === 'builtin')).toBe(true);
    const order = Object.fromEntries(scenarios.scenarios.map((s) => [s.id, s.order]));
    expect(order['compliance.audit-coverage']).toBe('last');
    expect(order['downtime.recovery']).toBe('exclusive');
    expect(order['baseline.order-result']).toBe('concurrent');
    expect(phase(plan, 'probe')).toMatchObject({
      fhir: true,
      scenarios: scenarios.scenarios.length,
    });
    // The built-in audit scenario verifies the trail over every exchange of the run.
    expect(phase(plan, 'audit')).toMatchObject({ source: 'fhir', inScenarioRun: true });
    expect(phase(plan, 'lint')).toMatchObject({
      inputs: ['site/traffic/*.hl7'],
      files: ['site/traffic/adt.hl7', 'site/traffic/lab-results.hl7'],
      capturedTraffic: true,
    });
    expect(phase(plan, 'load').profiles).toEqual([
      {
        name: 'peak',
        title: 'Peak load (analyzer bursts, ADT background, chart readers)',
        source: 'builtin',
        maxDurationMs: 30_000,
        executors: [
          { name: 'adt-background', executor: 'constant-rate' },
          { name: 'analyzer-burst', executor: 'burst' },
          { name: 'chart-readers', executor: 'concurrent-users' },
        ],
        criteria: ['infrastructure.peak-load'],
      },
    ]);
    expect(phase(plan, 'storage')).toMatchObject({
      declaration: 'site/load/storage.yaml',
      measuredBy: 'peak',
    });
    // golive.yaml's action and recovery objective win over the profile's.
    expect(phase(plan, 'failover')).toMatchObject({
      profile: { name: 'failover-restart', source: 'site/load/failover.yaml', criteria: [] },
      action: 'restart',
      atMs: 4000,
      recoveryObjectiveMs: 10_000,
    });
    expect(phase(plan, 'review')).toMatchObject({
      template: 'standard',
      attestations: 2,
      waivers: 0,
      ...{ evidence: OUT.evidence, reports: OUT.reportDir },
    });
  });

  it('examples/golive-clean.yaml on the embedded site, as the demo runs it: lanes overlap, no reachability check', () => {
    const embedded = { faults: NO_FAULTS, profile: 'minimal' as const };
    const { plan } = planReview({
      loaded: example('golive-clean.yaml'),
      embedded,
      overlapPhases: true,
      ...OUT,
    });
    expect(plan.phases.map((p) => p.id)).toEqual(ALL);
    expect(plan.overlap).toBe(true);
    expect(plan.target).toEqual({
      kind: 'embedded',
      name: 'embedded reference site',
      reachability: false,
      profile: 'minimal',
      faults: NO_FAULTS,
    });
    expect(phase(plan, 'probe').fhir).toBe(true);
    expect(phase(plan, 'scenarios').scenarios).toHaveLength(loadBuiltinScenarios().length);
    expect(phase(plan, 'lint').files).toEqual([
      'site-clean/traffic/adt.hl7',
      'site-clean/traffic/lab-results.hl7',
    ]);
    expect(phase(plan, 'records').records.map((r) => [r.kind, r.files[0]])).toEqual([
      ['access', 'site-clean/compliance/accounts.yaml'],
      ['registers', 'site-clean/compliance/devices.yaml'],
      ['adoption', 'site-clean/adoption/tasks.csv'],
      ['handoffs', undefined],
    ]);
    expect(phase(plan, 'review')).toMatchObject({ attestations: expect.any(Number), waivers: 0 });
  });

  it('without a target: no probe, scenarios or reachability check, and the plan says why', () => {
    const loaded = example('golive-clean.yaml');
    const { plan } = planReview({ loaded, ...OUT });
    expect(plan.target.kind).toBe('none');
    expect(plan.phases.map((p) => p.id)).toEqual(
      ALL.filter((id) => id !== 'probe' && id !== 'scenarios'),
    );
    expect(plan.notRun.map((n) => n.id)).toEqual(['probe', 'scenarios']);
    expect(plan.notRun[0]!.why).toMatch(/no target/);
    // The audit step of the scenarios does not run, so the audit phase checks the trail itself.
    expect(phase(plan, 'audit').inScenarioRun).toBe(false);
  });

  it('a config naming only records plans records and review; an exported audit log is named', () => {
    const loaded = loadConfigText(
      [
        'version: 1',
        'scenarios: { include: [] }',
        `compliance: { audit: { source: csv, file: ${join(EX, 'site/compliance/changes.csv')} } }`,
        'adoption:',
        `  tasks: ${join(EX, 'site-clean/adoption/tasks.csv')}`,
        '',
      ].join('\n'),
      join(EX, 'golive.yaml'),
      {},
    );
    const inputs = readInputs(loaded);
    const plan = planRun(loaded, inputs, OUT);
    expect(plan.phases.map((p) => p.id)).toEqual(['records', 'audit', 'review']);
    expect(plan.target).toEqual({ kind: 'none', reachability: false, name: '(no target)' });
    expect(phase(plan, 'audit')).toEqual({
      id: 'audit',
      title: expect.any(String),
      source: 'csv',
      file: 'site/compliance/changes.csv',
      inScenarioRun: false,
    });
    expect(phase(plan, 'records').records).toEqual([
      {
        kind: 'adoption',
        files: ['site-clean/adoption/tasks.csv'],
        criteria: ['adoption.unaided-tasks'],
      },
    ]);
    expect(plan.notRun.map((n) => n.id)).toEqual([
      'probe',
      'scenarios',
      'lint',
      'load',
      'storage',
      'failover',
    ]);
    // Pure: the same inputs give the same plan.
    expect(planRun(loaded, inputs, OUT)).toEqual(plan);
  });

  it.each(['golive.yaml', 'golive-clean.yaml'])(
    '%s: the records phase gives evidence for exactly the criteria the plan names',
    async (name) => {
      const loaded = example(name);
      const { plan, inputs } = planReview({ loaded, ...OUT });
      const ctx = {
        loaded,
        plan,
        inputs,
        asOf: new Date('2026-02-27T12:00:00Z'),
        results: new Map(),
        run: { configFile: name },
      } as unknown as PhaseContext;
      const out = await PHASES.records.run(ctx, phase(plan, 'records'));
      expect(out.checks.flatMap((c) => c.criteria).sort()).toEqual(
        phase(plan, 'records')
          .records.flatMap((r) => r.criteria)
          .sort(),
      );
    },
  );
});
