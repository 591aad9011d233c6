/**
 * `control` (pause, resume or restart the receiver through its hook, or take golive's own
 * capture listener down to play a downstream outage) and `manual` (a person confirms what a
 * machine cannot see; recorded as an attestation, skipped with the reason when unattended).
 */
import { z } from 'zod';
import { defineStep, stepBase } from './types.js';

export const controlSchema = z
  .strictObject({
    type: z.literal('control'),
    ...stepBase,
    action: z.enum(['pause', 'resume', 'restart']),
    target: z.enum(['receiver', 'capture']).default('receiver').meta({
      description: "receiver: the system under test (hook); capture: golive's downstream listener.",
    }),
  })
  .meta({
    title: 'control',
    description: 'Pause, resume or restart the receiver or the capture listener.',
  });
export type ControlStep = z.output<typeof controlSchema>;

export const controlStep = defineStep<ControlStep>({
  type: 'control',
  schema: controlSchema,
  async run(step, ctx) {
    if (step.target === 'capture') {
      const cap = ctx.services.capture;
      if (!cap) return { outcome: 'error', message: 'no capture listener is running' };
      if (step.action === 'pause') await cap.pause();
      else if (step.action === 'resume') await cap.resume();
      else {
        await cap.pause();
        await cap.resume();
      }
      return { outcome: 'pass', message: `capture listener ${step.action}d` };
    }
    const hook = ctx.services.control[step.action];
    if (!hook) {
      return {
        outcome: 'error',
        message: `no control hook for ${step.action} (control.${step.action} in golive.yaml)`,
      };
    }
    const r = await hook();
    if (r.exchange) ctx.record(r.exchange);
    // The hook is the tool's lever on the target: when it fails, nothing was learnt.
    return r.ok
      ? { outcome: 'pass', message: r.detail }
      : { outcome: 'error', message: `the ${step.action} hook failed: ${r.detail} (inconclusive)` };
  },
});

export const manualSchema = z
  .strictObject({
    type: z.literal('manual'),
    ...stepBase,
    prompt: z.string().min(1).meta({ description: 'What the person must confirm.' }),
    criterion: z
      .string()
      .optional()
      .meta({ description: 'Review criterion the attestation is evidence for.' }),
  })
  .meta({ title: 'manual', description: 'A person confirms an observation (attestation).' });
export type ManualStep = z.output<typeof manualSchema>;

export const manualStep = defineStep<ManualStep>({
  type: 'manual',
  schema: manualSchema,
  async run(step, ctx) {
    const ask = ctx.services.manual;
    if (!ask || ctx.config.scenarios.unattended) {
      return { outcome: 'skip', message: `unattended run: a person must confirm: ${step.prompt}` };
    }
    const a = await ask({
      scenario: ctx.scenarioId,
      step: step.title,
      prompt: step.prompt,
      criterion: step.criterion,
    });
    return {
      outcome: a.confirmed ? 'pass' : 'fail',
      message: `${a.by} (${a.role}) ${a.confirmed ? 'confirmed' : 'did not confirm'}: ${step.prompt}${a.note ? ` (${a.note})` : ''}`,
      attestation: {
        criterion: step.criterion ?? '',
        statement: step.prompt,
        attestedBy: a.by,
        role: a.role,
        at: new Date(ctx.time.now()).toISOString(),
        holds: a.confirmed,
        reference: a.note,
      },
    };
  },
});
