/**
 * `send`: an HL7 v2 message over MLLP (template + variables, or a resend of an earlier step's
 * exact bytes), expecting an acknowledgement code (v2.5.1 section 2.9, table 0008).
 * A wrong acknowledgement is `fail`; no acknowledgement (refused, reset, timeout) is `error`.
 */
import { z } from 'zod';
import { Hl7Message, messageType, parseAck, parsePath } from '../../hl7/index.js';
import { RenderError, placeholderNames } from '../values.js';
import { renderTemplate, templateNeeds } from '../templates.js';
import { defineStep, stepBase, type StepContext, type StepOutcome } from './types.js';

const ackCode = z.enum(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);

export const sendSchema = z
  .strictObject({
    type: z.literal('send'),
    ...stepBase,
    template: z.string().optional().meta({ description: 'Name of the HL7 template to send.' }),
    resend: z
      .string()
      .optional()
      .meta({ description: 'Send again the exact bytes of an earlier send step (same MSH-10).' }),
    from: z
      .string()
      .optional()
      .meta({ description: 'Sending system (MSH-3/4 and template overrides from golive.yaml).' }),
    with: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .meta({ description: 'Values for this message only (placeholders of the template).' }),
    set: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .meta({ description: 'Field path -> value, applied after rendering (escaped).' }),
    append: z
      .array(z.string())
      .optional()
      .meta({ description: 'Extra ER7 segment lines (templated), e.g. more OBX.' }),
    remove: z
      .array(z.string().regex(/^[A-Z][A-Z0-9]{2}$/))
      .optional()
      .meta({ description: 'Segments to drop from the template.' }),
    expect: z
      .strictObject({
        ack: z.union([ackCode, z.array(ackCode).min(1)]).default('AA'),
        replayOf: z.string().optional().meta({
          description:
            'A retry of this earlier send step (same MSH-10): the receiver must replay the original acknowledgement code, or answer AE/AR saying the message is a duplicate (HL7 v2.5.1 2.10.3, sequence-number and duplicate handling).',
        }),
      })
      .default({ ack: 'AA' }),
    fail: z
      .string()
      .optional()
      .meta({ description: 'Clinical meaning of an unexpected acknowledgement.' }),
    capture: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Variable -> field path of the acknowledgement (e.g. MSA-1, ERR-8).' }),
  })
  .meta({ title: 'send', description: 'Send an HL7 v2 message over MLLP and expect an ACK code.' });
export type SendStep = z.output<typeof sendSchema>;

function build(step: SendStep, ctx: StepContext): Hl7Message {
  const sys = step.from ? ctx.config.systems?.[step.from] : undefined;
  const local = new Map(ctx.vars);
  local.set('sendingApp', sys?.application ?? ctx.config.site.application);
  local.set('sendingFacility', sys?.facility ?? ctx.config.site.facility);
  local.set('controlId', ctx.newId('control-id'));
  for (const [k, v] of Object.entries(step.with ?? {})) {
    local.set(k, ctx.render(String(v), local));
  }
  const { text } = ctx.services.templates.text(step.template!, step.from);
  const msg = renderTemplate(text, { vars: local, time: ctx.time }, step.append ?? []);
  for (const seg of step.remove ?? []) msg.removeSegments(seg);
  for (const [path, v] of Object.entries(step.set ?? {})) {
    msg.set(path, ctx.render(String(v), local));
  }
  return msg;
}

export const sendStep = defineStep<SendStep>({
  type: 'send',
  schema: sendSchema,
  defines(step) {
    const own = step.id
      ? ['controlId', 'sentAt', 'ackAt', 'ackCode'].map((k) => `${step.id}.${k}`)
      : [];
    return [...own, ...Object.keys(step.capture ?? {})];
  },
  check(step, c) {
    if ((step.template === undefined) === (step.resend === undefined)) {
      c.issue([], 'give either template or resend');
    }
    if (step.template && !c.templateExists(step.template)) {
      c.issue(['template'], `no HL7 template named "${step.template}"`);
    }
    const replay = step.expect.replayOf;
    if (replay && !c.earlierSteps.has(replay))
      c.issue(['expect', 'replayOf'], `no earlier step with id "${replay}"`);
    if (step.resend && !c.earlierSteps.has(step.resend)) {
      c.issue(['resend'], `no earlier step with id "${step.resend}"`);
    }
    for (const p of [...Object.keys(step.set ?? {}), ...Object.values(step.capture ?? {})]) {
      try {
        parsePath(p);
      } catch (e) {
        c.issue(step.set && p in step.set ? ['set', p] : ['capture'], (e as Error).message);
      }
    }
    const local = new Set([...c.declared, ...Object.keys(step.with ?? {})]);
    local.add('sendingApp').add('sendingFacility').add('controlId');
    const tpl = step.template ? c.templateText(step.template) : undefined;
    if (tpl) {
      const needs = templateNeeds(tpl);
      for (const p of needs.problems) c.issue(['template'], p);
      for (const n of needs.names) {
        if (!local.has(n)) {
          c.issue(
            ['template'],
            `template "${step.template}" needs {{${n}}}: declare it in variables or give it in with`,
          );
        }
      }
    }
    const texts = [
      ...Object.values(step.with ?? {}),
      ...Object.values(step.set ?? {}),
      ...(step.append ?? []),
    ];
    for (const t of texts.map(String)) {
      const { names, problems } = placeholderNames(t);
      for (const p of problems) c.issue([], p);
      for (const n of names) if (!local.has(n)) c.issue([], `unknown value {{${n}}}`);
    }
  },
  async run(step, ctx) {
    let msg: Hl7Message;
    try {
      if (step.resend) {
        const text = ctx.vars.get(`${step.resend}.__text`);
        if (!text)
          return { outcome: 'error', message: `step "${step.resend}" sent nothing to resend` };
        msg = Hl7Message.parse(text);
      } else {
        msg = build(step, ctx);
      }
    } catch (e) {
      if (e instanceof RenderError)
        return { outcome: 'error', message: `cannot build the message: ${e.message}` };
      throw e;
    }
    const client = ctx.services.mllp();
    if (!client)
      return { outcome: 'error', message: 'no MLLP endpoint is configured (target.mllp)' };
    const r = await client.send(msg);
    const t = messageType(msg);
    const label = `${t.code}^${t.trigger}`;
    ctx.record({
      protocol: 'mllp',
      direction: 'outbound',
      peer: ctx.services.mllpPeer,
      startedAt: new Date(r.startedAt).toISOString(),
      durationMs: r.rttMs,
      request: r.request,
      response: r.acks.length ? r.acks.join('\n') : undefined,
      summary: `${label} MSH-10=${r.controlId} -> ${r.status === 'acked' ? r.ackCode : r.status} (${Math.round(r.rttMs)} ms)`,
      error: r.error,
    });
    if (step.id) {
      ctx.vars.set(`${step.id}.__text`, r.request);
      ctx.vars.set(`${step.id}.controlId`, r.controlId);
      ctx.vars.set(`${step.id}.sentAt`, new Date(r.startedAt).toISOString());
      ctx.vars.set(`${step.id}.ackAt`, new Date(r.startedAt + r.rttMs).toISOString());
      if (r.ackCode) ctx.vars.set(`${step.id}.ackCode`, r.ackCode);
    }
    return judge(step, r, label, ctx);
  },
});

function judge(
  step: SendStep,
  r: Awaited<ReturnType<NonNullable<ReturnType<StepContext['services']['mllp']>>['send']>>,
  label: string,
  ctx: StepContext,
): StepOutcome {
  const expected = Array.isArray(step.expect.ack) ? step.expect.ack : [step.expect.ack];
  const exp = expected.join(' or ');
  if (r.status === 'invalid-ack') {
    return {
      outcome: 'fail',
      message: `the receiver answered ${label} with something that is not an acknowledgement`,
      expected: `ACK ${exp}`,
      actual: (r.ackText ?? '').slice(0, 200),
    };
  }
  if (r.status !== 'acked') {
    // The client reports a failed connect as refused, or as timeout/error with this wording.
    const unreachable =
      r.status === 'refused' || /^(cannot connect|no connection)/.test(r.error ?? '');
    return {
      outcome: 'error',
      message: `no acknowledgement for ${label} ${r.controlId}: ${r.error ?? r.status} (inconclusive)`,
      expected: `ACK ${exp}`,
      actual: r.status,
      unreachable,
    };
  }
  const ack = parseAck(Hl7Message.parse(r.ackText!));
  const why = ack.errors.map((e) => [e.code, e.message].filter(Boolean).join(' ')).join('; ');
  const actual = `${r.ackCode}${why ? ` (${why})` : ''}`;
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const v = Hl7Message.parse(r.ackText!).get(path);
    if (v !== undefined) ctx.vars.set(name, v);
  }
  if (step.expect.replayOf) {
    const original = ctx.vars.get(`${step.expect.replayOf}.ackCode`);
    const text = `${why} ${Hl7Message.parse(r.ackText!).get('MSA-3') ?? ''}`;
    const replayed = r.ackCode === original;
    const namedDuplicate =
      (r.ackCode === 'AE' || r.ackCode === 'AR') && /duplicat|already/i.test(text);
    if (!replayed && !namedDuplicate) {
      return {
        outcome: 'fail',
        message: `${step.fail ?? 'the receiver did not recognise a retry'}: the original ${label} ${r.controlId} was acknowledged ${original ?? '(unknown)'}, the retry ${actual}`,
        expected: `ACK ${original ?? 'as the original'}, or AE/AR naming the duplicate`,
        actual,
      };
    }
    return {
      outcome: 'pass',
      message: `${label} ${r.controlId} retry acknowledged ${actual}${replayed ? ' (the original acknowledgement replayed)' : ' (refused as a duplicate)'}`,
      actual,
    };
  }
  if (!expected.includes(r.ackCode as (typeof expected)[number])) {
    const base = step.fail ?? `the receiver answered ${label} with ${r.ackCode}`;
    return { outcome: 'fail', message: `${base}`, expected: `ACK ${exp}`, actual };
  }
  return { outcome: 'pass', message: `${label} ${r.controlId} acknowledged ${actual}`, actual };
}
