/**
 * `audit`: the audit trail of the run so far (REVIEW.md compliance.audit-trail). Every read and
 * write the run made against the target (FHIR interactions, HL7 v2 messages it accepted) must
 * have a matching audit record with who, what, when, where and outcome. The check itself is
 * the compliance one (src/compliance/audit): this step hands it the run's exchanges and the
 * target's audit source, polls until the records are there or the deadline passes (audit
 * repositories may be written asynchronously, IHE ATNA), and asserts coverage and completeness.
 * A scenario with this step runs alone after every other one, so "so far" is the whole run.
 */
import { z } from 'zod';
import { durationSchema, formatDuration } from '../../config/duration.js';
import type { CheckResult, Exchange } from '../../core/index.js';
import {
  DEFAULT_SKEW_MS,
  DEFAULT_WINDOW_MS,
  checkAuditTrail,
  retrievalOf,
  type AuditSource,
} from '../../compliance/index.js';
import {
  deadlineSchema,
  defineStep,
  resolveDeadline,
  sleep,
  stepBase,
  type StepContext,
  type StepOutcome,
} from './types.js';

export const auditSchema = z
  .strictObject({
    type: z.literal('audit'),
    ...stepBase,
    coverage: z.number().min(0).max(100).default(100).meta({
      description: "Least share (%) of the run's reads and writes that must have an audit record.",
    }),
    window: durationSchema.optional().meta({
      description:
        'How far from an action its record may be (default compliance.audit.window, else 5m).',
    }),
    allowedSkew: durationSchema.optional().meta({
      description:
        'Clock difference tolerated between golive and the target (default compliance.audit.allowedSkew, else 2m).',
    }),
    within: deadlineSchema.optional().meta({
      description:
        'How long records may take to appear (default scenarios.timeouts.fhir); polled until then.',
    }),
    fail: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'What a gap in the audit trail means, clinically.' }),
  })
  .meta({
    title: 'audit',
    description:
      'Every read and write of the run so far has a complete audit record (who, what, when, where, outcome).',
  });
export type AuditStep = z.output<typeof auditSchema>;

const DEFAULT_FAIL =
  'patient data was read or changed without an audit record, so a wrong access could neither be investigated nor disproved';

/**
 * Where the records are: the source the runner was given, else the target's FHIR server,
 * searched with the target's own client (its credentials and retries). Either way every page of
 * the AuditEvent search is kept as evidence of this step: the target's client records into the
 * step, and a client made for a given FHIR source gets the step's sink.
 */
function sourceFor(ctx: StepContext): AuditSource | string {
  const given = ctx.services.auditSource;
  if (given) return given.kind === 'fhir' && !given.client ? { ...given, sink: ctx.record } : given;
  const client = ctx.services.fhir();
  if (!client)
    return 'no audit source: the target has no FHIR endpoint (target.fhir) to search AuditEvent on';
  return { kind: 'fhir', baseUrl: client.baseUrl, client };
}

function holds(r: CheckResult, coverage: number): boolean {
  const m = r.measurements;
  return (
    (m.audit_coverage_pct ?? 0) >= coverage &&
    (m.audit_incomplete ?? 0) === 0 &&
    (m.audit_skewed ?? 0) === 0
  );
}

function verdict(step: AuditStep, r: CheckResult, waited: number): StepOutcome {
  const m = r.measurements;
  const counted = `${m.actions_total} reads and writes (${m.reads_total} reads, ${m.writes_total} writes)`;
  const how = retrievalOf(r)?.statement;
  if (holds(r, step.coverage)) {
    return {
      outcome: 'pass',
      message: `${m.audit_coverage_pct}% of ${counted} have a complete audit record${how ? ` (records: ${how})` : ''}`,
      measurements: m,
    };
  }
  const first = r.findings[0]?.message;
  return {
    outcome: 'fail',
    message: `${step.fail ?? DEFAULT_FAIL}: ${r.summary.replace(/\.$/, '')}${first ? `; first: ${first}` : ''}`,
    expected: `at least ${step.coverage}% of ${counted} audited, every record complete and within the allowed skew`,
    actual: `${m.audit_coverage_pct}% audited (reads ${m.reads_audited_pct}%, writes ${m.writes_audited_pct}%): ${m.audit_missing} missing, ${m.audit_incomplete} incomplete, ${m.audit_skewed} skewed (after ${formatDuration(waited)})`,
    measurements: m,
    findings: r.findings,
  };
}

export const auditStep = defineStep<AuditStep>({
  type: 'audit',
  schema: auditSchema,
  afterOthers: true,
  async run(step, ctx) {
    const source = sourceFor(ctx);
    if (typeof source === 'string') return { outcome: 'error', message: source };
    // What the run did before this step: the other scenarios (they have all finished) and the
    // earlier steps of this one. This step's own AuditEvent searches are not actions.
    const exchanges: Exchange[] = [...ctx.runExchanges()];
    const conf = ctx.config.compliance?.audit;
    const windowMs = step.window ?? conf?.window ?? DEFAULT_WINDOW_MS;
    const skewMs = step.allowedSkew ?? conf?.allowedSkew ?? DEFAULT_SKEW_MS;
    const within = resolveDeadline(step.within, ctx.config.scenarios.timeouts.fhir, ctx);
    const t0 = Date.now();
    let delay = 200;
    for (;;) {
      const r = await checkAuditTrail({
        exchanges,
        source,
        now: new Date(ctx.time.now()),
        windowMs,
        skewMs,
      });
      if (r.outcome === 'error') {
        const why = r.summary.replace(/^Could not be evaluated: /, '').replace(/\s*\n\s*/g, '; ');
        return {
          outcome: 'error',
          message: `the audit records could not be read: ${why} (inconclusive)`,
        };
      }
      if (r.outcome === 'skip')
        return { outcome: 'skip', message: 'the run made no reads or writes to audit' };
      const waited = Date.now() - t0;
      if (holds(r, step.coverage) || waited >= within || ctx.signal.aborted)
        return verdict(step, r, waited);
      await sleep(Math.min(delay, within - waited), ctx.signal);
      delay = Math.min(2000, delay * 2);
    }
  },
});
