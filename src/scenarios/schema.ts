/**
 * The scenario language: one zod schema for a scenario file, built from the step registry.
 * It gives the TypeScript types, validation with dot-paths (unknown keys rejected), and the
 * JSON Schema in schemas/scenario.schema.json.
 */
import { z } from 'zod';
import { DOMAINS } from '../core/index.js';
import { STANDARD_TEMPLATE } from '../review/index.js';
import { zoneSchema } from '../config/duration.js';
import { GENERATORS } from './values.js';
import { sendSchema } from './steps/send.js';
import { expectMessageSchema } from './steps/expect-message.js';
import { expectFhirSchema, fhirSchema } from './steps/fhir.js';
import { timingSchema, waitSchema } from './steps/timing.js';
import { controlSchema, manualSchema } from './steps/actions.js';
import { auditSchema } from './steps/audit.js';
import type { StepRegistry } from './steps/registry.js';

/** Review criteria of the `standard` template (REVIEW.md); a typo in a scenario is a load error. */
export const KNOWN_CRITERIA = STANDARD_TEMPLATE.criteria.map((c) => c.id) as [string, ...string[]];

export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export const variableSchema = z.union([
  z.string().meta({ description: 'A literal (may use {{placeholders}} of earlier variables).' }),
  z.number(),
  z.strictObject({
    generate: z.enum(GENERATORS).meta({ description: 'A fresh synthetic value for this run.' }),
    prefix: z
      .string()
      .regex(/^[A-Z]{0,4}$/)
      .optional(),
  }),
  z.strictObject({
    time: z.string().meta({ description: 'Clock expression: now, now - 2h, or an ISO instant.' }),
    zone: zoneSchema.optional().meta({ description: 'Zone for the offset (default: site zone).' }),
  }),
]);
export type VariableDef = z.output<typeof variableSchema>;

export const stepSchema = z.discriminatedUnion('type', [
  sendSchema,
  expectMessageSchema,
  fhirSchema,
  expectFhirSchema,
  waitSchema,
  timingSchema,
  controlSchema,
  manualSchema,
  auditSchema,
]);
export type ScenarioStep = z.output<typeof stepSchema>;

const meta = {
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/, 'ids are dotted lower-case words, e.g. order.cancel')
    .meta({ description: 'Stable id, e.g. order.cancel.' }),
  title: z.string().min(1).max(100).meta({ description: 'One line for `golive scenarios list`.' }),
  description: z
    .string()
    .optional()
    .meta({ description: 'The clinical story, in a few sentences.' }),
  domain: z.enum(DOMAINS),
  criteria: z
    .array(z.enum(KNOWN_CRITERIA))
    .min(1)
    .meta({ description: 'Review criteria this scenario is evidence for.' }),
  severity: z.enum(['blocker', 'major', 'minor']),
  tags: z.array(z.string()).default([]),
  action: z
    .string()
    .min(1)
    .meta({ description: 'What to do before go-live when the scenario fails.' }),
  catches: z.array(z.string()).optional().meta({
    description: 'Reference-site faults this scenario must catch (documentation, tested).',
  }),
  manualEvidence: z.string().optional().meta({
    description:
      'What a person checks and attests when the target cannot be exercised by this scenario (it ended not applicable).',
  }),
  exclusive: z
    .boolean()
    .default(false)
    .meta({ description: 'Disturbs the target (pause, restart): runs alone, after the others.' }),
  variables: z
    .record(z.string().regex(VARIABLE_NAME), variableSchema)
    .default({})
    .meta({ description: 'Values of the run, evaluated in order at the start of the scenario.' }),
};

export const scenarioSchema = z
  .strictObject({ ...meta, steps: z.array(stepSchema).min(1) })
  .meta({ title: 'golive scenario' });
export type Scenario = z.output<typeof scenarioSchema>;

/** A scenario schema over another registry (extension point for new step kinds). */
export function buildScenarioSchema(registry: StepRegistry): z.ZodType<Scenario> {
  const schemas = [...registry.values()].map((k) => k.schema) as unknown as Parameters<
    typeof z.discriminatedUnion
  >[1];
  return z.strictObject({
    ...meta,
    steps: z.array(z.discriminatedUnion('type', schemas)).min(1),
  }) as unknown as z.ZodType<Scenario>;
}
