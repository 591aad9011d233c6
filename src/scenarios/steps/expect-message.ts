/**
 * `expect-message`: an outbound message from the receiver reaches golive's capture listener
 * (the downstream EHR or notification target), matched by field values, within a deadline.
 * Optionally exactly `count` of them (duplicates are a failure: the deadline's `hold` part
 * watches for late extra copies), in a given order, with field assertions on each.
 */
import { z } from 'zod';
import { parsePath } from '../../hl7/index.js';
import { durationSchema, formatDuration } from '../../config/duration.js';
import { evalHl7Assertion, hl7AssertionSchema, hl7Values } from '../assert.js';
import type { Captured } from '../capture.js';
import { placeholderNames } from '../values.js';
import {
  deadlineSchema,
  defineStep,
  resolveDeadline,
  resolveHold,
  stepBase,
  type StepContext,
  type StepOutcome,
} from './types.js';

export const expectMessageSchema = z
  .strictObject({
    type: z.literal('expect-message'),
    ...stepBase,
    match: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .meta({ description: 'Field path -> value (or any of values) every matching message has.' }),
    within: deadlineSchema
      .optional()
      .meta({ description: 'Deadline (default scenarios.timeouts.message).' }),
    count: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Exactly this many matching messages (more are duplicates).' }),
    hold: z.union([z.boolean(), durationSchema]).optional().meta({
      description: 'With count: keep watching this long for extra copies (true = settle time).',
    }),
    order: z
      .strictObject({ path: z.string(), values: z.array(z.string()).min(1) })
      .optional()
      .meta({ description: 'The matching messages carry these values at path, in this order.' }),
    assert: z.array(hl7AssertionSchema).optional(),
    fail: z.string().min(1).meta({ description: 'Clinical meaning of the message not arriving.' }),
    capture: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Variable -> field path of the first match, or @receivedAt.' }),
  })
  .meta({
    title: 'expect-message',
    description: 'Expect an outbound message at the capture listener.',
  });
export type ExpectMessageStep = z.output<typeof expectMessageSchema>;

function matcher(step: ExpectMessageStep, ctx: StepContext): (c: Captured) => boolean {
  const conds = Object.entries(step.match).map(([path, v]) => ({
    path,
    values: (Array.isArray(v) ? v : [v]).map((x) => ctx.render(x)),
  }));
  return (c) =>
    !!c.message &&
    conds.every(({ path, values }) => {
      const got = hl7Values(c.message!, path);
      return got.some((g) => values.includes(g));
    });
}

function describeMatch(step: ExpectMessageStep, ctx: StepContext): string {
  return Object.entries(step.match)
    .map(([p, v]) => `${p}=${(Array.isArray(v) ? v : [v]).map((x) => ctx.render(x)).join('|')}`)
    .join(', ');
}

export const expectMessageStep = defineStep<ExpectMessageStep>({
  type: 'expect-message',
  schema: expectMessageSchema,
  defines: (step) => Object.keys(step.capture ?? {}),
  check(step, c) {
    const paths = [
      ...Object.keys(step.match).map((p) => ['match', p]),
      ...(step.assert ?? []).map((a, i) => ['assert', i, a.path]),
      ...(step.order ? [['order', 'path', step.order.path]] : []),
      ...Object.entries(step.capture ?? {})
        .filter(([, p]) => !p.startsWith('@'))
        .map(([k, p]) => ['capture', k, p]),
    ] as (string | number)[][];
    for (const entry of paths) {
      const p = String(entry[entry.length - 1]);
      try {
        parsePath(p);
      } catch (e) {
        c.issue(entry.slice(0, entry.length > 2 ? -1 : undefined), (e as Error).message);
      }
    }
    for (const [k, p] of Object.entries(step.capture ?? {})) {
      if (p.startsWith('@') && p !== '@receivedAt')
        c.issue(['capture', k], 'only @receivedAt is known');
    }
    if (step.hold !== undefined && step.count === undefined) c.issue(['hold'], 'hold needs count');
    const texts = [...Object.values(step.match).flat(), ...(step.order?.values ?? [])];
    for (const t of texts) {
      const { names, problems } = placeholderNames(t);
      for (const p of problems) c.issue(['match'], p);
      for (const n of names) if (!c.declared.has(n)) c.issue(['match'], `unknown value {{${n}}}`);
    }
  },
  async run(step, ctx) {
    const capture = ctx.services.capture;
    if (!capture) return { outcome: 'error', message: 'no capture listener is running' };
    const within = resolveDeadline(step.within, ctx.config.scenarios.timeouts.message, ctx);
    const hold = resolveHold(step.hold, ctx);
    const matches = matcher(step, ctx);
    const want = step.count ?? 1;
    const t0 = Date.now();
    const deadline = t0 + within;
    let found: Captured[] = [];
    const scan = () =>
      capture.messages.filter((c) => c.receivedAt >= ctx.scenarioStartedAt - 50 && matches(c));
    for (;;) {
      found = scan();
      if (found.length >= want || Date.now() >= deadline || ctx.signal.aborted) break;
      await capture.waitForNext(Math.min(250, deadline - Date.now()), ctx.signal);
    }
    if (found.length >= want && step.count !== undefined && hold > 0) {
      const until = Date.now() + hold;
      while (Date.now() < until && !ctx.signal.aborted) {
        await capture.waitForNext(until - Date.now(), ctx.signal);
      }
      found = scan();
    }
    for (const c of found) {
      ctx.record({
        protocol: 'mllp',
        direction: 'inbound',
        peer: c.remote,
        startedAt: new Date(c.receivedAt).toISOString(),
        durationMs: 0,
        request: c.text,
        summary: `received ${c.message?.get('MSH-9.1') ?? '?'}^${c.message?.get('MSH-9.2') ?? '?'} MSH-10=${c.message?.get('MSH-10') ?? '?'}`,
      });
    }
    return judge(step, ctx, found, within, Date.now() - t0);
  },
});

function judge(
  step: ExpectMessageStep,
  ctx: StepContext,
  found: Captured[],
  within: number,
  waitedMs: number,
): StepOutcome {
  const what = describeMatch(step, ctx);
  const want = step.count ?? 1;
  if (found.length < want) {
    return {
      outcome: 'fail',
      message: `${step.fail} (${found.length === 0 ? 'nothing' : `${found.length} of ${want}`} arrived within ${formatDuration(within)})`,
      expected: `${want} message(s) with ${what} within ${formatDuration(within)}`,
      actual: `${found.length} received`,
    };
  }
  if (step.count !== undefined && found.length > step.count) {
    return {
      outcome: 'fail',
      message: `${step.fail}: ${found.length - step.count} extra cop${found.length - step.count === 1 ? 'y' : 'ies'} delivered (duplicates)`,
      expected: `exactly ${step.count} message(s) with ${what}`,
      actual: `${found.length} received`,
    };
  }
  if (step.order) {
    const got = found.map((c) => c.message!.get(step.order!.path) ?? '');
    const exp = step.order.values.map((v) => ctx.render(v));
    if (got.join('\u0000') !== exp.join('\u0000')) {
      return {
        outcome: 'fail',
        message: `${step.fail}: delivered out of order`,
        expected: `${step.order.path} in order ${exp.join(', ')}`,
        actual: got.join(', '),
      };
    }
  }
  for (const c of found) {
    for (const a of step.assert ?? []) {
      const r = evalHl7Assertion(a, c.message!, (s) => ctx.render(s));
      if (!r.ok) {
        return {
          outcome: 'fail',
          message: a.fail,
          expected: `${a.path}: ${r.expected}`,
          actual: r.actual,
        };
      }
    }
  }
  const first = found[0]!;
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const v =
      path === '@receivedAt' ? new Date(first.receivedAt).toISOString() : first.message!.get(path);
    if (v !== undefined) ctx.vars.set(name, v);
  }
  return {
    outcome: 'pass',
    message: `${found.length} message(s) with ${what} received after ${formatDuration(waitedMs)}`,
  };
}
