/**
 * The JSON report's schema (docs/report-json.md). One zod schema gives the TypeScript type,
 * validation in tests, and schemas/report.schema.json (tested to be current).
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 1;

const domain = z.enum(['workflow', 'interop', 'compliance', 'adoption', 'infrastructure']);
const outcome = z.enum(['pass', 'fail', 'error', 'skip']);
const outcomeCounts = z.strictObject({
  pass: z.number().int(),
  fail: z.number().int(),
  error: z.number().int(),
  skip: z.number().int(),
});
const checkKind = z.enum([
  'scenario',
  'lint',
  'load',
  'failover',
  'storage',
  'audit',
  'access',
  'registers',
  'adoption',
  'attestation',
  'site-config',
  'probe',
]);
const findingSeverity = z.enum(['error', 'warning', 'info']);

const location = z.strictObject({
  file: z.string().optional(),
  line: z.number().int().optional(),
  col: z.number().int().optional(),
  index: z.number().int().optional(),
  offset: z.number().int().optional(),
  controlId: z.string().optional(),
  path: z.string().optional(),
  row: z.number().int().optional(),
  column: z.string().optional(),
});

const step = z.strictObject({
  index: z.number().int(),
  id: z.string().optional(),
  type: z.string(),
  title: z.string(),
  outcome,
  message: z.string(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  durationMs: z.number(),
  exchangeIds: z.array(z.string()),
});

const loadDetail = z.strictObject({
  percentiles: z.record(z.string(), z.number()),
  accounting: z.record(z.string(), z.number()),
  thresholds: z.array(
    z.strictObject({
      metric: z.string(),
      expression: z.string(),
      ok: z.boolean(),
      actual: z.number(),
      measured: z.boolean().optional().meta({
        description:
          'false when nothing was measured (a failover that never recovered): actual is then a placeholder 0',
      }),
    }),
  ),
  targetRate: z.number().optional(),
  achievedRate: z.number().optional(),
  seriesPoints: z.number().int(),
});

export const reportJsonSchema = z
  .strictObject({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    generator: z.strictObject({ name: z.literal('golive'), version: z.string() }),
    run: z.strictObject({
      id: z.string(),
      target: z.string(),
      config: z.string().optional(),
      startedAt: z.string(),
      finishedAt: z.string(),
      durationMs: z.number().optional(),
    }),
    decision: z.enum(['GO', 'CONDITIONAL_GO', 'NO_GO']),
    rationale: z.string(),
    template: z.string(),
    policyVersion: z.string(),
    decidedBy: z.string(),
    decidedAt: z.string(),
    questions: z.array(
      z.strictObject({
        domain,
        question: z.string(),
        answer: z.enum(['yes', 'no', 'partly']),
        summary: z.string(),
      }),
    ),
    criteria: z.array(
      z.strictObject({
        id: z.string(),
        domain,
        title: z.string(),
        severity: z.enum(['blocker', 'major', 'minor']),
        owner: z.string(),
        status: z.enum(['met', 'not-met', 'not-evidenced', 'inconclusive', 'waived']),
        reason: z.string(),
        evidence: z.array(z.string()),
      }),
    ),
    conditions: z.array(
      z.strictObject({
        criterion: z.string(),
        owner: z.string(),
        due: z.string(),
        reason: z.string(),
      }),
    ),
    openMinors: z.array(z.string()),
    checks: z.strictObject({
      total: z.number().int(),
      byOutcome: outcomeCounts,
      byKind: z.record(z.string(), outcomeCounts),
      items: z.array(
        z.strictObject({
          check: z.string(),
          kind: checkKind,
          title: z.string(),
          domain,
          criteria: z.array(z.string()),
          outcome,
          summary: z.string(),
          evidenceId: z.string(),
          hash: z.string(),
          startedAt: z.string(),
          durationMs: z.number(),
          findings: z.number().int(),
          measurements: z.record(z.string(), z.number()),
          exchangeIds: z.array(z.string()),
          steps: z.array(step).optional(),
          load: loadDetail.optional(),
        }),
      ),
    }),
    findings: z.strictObject({
      total: z.number().int(),
      bySeverity: z.strictObject({
        error: z.number().int(),
        warning: z.number().int(),
        info: z.number().int(),
      }),
      byDomain: z.record(z.string(), z.number().int()),
      items: z.array(
        z.strictObject({
          rule: z.string(),
          severity: findingSeverity,
          domain,
          message: z.string(),
          action: z.string(),
          location: location.optional(),
          where: z.string(),
          detail: z.record(z.string(), z.unknown()).optional(),
          check: z.string(),
          evidenceId: z.string(),
        }),
      ),
    }),
    exchanges: z.array(
      z.strictObject({
        id: z.string(),
        protocol: z.enum(['mllp', 'http']),
        direction: z.enum(['outbound', 'inbound']),
        peer: z.string(),
        startedAt: z.string(),
        durationMs: z.number(),
        summary: z.string(),
        error: z.string().optional(),
      }),
    ),
    evidence: z.array(
      z.strictObject({
        id: z.string(),
        hash: z.string(),
        evaluated: z.boolean(),
        check: z.string().optional(),
        kind: checkKind.optional(),
        title: z.string().optional(),
      }),
    ),
  })
  .meta({
    title: 'golive report',
    description: 'The JSON report of a golive go-live review (docs/report-json.md).',
  });

export type ReportJson = z.infer<typeof reportJsonSchema>;

/** JSON Schema (draft 2020-12) of the JSON report, as published in schemas/report.schema.json. */
export function reportJsonSchemaDocument(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(reportJsonSchema, { target: 'draft-2020-12' }),
    $id: 'https://golive.dev/schemas/report.schema.json',
  };
}
