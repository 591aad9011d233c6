/**
 * Load profile schema (schema-first, like scenarios): one zod schema gives the types, the
 * validation with dot-path messages (unknown keys rejected) and the JSON Schema for editors.
 * Every executor is bounded: a duration or a count, and the profile as a whole a `maxDuration`.
 */
import { z } from 'zod';
import { parseDurationWithUnit } from '../config/duration.js';

/** "500ms", "15s", "2m", "1h30m" -> milliseconds: golive's one duration grammar, unit required. */
export const parseDuration = parseDurationWithUnit;

export const duration = z
  .string({ error: 'expected a duration with a unit, e.g. "500ms", "15s", "2m"' })
  .refine((s) => parseDuration(s) !== undefined, {
    message: 'expected a duration with a unit, e.g. "500ms", "15s", "2m"',
  })
  .transform((s) => parseDuration(s)!);

const positive = z.number().positive();
const count = z.number().int().positive();

/** Which message templates an executor sends, with relative weights. */
const mix = z
  .record(z.string(), z.number().positive())
  .refine((m) => Object.keys(m).length > 0, { message: 'name at least one message template' });

const common = {
  /** Start this long after the run starts (default 0). */
  startAt: duration.optional(),
  mix,
  /** Connections opened for this executor; sends are spread over them. */
  connections: z.number().int().min(1).max(64).default(1),
  /** Messages in flight at once for this executor; beyond it iterations are dropped, counted. */
  maxInFlight: z.number().int().min(1).max(100_000).default(1000),
  ackTimeout: duration.default(10_000),
};

export const constantRateSchema = z.strictObject({
  executor: z.literal('constant-rate'),
  rate: positive.max(1_000_000),
  duration,
  ...common,
});

export const burstSchema = z.strictObject({
  executor: z.literal('burst'),
  /** Messages in one burst. */
  messages: count.max(10_000_000),
  /** Time the burst is spread over. */
  over: duration,
  /** Analyzer connections the burst comes from. */
  ...common,
  /** Repeat the burst this many times, `every` apart. */
  repeat: z.number().int().min(1).max(1000).default(1),
  every: duration.optional(),
});

export const rampingRateSchema = z.strictObject({
  executor: z.literal('ramping-rate'),
  startRate: z.number().min(0).default(0),
  stages: z.array(z.strictObject({ duration, target: z.number().min(0).max(1_000_000) })).min(1),
  ...common,
});

const fhirRequest = z.strictObject({
  /** Path relative to the FHIR base, with placeholders: `Patient?identifier={{mrn}}`. */
  path: z.string().min(1),
  weight: z.number().positive().default(1),
  /** Statuses that count as success (default 200). */
  expect: z.array(z.number().int().min(100).max(599)).default([200]),
});

export const concurrentUsersSchema = z.strictObject({
  executor: z.literal('concurrent-users'),
  users: z.number().int().min(1).max(10_000),
  duration,
  startAt: duration.optional(),
  /** Pause between one user's requests: a fixed duration or a uniform range. */
  thinkTime: z.union([duration, z.strictObject({ min: duration, max: duration })]).default(500),
  requests: z.array(fhirRequest).min(1),
  requestTimeout: duration.default(10_000),
});

export const executorSchema = z.discriminatedUnion('executor', [
  constantRateSchema,
  burstSchema,
  rampingRateSchema,
  concurrentUsersSchema,
]);

/** A message template: a built-in one by name or ER7 text with placeholders. */
export const templateSchema = z.union([
  z.strictObject({
    builtin: z.enum(['adt-a04', 'adt-a08', 'orm-o01', 'oru-r01']),
    /** OBX segments in a built-in result (default 5). */
    observations: z.number().int().min(1).max(200).optional(),
    /**
     * `fresh` identifiers each time, or a `prepared` subject: a patient registered (ADT^A04) and
     * an order placed (ORM^O01) before the measured run, each used by one message.
     */
    subject: z.enum(['fresh', 'prepared']).optional(),
  }),
  z.strictObject({
    text: z.string().min(8),
    subject: z.enum(['fresh', 'prepared']).optional(),
  }),
]);

export const thresholdsSchema = z.record(z.string(), z.array(z.string()).min(1));

export const endToEndSchema = z.strictObject({
  /** Messages forwarded to golive's capture listener (the target's downstream). */
  capture: z
    .strictObject({
      /** Field path identifying a message on both sides (default OBR-3, the filler order number). */
      key: z.string().default('OBR-3'),
      /** Message types expected downstream once acknowledged with AA (default ORU^R01). */
      types: z.array(z.string()).default(['ORU^R01']),
      /** Longest wait after the last send for forwarded messages to arrive. */
      drain: duration.default(10_000),
    })
    .optional(),
  /** Look sent messages up over FHIR after the run (a sample of them). */
  fhirLookup: z
    .strictObject({
      /** Search path with placeholders from the sent message, e.g. `DiagnosticReport?identifier={{OBR-3}}`. */
      path: z.string().min(1),
      types: z.array(z.string()).default(['ORU^R01']),
      sample: z.number().int().min(1).max(10_000).default(100),
    })
    .optional(),
});

export const failoverSchema = z.strictObject({
  /** When the action happens, from the run start. */
  at: duration,
  action: z.enum(['restart', 'pause-resume']),
  /** For pause-resume: how long the target stays paused. */
  pauseFor: duration.default(2000),
  /** How to act on the target; without it the runner's control hook for the target is used. */
  via: z
    .union([
      z.strictObject({
        http: z.strictObject({
          /** Base URL of the control API; `/restart`, `/pause`, `/resume` are appended. */
          url: z.url(),
          method: z.enum(['POST', 'PUT']).default('POST'),
        }),
      }),
      z.strictObject({
        /** argv per action, run without a shell; `{action}` is replaced by restart|pause|resume. */
        command: z.array(z.string()).min(1),
      }),
    ])
    .optional(),
  /** Recovery objective: the target acknowledges again within this long. */
  recoveryObjective: duration.default(30_000),
});

export const profileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().optional(),
  description: z.string().optional(),
  /** Hard limit on the whole run including the drain; the run stops by itself at it. */
  maxDuration: duration.default(120_000),
  /** Review criteria the load result is evidence for. */
  criteria: z.array(z.string()).default(['infrastructure.peak-load']),
  messages: z.record(z.string(), templateSchema),
  executors: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), executorSchema)
    .refine((e) => Object.keys(e).length > 0, { message: 'define at least one executor' }),
  thresholds: thresholdsSchema.default({}),
  endToEnd: endToEndSchema.optional(),
  failover: failoverSchema.optional(),
});

export type Profile = z.output<typeof profileSchema>;
export type ExecutorConfig = z.output<typeof executorSchema>;
export type OpenExecutorConfig = Exclude<ExecutorConfig, { executor: 'concurrent-users' }>;
export type UsersExecutorConfig = Extract<ExecutorConfig, { executor: 'concurrent-users' }>;
export type TemplateConfig = z.output<typeof templateSchema>;
export type EndToEndConfig = z.output<typeof endToEndSchema>;
export type FailoverConfig = z.output<typeof failoverSchema>;

/** JSON Schema (draft 2020-12) of load profiles, published as schemas/load-profile.schema.json. */
export function profileJsonSchemaDocument(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(profileSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://golive.dev/schemas/load-profile.schema.json',
    title: 'golive load profile',
  };
}
