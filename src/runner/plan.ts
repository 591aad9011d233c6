/**
 * The plan of `golive run`: what each phase will do, made from the configuration and the inputs
 * already read (inputs.ts), before anything is sent. Pure: no files, sockets, clocks or
 * environment, so the same inputs give the same plan, `golive run --plan` prints it and tests
 * assert on it (the changesets pattern: assemble-release-plan takes data already read and
 * returns a plan). The phases (phases/) then do what the plan says.
 */
import { relative } from 'node:path';
import type { GoliveConfig, LoadedConfig } from '../config/index.js';
import { BUILTIN_PROFILES, type LoadedProfile } from '../load/index.js';
import { BUILTIN_REGISTRY } from '../scenarios/index.js';
import { phasesOf } from '../scenarios/index.js';
import type { RecordInputs, RunInputs } from './inputs.js';
import type { EmbeddedSite, SiteProfileName } from './targets.js';

export type PhaseId =
  'records' | 'probe' | 'scenarios' | 'audit' | 'lint' | 'load' | 'storage' | 'failover' | 'review';

/** The order phases run in (and their results are recorded in). */
export const PHASE_ORDER: readonly PhaseId[] = [
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

/**
 * The workflow chain (what the scenarios did is then audited and linted) and the infrastructure
 * phases. Against one target they run one after another, so load never disturbs a scenario;
 * with embedded sites (one per phase) the two lanes may run side by side.
 */
export const WORKFLOW_LANE: readonly PhaseId[] = ['probe', 'scenarios', 'audit', 'lint'];
export const INFRASTRUCTURE_LANE: readonly PhaseId[] = ['load', 'storage', 'failover'];

export const PHASE_TITLES: Readonly<Record<PhaseId, string>> = {
  records: 'Read and check the site files (compliance, adoption, review, profiles)',
  probe: 'What the target supports (CapabilityStatement, lookups, coverage)',
  scenarios: 'Workflow scenarios over MLLP and FHIR',
  audit: 'Audit trail of every action the scenarios performed',
  lint: 'Semantic lint of traffic',
  load: 'Load profiles',
  storage: 'Storage growth from the measured load',
  failover: 'Failover: disruption mid-stream, loss and recovery',
  review: 'Evidence store, review and reports',
};

/** One group of records and the criteria its review gives evidence for. */
export interface RecordPlan {
  kind: 'access' | 'registers' | 'adoption' | 'handoffs';
  /** Files, relative to the config folder (handoffs come from golive.yaml itself). */
  files: string[];
  criteria: string[];
}

export interface ProfilePlan {
  name: string;
  title?: string;
  /** `builtin`, or the file as golive.yaml names it (relative to the config folder). */
  source: string;
  maxDurationMs: number;
  executors: { name: string; executor: string }[];
  criteria: string[];
}

export type PhasePlan =
  | { id: 'records'; records: RecordPlan[] }
  | { id: 'probe'; fhir: boolean; lookups: GoliveConfig['target']['lookups']; scenarios: number }
  | {
      id: 'scenarios';
      concurrency: number;
      scenarios: ScenarioPlan[];
    }
  | {
      id: 'audit';
      source: 'fhir' | 'csv' | 'ndjson';
      file?: string;
      /** Verified by the scenario run's own audit step, over every scenario's exchanges. */
      inScenarioRun: boolean;
    }
  | {
      id: 'lint';
      inputs: string[];
      files: string[];
      /** What the target forwards during the scenarios is linted too (and kept as a file). */
      capturedTraffic: boolean;
    }
  | { id: 'load'; profiles: ProfilePlan[] }
  | { id: 'storage'; declaration: string; measuredBy: string }
  | {
      id: 'failover';
      profile: ProfilePlan;
      action: string;
      atMs: number;
      recoveryObjectiveMs: number;
    }
  | {
      id: 'review';
      template: string;
      criteria: number;
      attestations: number;
      waivers: number;
      evidence: string;
      reports: string;
    };

export interface ScenarioPlan {
  id: string;
  title: string;
  domain: string;
  /** `builtin` or the file, relative to the config folder. */
  source: string;
  /** concurrent with others; exclusive (it disturbs the target) alone; last (looks back) at the end. */
  order: 'concurrent' | 'exclusive' | 'last';
}

export type PlannedPhase = PhasePlan & { title: string };

export interface PlannedTarget {
  kind: 'embedded' | 'config' | 'none';
  /** The name the run is recorded under. */
  name: string;
  /** A real target is probed before any phase sends (unreachable: exit 3, nothing stored). */
  reachability: boolean;
  mllp?: string;
  fhir?: string;
  profile?: SiteProfileName;
  faults?: EmbeddedSite['faults'];
}

export interface RunPlan {
  /** The config file, and the folder the plan's relative paths are relative to. */
  config?: string;
  baseDir: string;
  target: PlannedTarget;
  /** The workflow lane runs beside load and failover, each on its own embedded site. */
  overlap: boolean;
  phases: PlannedPhase[];
  /** Phases left out, and why. */
  notRun: { id: PhaseId; why: string }[];
}

export interface PlanOptions {
  embedded?: EmbeddedSite;
  /** Overlap the lanes (embedded only: never against a real target). */
  overlap?: boolean;
  targetLabel?: string;
  /** Absolute paths (or a postgres URL), resolved by the caller. */
  reportDir: string;
  evidence: string;
}

export function planRun(loaded: LoadedConfig, inputs: RunInputs, o: PlanOptions): RunPlan {
  const c = loaded.config;
  const rel = (p: string) => relative(loaded.baseDir, p) || '.';
  const runsScenarios = scenariosRun(c, !!o.embedded);
  const phases: PhasePlan[] = [{ id: 'records', records: recordsPlan(c, inputs.records, rel) }];
  const notRun: RunPlan['notRun'] = [];
  if (runsScenarios) phases.push(...workflowPlan(c, !!o.embedded, inputs, rel));
  else
    notRun.push(
      ...['probe' as const, 'scenarios' as const].map((id) => ({ id, why: noScenarios(c) })),
    );
  const audit = auditPlan(inputs, runsScenarios, rel);
  if (audit) phases.push(audit);
  else notRun.push({ id: 'audit', why: 'compliance.audit is not set' });
  if (inputs.lint) {
    const { inputs: given, files, captured } = inputs.lint;
    phases.push({
      id: 'lint',
      inputs: given.map(rel),
      files: files.map(rel),
      capturedTraffic: captured,
    });
  } else notRun.push({ id: 'lint', why: 'golive.yaml has no lint section' });
  phases.push(...infrastructurePlan(c, inputs, notRun));
  phases.push({
    id: 'review',
    template: c.review?.template ?? 'standard',
    criteria: inputs.template.criteria.length,
    attestations: inputs.attestations.length,
    waivers: inputs.waivers.length,
    evidence: o.evidence,
    reports: o.reportDir,
  });
  return {
    ...(loaded.file ? { config: loaded.file } : {}),
    baseDir: loaded.baseDir,
    target: targetPlan(c, o, runsScenarios),
    overlap: !!o.embedded && !!o.overlap,
    phases: phases.map((p) => ({ ...p, title: PHASE_TITLES[p.id] })),
    notRun,
  };
}

/** Scenarios run when some are in scope and there is a target to run them against. */
function scenariosRun(c: GoliveConfig, embedded: boolean): boolean {
  // No include list means every built-in scenario (as for `golive scenarios run`).
  const inScope = (c.scenarios.include ?? ['*']).length > 0 || (c.scenarios.files ?? []).length > 0;
  return inScope && (embedded || !!c.target.mllp || !!c.target.fhir);
}

function noScenarios(c: GoliveConfig): string {
  return (c.scenarios.include ?? ['*']).length === 0 && !(c.scenarios.files ?? []).length
    ? 'no scenario in scope (scenarios.include is empty)'
    : 'no target: golive.yaml names neither target.mllp nor target.fhir (or give --target embedded)';
}

function workflowPlan(
  c: GoliveConfig,
  embedded: boolean,
  inputs: RunInputs,
  rel: (p: string) => string,
): PhasePlan[] {
  const order = phasesOf(inputs.scenarios, BUILTIN_REGISTRY);
  const orderOf = (id: string): ScenarioPlan['order'] =>
    order.last.some((l) => l.scenario.id === id)
      ? 'last'
      : order.exclusive.some((l) => l.scenario.id === id)
        ? 'exclusive'
        : 'concurrent';
  return [
    {
      id: 'probe',
      fhir: embedded || !!c.target.fhir,
      lookups: c.target.lookups,
      scenarios: inputs.scenarios.length,
    },
    {
      id: 'scenarios',
      concurrency: c.scenarios.concurrency,
      scenarios: inputs.scenarios.map((l) => ({
        id: l.scenario.id,
        title: l.scenario.title,
        domain: l.scenario.domain,
        source: l.builtin ? 'builtin' : rel(l.file),
        order: orderOf(l.scenario.id),
      })),
    },
  ];
}

function auditPlan(
  inputs: RunInputs,
  runsScenarios: boolean,
  rel: (p: string) => string,
): PhasePlan | undefined {
  const au = inputs.audit;
  if (!au) return undefined;
  // Read from the target's AuditEvents, the audit trail is verified inside the scenario run
  // (its audit step runs after the others, over all their exchanges). An exported log, or a
  // run without that scenario, is checked in the audit phase.
  const inRun = inputs.scenarios.some((s) => s.scenario.steps.some((st) => st.type === 'audit'));
  if (au.source !== 'fhir')
    return { id: 'audit', source: au.source, file: rel(au.file), inScenarioRun: false };
  return { id: 'audit', source: 'fhir', inScenarioRun: runsScenarios && inRun };
}

function infrastructurePlan(
  c: GoliveConfig,
  inputs: RunInputs,
  notRun: RunPlan['notRun'],
): PhasePlan[] {
  const out: PhasePlan[] = [];
  const given = c.load?.profiles ?? [];
  if (inputs.profiles.length)
    out.push({ id: 'load', profiles: inputs.profiles.map((lp, i) => profilePlan(lp, given[i]!)) });
  else notRun.push({ id: 'load', why: 'load.profiles is not set' });
  const first = inputs.profiles[0];
  if (inputs.storage && first) {
    const s = c.load?.storage;
    out.push({
      id: 'storage',
      declaration: typeof s === 'string' ? s : 'load.storage (inline)',
      measuredBy: first.profile.name,
    });
  } else
    notRun.push({
      id: 'storage',
      why: inputs.storage ? 'no load profile to measure message sizes' : 'load.storage is not set',
    });
  const fo = inputs.failover;
  if (fo?.profile.failover) {
    const f = fo.profile.failover;
    out.push({
      id: 'failover',
      profile: profilePlan(fo, c.load!.failover!.profile!),
      action: f.action,
      atMs: f.at,
      recoveryObjectiveMs: f.recoveryObjective,
    });
  } else notRun.push({ id: 'failover', why: 'load.failover.profile is not set' });
  return out;
}

/** A load profile as golive.yaml names it: a built-in name or a file relative to the config. */
function profilePlan(lp: LoadedProfile, given: string): ProfilePlan {
  const p = lp.profile;
  return {
    name: p.name,
    ...(p.title ? { title: p.title } : {}),
    source: (BUILTIN_PROFILES as readonly string[]).includes(given) ? 'builtin' : given,
    maxDurationMs: p.maxDuration,
    executors: Object.entries(p.executors).map(([name, e]) => ({ name, executor: e.executor })),
    criteria: [...(p.criteria ?? [])],
  };
}

/** Which criteria each group of records gives evidence for (the analyses its files allow). */
function recordsPlan(c: GoliveConfig, r: RecordInputs, rel: (p: string) => string): RecordPlan[] {
  const out: RecordPlan[] = [];
  const files = (o: object) =>
    Object.values(o)
      .filter((v): v is string => typeof v === 'string')
      .map(rel);
  if (r.access)
    out.push({
      kind: 'access',
      files: files(r.access.files),
      criteria: ['compliance.roles-duties', 'compliance.service-vendor-accounts'],
    });
  if (r.registers) {
    const criteria = [
      ...(r.registers.devices ? ['compliance.device-security'] : []),
      ...(r.registers.changes ? ['compliance.change-control'] : []),
    ];
    out.push({ kind: 'registers', files: files(r.registers.files), criteria });
  }
  const a = r.adoption;
  if (a) {
    const criteria = [
      ...(a.tasks ? ['adoption.unaided-tasks'] : []),
      ...(a.tasks && a.guides ? ['adoption.exceptions-understood'] : []),
      ...(a.signals ? ['adoption.workaround-signals'] : []),
      ...(a.plan && a.roster ? ['adoption.floor-support'] : []),
    ];
    out.push({ kind: 'adoption', files: files(a.files), criteria });
  }
  if (c.review?.handoffs)
    out.push({ kind: 'handoffs', files: [], criteria: ['workflow.handoffs'] });
  return out;
}

function targetPlan(c: GoliveConfig, o: PlanOptions, runsScenarios: boolean): PlannedTarget {
  const { mllp, fhir } = c.target;
  if (o.embedded) {
    return {
      kind: 'embedded',
      name: o.targetLabel || 'embedded reference site',
      reachability: false,
      ...(o.embedded.profile ? { profile: o.embedded.profile } : {}),
      faults: o.embedded.faults,
    };
  }
  // What golive sends to is checked first, so an unreachable target is exit 3, not a review
  // full of failures.
  const reachability =
    runsScenarios || !!c.load?.profiles?.length || c.compliance?.audit?.source === 'fhir';
  const endpoints = [mllp ? `mllp://${mllp.host}:${mllp.port}` : '', fhir?.baseUrl ?? '']
    .filter(Boolean)
    .join(' + ');
  return {
    kind: mllp || fhir ? 'config' : 'none',
    name: o.targetLabel || (reachability && endpoints) || '(no target)',
    reachability,
    ...(mllp ? { mllp: `${mllp.host}:${mllp.port}` } : {}),
    ...(fhir ? { fhir: fhir.baseUrl } : {}),
  };
}
