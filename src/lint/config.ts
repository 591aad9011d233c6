/**
 * Lint configuration (schema-first, zod): turn rules off, change their severity, and give the
 * site facts rules need (time zone, expected unit per code, code systems, thresholds, "now").
 * Unknown keys are rejected so a misspelt rule id or fact is an error, not a silent no-op.
 */
import { z } from 'zod';
import { UserError } from '../core/index.js';
import type { Severity } from '../core/index.js';
import { loadYamlFile } from '../inputs/index.js';

const SeveritySchema = z.enum(['error', 'warning', 'info']);

const RuleSettingSchema = z.union([
  z.literal('off'),
  SeveritySchema,
  z.strictObject({ enabled: z.boolean().optional(), severity: SeveritySchema.optional() }),
]);

export const LintConfigSchema = z.strictObject({
  /** Per rule id: `off`, a severity, or `{ enabled, severity }`. */
  rules: z.record(z.string(), RuleSettingSchema).default({}),
  site: z
    .strictObject({
      /** IANA zone of senders that write local time without an offset (e.g. Europe/London). */
      timeZone: z.string().optional(),
      /** MSH-7 vs event time (EVN-2, OBR-22) difference that counts as clock skew. */
      skewThresholdSeconds: z.number().int().positive().default(300),
      /** Tolerance for "in the future" and "after the message was sent". */
      toleranceSeconds: z.number().int().nonnegative().default(60),
      /** Expected UCUM unit per observation code (OBX-3.1, or `system|code`). */
      expectedUnits: z.record(z.string(), z.string()).default({}),
      /** Accepted OBX-3.3 coding systems (e.g. LN, 99LAB); empty: not checked. */
      codeSystems: z.array(z.string()).default([]),
      /** Local unit strings the site accepts knowingly (mapped downstream), not reported. */
      acceptedUnits: z.array(z.string()).default([]),
      /** Probable-duplicate score threshold of the identity matcher (0..1). */
      identityThreshold: z.number().min(0).max(1).default(0.65),
    })
    .default({
      skewThresholdSeconds: 300,
      toleranceSeconds: 60,
      expectedUnits: {},
      codeSystems: [],
      acceptedUnits: [],
      identityThreshold: 0.65,
    }),
  limits: z
    .strictObject({
      /** Entries per state map (MRN, order, observation, control id); oldest evicted first. */
      maxKeys: z.number().int().positive().default(200_000),
      /** Findings listed per rule; the rest are counted in the summary only. */
      maxFindingsPerRule: z.number().int().positive().default(1000),
    })
    .default({ maxKeys: 200_000, maxFindingsPerRule: 1000 }),
});

export type LintConfigInput = z.input<typeof LintConfigSchema>;
export type LintConfig = z.output<typeof LintConfigSchema>;
export type RuleSetting = z.output<typeof RuleSettingSchema>;

/** Facts rules read: the site section plus the injected clock and state bound. */
export interface SiteFacts extends Readonly<LintConfig['site']> {
  /** "Now" for future-time checks, epoch ms (injected: tests and reruns are reproducible). */
  readonly nowMs: number;
  readonly maxKeys: number;
}

export function parseLintConfig(input: unknown, file = '(config)'): LintConfig {
  const parsed = LintConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(root)';
  throw new UserError('E_LINT_CONFIG', `${path}: ${issue.message}`, {
    location: { file, path },
    hint: 'see docs/lint.md#configuration',
  });
}

export function loadLintConfig(file: string): LintConfig {
  return loadYamlFile(file, LintConfigSchema).value;
}

/** Effective setting of a rule: undefined when it is turned off. */
export function effectiveSeverity(
  config: LintConfig,
  id: string,
  defaultSeverity: Severity,
): Severity | undefined {
  // An exact rule id wins over a family wildcard (`time.*`).
  const s = config.rules[id] ?? config.rules[`${id.slice(0, id.indexOf('.'))}.*`];
  if (s === undefined) return defaultSeverity;
  if (s === 'off') return undefined;
  if (typeof s === 'string') return s;
  if (s.enabled === false) return undefined;
  return s.severity ?? defaultSeverity;
}
