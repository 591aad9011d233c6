/**
 * Running one scenario: values of the run, then each step in order, each exchange recorded
 * and linked from its step. After a `fail` or `error` the remaining steps are skipped (they
 * would test on a state the story did not reach) except those marked `always` (clean-up).
 * The scenario's outcome is the roll-up of its steps (core/result.ts).
 */
import type {
  Attestation,
  CheckResult,
  Exchange,
  Finding,
  ScenarioData,
  StepResult,
} from '../core/index.js';
import { rollUp } from '../core/index.js';
import type { AuditSource } from '../compliance/index.js';
import type { GoliveConfig } from '../config/index.js';
import type { FhirClient } from '../fhir/index.js';
import type { Capabilities } from '../fhir/index.js';
import { MllpClient, type MllpClientOptions } from '../transports/index.js';
import type { CaptureBuffer } from './capture.js';
import type { ControlHooks } from './control.js';
import type { LoadedScenario } from './loader.js';
import type { Scenario } from './schema.js';
import type { StepRegistry } from './steps/registry.js';
import type { ManualPrompt, StepContext, StepOutcome, StepTimes } from './steps/types.js';
import type { TemplateStore } from './templates.js';
import { IdSource, dtmIn, evalClock, render, renderDeep, type TimeContext } from './values.js';

/** What the scenarios run against. */
export interface Target {
  /** Shown in reports: a site name, host:port or URL. */
  name: string;
  mllp?: MllpClientOptions;
  /** Base FHIR client (each step gets a copy recording its exchanges). */
  fhir?: FhirClient;
  control: ControlHooks;
}

/** Shared by every scenario of a run. */
export interface RunContext {
  config: GoliveConfig;
  target: Target;
  capture?: CaptureBuffer;
  registry: StepRegistry;
  templates: TemplateStore;
  ids: IdSource;
  clock: () => number;
  manual?: ManualPrompt;
  /** Records an exchange under a fresh run-unique id. */
  keep(x: Omit<Exchange, 'id'>): Exchange;
  /** Every exchange kept so far by the run (all scenarios); default: this scenario's own. */
  exchanges?(): readonly Exchange[];
  /** Where the target's audit records are, when not its FHIR AuditEvent endpoint. */
  auditSource?: AuditSource;
  /** The target's CapabilityStatement, read once per run. */
  capabilities?: () => Promise<Capabilities | undefined>;
  onStep?(scenario: string, step: StepResult): void;
  signal: AbortSignal;
}

export interface ScenarioRun {
  result: CheckResult;
  unreachable: boolean;
}

/** Values golive.yaml gives every scenario ({{mrnSystem}}, {{criticalResultDeadline}}...). */
export function configValues(
  config: GoliveConfig,
  scenarioId: string,
  token: string,
): Map<string, string> {
  const s = config.site;
  const m = new Map<string, string>([
    ['siteName', s.name],
    ['timeZone', s.timeZone],
    ['criticalResultDeadline', `${s.criticalResultDeadline}ms`],
    ['stabilityWindow', `${s.stabilityWindow}ms`],
    ['siteApplication', s.application],
    ['siteFacility', s.facility],
    ['receivingApplication', s.receivingApplication],
    ['receivingFacility', s.receivingFacility],
    ['hl7Version', s.hl7Version],
    ['scenarioId', scenarioId],
    ['runToken', token],
    ['resultsApplication', s.outbound.resultsApplication ?? ''],
    ['notificationApplication', s.outbound.notificationApplication ?? ''],
  ]);
  for (const [k, v] of Object.entries(s.identifiers)) m.set(k, v);
  return m;
}

function initialValues(s: Scenario, rc: RunContext, time: TimeContext): Map<string, string> {
  const vars = configValues(rc.config, s.id, rc.ids.token);
  for (const [name, def] of Object.entries(s.variables)) {
    if (typeof def === 'number') vars.set(name, String(def));
    else if (typeof def === 'string') vars.set(name, render(def, { vars, time }));
    else if ('generate' in def) vars.set(name, rc.ids.next(def.generate, def.prefix));
    else {
      const ms = evalClock(def.time, time.now(), (n) => vars.get(n));
      if (ms === undefined)
        throw new Error(`variable ${name}: "${def.time}" is not a clock expression`);
      vars.set(name, dtmIn(ms, def.zone ?? time.zone));
    }
  }
  return vars;
}

function summarize(
  s: Scenario,
  steps: StepResult[],
  outcome: CheckResult['outcome'],
  na: ScenarioData['notApplicable'],
): string {
  if (na && outcome === 'skip')
    return `Not applicable on this target (step ${na.step}): ${na.reason}. Evidence instead: ${na.manualEvidence}.`;
  const bad = steps.find((st) => st.outcome === outcome);
  switch (outcome) {
    case 'pass':
      return `All ${steps.filter((st) => st.outcome === 'pass').length} checks passed: ${s.title}.`;
    case 'fail':
      return `Failed at step ${bad!.index} (${bad!.title}): ${bad!.message}`;
    case 'error':
      return `Inconclusive at step ${bad?.index} (${bad?.title}): ${bad?.message}`;
    default:
      return steps.find((st) => st.outcome === 'skip')?.message ?? 'skipped';
  }
}

/** What one scenario accumulates while its steps run. */
interface ScenarioState {
  s: Scenario;
  rc: RunContext;
  time: TimeContext;
  startedAt: number;
  vars: Map<string, string>;
  exchanges: Exchange[];
  steps: StepResult[];
  measurements: Record<string, number>;
  attestations: Attestation[];
  stepTimes: Map<string, StepTimes>;
  stepFindings: Map<number, Finding[]>;
  unreachable: boolean;
  stopped: boolean;
  notApplicable?: ScenarioData['notApplicable'];
  mllp?: MllpClient;
}

function newState(s: Scenario, rc: RunContext): ScenarioState {
  const startedAt = rc.clock();
  const time: TimeContext = { now: rc.clock, zone: rc.config.site.timeZone };
  const st: ScenarioState = {
    s,
    rc,
    time,
    startedAt,
    vars: new Map(),
    exchanges: [],
    steps: [],
    measurements: {},
    attestations: [],
    stepTimes: new Map(),
    stepFindings: new Map(),
    unreachable: false,
    stopped: false,
  };
  try {
    st.vars = initialValues(s, rc, time);
  } catch (e) {
    const out: StepOutcome = { outcome: 'error', message: (e as Error).message };
    st.steps.push(stepResult(0, s.steps[0]!, out, startedAt, 0, []));
    st.stopped = true;
  }
  return st;
}

/** Why a step is not run, or undefined when it runs. */
function skipReason(st: ScenarioState, step: Scenario['steps'][number]): string | undefined {
  if (st.stopped && !step.always)
    return st.notApplicable
      ? 'not run: the scenario is not applicable on this target'
      : 'not run: an earlier step did not pass';
  if (step.when !== undefined) {
    const v = render(step.when, { vars: st.vars, time: st.time }).trim();
    if (v === '' || v === 'false') return `not run: ${step.when} is not set for this target`;
  }
  return undefined;
}

/** The context one step runs with; its exchanges are kept and linked to it through `ids`. */
function stepContext(st: ScenarioState, ids: string[]): StepContext {
  const { rc, vars, time } = st;
  const record = (x: Omit<Exchange, 'id'>) => {
    const kept = rc.keep(x);
    st.exchanges.push(kept);
    ids.push(kept.id);
    return kept.id;
  };
  return {
    scenarioId: st.s.id,
    config: rc.config,
    vars,
    time,
    services: {
      mllp: () => (rc.target.mllp ? (st.mllp ??= new MllpClient(rc.target.mllp)) : undefined),
      mllpPeer: rc.target.mllp ? `${rc.target.mllp.host}:${rc.target.mllp.port}` : '',
      fhir: () => rc.target.fhir?.withSink(record),
      capture: rc.capture,
      control: rc.target.control,
      templates: rc.templates,
      manual: rc.manual,
      auditSource: rc.auditSource,
      capabilities: rc.capabilities ?? (async () => undefined),
    },
    record,
    stepTimes: st.stepTimes,
    scenarioStartedAt: st.startedAt,
    render: (text, extra) =>
      render(text, { vars: extra ? new Map([...vars, ...extra]) : vars, time }),
    renderDeep: (v) => renderDeep(v, { vars, time }),
    runExchanges: () => rc.exchanges?.() ?? st.exchanges,
    newId: (kind) => rc.ids.next(kind),
    signal: rc.signal,
  };
}

/** Run one step (a throw is a bug in golive: inconclusive) and fold its outcome in. */
async function runStep(st: ScenarioState, i: number, step: Scenario['steps'][number]) {
  const { rc, s } = st;
  const ids: string[] = [];
  const ctx = stepContext(st, ids);
  const stepStart = rc.clock();
  const st0 = performance.now();
  let out: StepOutcome;
  try {
    out = await rc.registry.get(step.type)!.run(step as never, ctx);
  } catch (e) {
    out = { outcome: 'error', message: `golive could not run this step: ${(e as Error).message}` };
  }
  const dur = performance.now() - st0;
  if (step.id) st.stepTimes.set(step.id, { startedAt: stepStart, endedAt: stepStart + dur });
  if (out.unreachable) st.unreachable = true;
  Object.assign(st.measurements, out.measurements ?? {});
  if (out.attestation) st.attestations.push(out.attestation);
  if (out.findings?.length) st.stepFindings.set(i + 1, out.findings);
  if (out.notApplicable !== undefined) {
    st.notApplicable = {
      step: i + 1,
      reason: out.notApplicable,
      manualEvidence:
        s.manualEvidence ??
        `a person checks "${s.title}" on the receiver and attests ${s.criteria.join(', ')}`,
    };
    st.stopped = true;
  }
  const sr = stepResult(i + 1, step, out, stepStart, dur, ids);
  st.steps.push(sr);
  rc.onStep?.(s.id, sr);
  if (out.outcome === 'fail' || out.outcome === 'error') st.stopped = true;
}

/** One finding per failed step (or the step's own findings, e.g. one per missing audit record). */
function scenarioFindings(st: ScenarioState): Finding[] {
  const { s } = st;
  const severity = s.severity === 'minor' ? 'warning' : 'error';
  return st.steps
    .filter((x) => x.outcome === 'fail')
    .flatMap((x): Finding[] => {
      const step = { step: x.index, title: x.title };
      const own = st.stepFindings.get(x.index);
      if (own) return own.map((f) => ({ ...f, severity, detail: { ...f.detail, ...step } }));
      return [
        {
          rule: s.id,
          severity,
          domain: s.domain,
          message: `${s.title}: ${x.message}`,
          action: s.action,
          detail: { ...step, expected: x.expected, actual: x.actual },
        },
      ];
    });
}

export async function executeScenario(
  loaded: LoadedScenario,
  rc: RunContext,
): Promise<ScenarioRun> {
  const s = loaded.scenario;
  const t0 = performance.now();
  const st = newState(s, rc);
  for (const [i, step] of s.steps.entries()) {
    const why = skipReason(st, step);
    if (why !== undefined)
      st.steps.push(stepResult(i + 1, step, { outcome: 'skip', message: why }, rc.clock(), 0, []));
    else await runStep(st, i, step);
  }
  await st.mllp?.close();
  let outcome = rollUp(st.steps.map((x) => x.outcome));
  // Not applicable is never a pass: nothing about the target was learnt for this story.
  if (st.notApplicable && outcome === 'pass') outcome = 'skip';
  const data: ScenarioData = {
    steps: st.steps,
    variables: Object.fromEntries([...st.vars].filter(([k]) => !k.endsWith('.__text'))),
  };
  if (st.attestations.length) data.attestations = st.attestations;
  if (st.notApplicable) data.notApplicable = st.notApplicable;
  st.measurements.duration_ms = Math.round(performance.now() - t0);
  return {
    unreachable: st.unreachable,
    result: {
      check: s.id,
      kind: 'scenario',
      title: s.title,
      domain: s.domain,
      criteria: [...s.criteria],
      outcome,
      summary: summarize(s, st.steps, outcome, st.notApplicable),
      findings: scenarioFindings(st),
      measurements: st.measurements,
      startedAt: new Date(st.startedAt).toISOString(),
      durationMs: performance.now() - t0,
      exchanges: st.exchanges,
      data,
    },
  };
}

function stepResult(
  index: number,
  step: Scenario['steps'][number],
  out: StepOutcome,
  startedAt: number,
  durationMs: number,
  exchangeIds: string[],
): StepResult {
  const r: StepResult = {
    index,
    type: step.type,
    title: step.title,
    outcome: out.outcome,
    message: out.message,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.round(durationMs * 10) / 10,
    exchangeIds,
  };
  if (step.id) r.id = step.id;
  if (out.expected !== undefined) r.expected = out.expected;
  if (out.actual !== undefined) r.actual = out.actual;
  return r;
}
