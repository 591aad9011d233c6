/**
 * The step-kind extension point: a registry keyed by `type`. A kind brings its zod schema
 * (which becomes part of the scenario JSON Schema), an optional load-time check (FHIRPath
 * compiled, field paths parsed, references resolved) and `run`, which returns an outcome as
 * data. `run` throws only on bugs; the runner turns a throw into `error`.
 */
import { z } from 'zod';
import { durationSchema, parseDuration } from '../../config/duration.js';
import type { Attestation, Exchange, Finding, Outcome } from '../../core/index.js';
import type { AuditSource } from '../../compliance/index.js';
import type { GoliveConfig } from '../../config/index.js';
import type { FhirClient } from '../../fhir/index.js';
import type { Capabilities } from '../../fhir/index.js';
import type { MllpClient } from '../../transports/index.js';
import type { TimeContext } from '../values.js';
import type { CaptureBuffer } from '../capture.js';
import type { ControlHooks } from '../control.js';
import type { TemplateStore } from '../templates.js';

/** A wait: a duration, or a placeholder naming one (`{{criticalResultDeadline}}`). */
export const deadlineSchema = z.union([
  durationSchema,
  z.string().regex(/^\s*\{\{[^{}]+\}\}\s*$/, 'a duration (10s) or one {{placeholder}}'),
]);

/** The deadline in ms: the step's own, else the default. */
export function resolveDeadline(
  v: number | string | undefined,
  fallback: number,
  ctx: Pick<StepContext, 'render'>,
): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const ms = parseDuration(ctx.render(v));
  if (ms === undefined) throw new Error(`"${v}" does not give a duration`);
  return ms;
}

/** `hold: true` is the configured settle time; a duration is itself; absent is 0. */
export function resolveHold(
  v: boolean | number | undefined,
  ctx: Pick<StepContext, 'config'>,
): number {
  if (v === true) return ctx.config.scenarios.timeouts.settle;
  return typeof v === 'number' ? v : 0;
}

export const STEP_ID = /^[a-z][a-z0-9-]*$/;

/** Fields every step has. */
export const stepBase = {
  id: z
    .string()
    .regex(STEP_ID, 'step ids are lower-case words joined by dashes')
    .optional()
    .meta({ description: 'Names the step so later steps can refer to it ({{id.controlId}}).' }),
  title: z.string().min(1).meta({ description: 'What the step does, in clinical words.' }),
  always: z
    .boolean()
    .optional()
    .meta({ description: 'Run even after an earlier step failed (clean-up: resume, restore).' }),
  when: z.string().optional().meta({
    description:
      'Run only when this renders non-empty (and not "false"), e.g. {{notificationApplication}}: a step about something the target profile may not have.',
  }),
};

export interface StepOutcome {
  outcome: Outcome;
  message: string;
  expected?: string;
  actual?: string;
  /** The target could not be reached (connection refused or timed out): exit code 3. */
  unreachable?: boolean;
  measurements?: Record<string, number>;
  attestation?: Attestation;
  /**
   * Findings naming each problem, for a step that checks many things at once (the audit trail:
   * one per missing record). They stand in for the scenario's one finding about this step.
   */
  findings?: Finding[];
  /**
   * The target does not have what this step needs (a resource type, a search): the scenario
   * ends not applicable with this reason, and its criteria stay not evidenced (fail-closed).
   */
  notApplicable?: string;
}

/** Person confirming a manual step; absent in unattended runs. */
export type ManualPrompt = (p: {
  scenario: string;
  step: string;
  prompt: string;
  criterion?: string;
}) => Promise<{ confirmed: boolean; by: string; role: string; note?: string }>;

export interface StepServices {
  mllp(): MllpClient | undefined;
  mllpPeer: string;
  fhir(): FhirClient | undefined;
  capture: CaptureBuffer | undefined;
  control: ControlHooks;
  templates: TemplateStore;
  manual?: ManualPrompt;
  /** Where the target's audit records are, when not its FHIR AuditEvent endpoint. */
  auditSource?: AuditSource;
  /** The target's CapabilityStatement (read once per run), when it has one. */
  capabilities(): Promise<Capabilities | undefined>;
}

/** Instants of finished steps, by step id (ms since epoch). */
export interface StepTimes {
  startedAt: number;
  endedAt: number;
}

export interface StepContext {
  scenarioId: string;
  config: GoliveConfig;
  vars: Map<string, string>;
  time: TimeContext;
  services: StepServices;
  /** Keep an exchange as evidence, linked to this step; returns its id. */
  record(x: Omit<Exchange, 'id'>): string;
  /** Link an exchange recorded elsewhere (FHIR client sink) to this step. */
  stepTimes: ReadonlyMap<string, StepTimes>;
  /** When this scenario started (ms). Messages captured before it are not considered. */
  scenarioStartedAt: number;
  /** Render `{{...}}` placeholders with the scenario's values (plus `extra` ones). */
  render(text: string, extra?: ReadonlyMap<string, string>): string;
  renderDeep(value: unknown): unknown;
  /**
   * Every exchange the whole run has kept so far, all scenarios (what `audit` verifies). Only
   * complete for a kind marked `afterOthers`: the others may still be running.
   */
  runExchanges(): readonly Exchange[];
  /** A fresh synthetic identifier of this run (control ids of sent messages...). */
  newId(kind: 'control-id' | 'id'): string;
  signal: AbortSignal;
}

/** Load-time checking help handed to a kind. */
export interface CheckContext {
  /** Report a problem at a path relative to the step. */
  issue(path: (string | number)[], message: string): void;
  /** Names declared for placeholders so far (variables, captures, config values). */
  declared: ReadonlySet<string>;
  /** Step ids defined before this step. */
  earlierSteps: ReadonlySet<string>;
  templateExists(name: string): boolean;
  /** Text of a template (built-in or overridden), for checking its placeholders. */
  templateText(name: string): string | undefined;
}

export interface StepKind<S extends { type: string } = { type: string }> {
  type: S['type'];
  schema: z.ZodType<S>;
  /** Names the step defines for later steps (captures). */
  defines?(step: S): string[];
  check?(step: S, c: CheckContext): void;
  /**
   * The kind looks back at what the rest of the run did (`audit`): a scenario with such a step
   * runs alone, after every other scenario of the run, exclusive ones included.
   */
  afterOthers?: boolean;
  run(step: S, ctx: StepContext): Promise<StepOutcome>;
}

/** Helper keeping the step's own type through registration. */
export function defineStep<S extends { type: string }>(kind: StepKind<S>): StepKind<S> {
  return kind;
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
