/**
 * `wait` and `timing`. A timing step compares two recorded instants (a send's ACK time, a
 * captured notification time, a FHIR `Communication.sent`) against a limit, such as the
 * site's critical-result deadline; it never measures anything itself, so it is as exact as the
 * records it reads.
 */
import { z } from 'zod';
import { durationSchema, formatDuration, parseDuration } from '../../config/duration.js';
import { parseInstant, placeholderNames } from '../values.js';
import { defineStep, sleep, stepBase } from './types.js';

export const waitSchema = z
  .strictObject({ type: z.literal('wait'), ...stepBase, for: durationSchema })
  .meta({ title: 'wait', description: 'Wait a fixed time.' });
export type WaitStep = z.output<typeof waitSchema>;

export const waitStep = defineStep<WaitStep>({
  type: 'wait',
  schema: waitSchema,
  async run(step, ctx) {
    await sleep(step.for, ctx.signal);
    return { outcome: 'pass', message: `waited ${formatDuration(step.for)}` };
  },
});

export const timingSchema = z
  .strictObject({
    type: z.literal('timing'),
    ...stepBase,
    from: z.string().meta({ description: 'Start instant, e.g. {{result.ackAt}}.' }),
    to: z.string().meta({ description: 'End instant, e.g. {{notifiedAt}}.' }),
    within: z
      .string()
      .meta({ description: 'Largest allowed gap: a duration or {{criticalResultDeadline}}.' }),
    fail: z.string().min(1),
    measure: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .optional()
      .meta({ description: 'Record the gap as this measurement (ms).' }),
  })
  .meta({ title: 'timing', description: 'Assert the time between two recorded instants.' });
export type TimingStep = z.output<typeof timingSchema>;

export const timingStep = defineStep<TimingStep>({
  type: 'timing',
  schema: timingSchema,
  check(step, c) {
    for (const k of ['from', 'to', 'within'] as const) {
      const { names, problems } = placeholderNames(step[k]);
      for (const p of problems) c.issue([k], p);
      for (const n of names) if (!c.declared.has(n)) c.issue([k], `unknown value {{${n}}}`);
    }
  },
  async run(step, ctx) {
    const fromText = ctx.render(step.from);
    const toText = ctx.render(step.to);
    const limit = parseDuration(ctx.render(step.within));
    const from = parseInstant(fromText);
    const to = parseInstant(toText);
    if (from === undefined || to === undefined || limit === undefined) {
      return {
        outcome: 'error',
        message: `cannot compare times: from "${fromText}", to "${toText}", within "${step.within}"`,
      };
    }
    const gap = to - from;
    const measurements = step.measure ? { [step.measure]: gap } : undefined;
    // A clock behind by a second or two is skew, not a notification sent before the result.
    if (gap < -2000) {
      return {
        outcome: 'fail',
        message: `${step.fail}: the end (${toText}) is before the start (${fromText})`,
        expected: `0 to ${formatDuration(limit)}`,
        actual: `${formatDuration(-gap)} before`,
        measurements,
      };
    }
    if (gap > limit) {
      return {
        outcome: 'fail',
        message: step.fail,
        expected: `within ${formatDuration(limit)}`,
        actual: formatDuration(gap),
        measurements,
      };
    }
    return {
      outcome: 'pass',
      message: `${formatDuration(Math.max(0, gap))} (limit ${formatDuration(limit)})`,
      measurements,
    };
  },
});
