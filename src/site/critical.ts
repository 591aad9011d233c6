/**
 * Critical results (docs/site.md, Critical results): a Communication is filed with the result
 * (status preparation), then raised after the configured delay. In `standard`: status
 * in-progress, `sent`, and a notification message downstream; the downstream AA sets `received`
 * (the recorded acknowledgement). In `minimal` the Communication is the notification: raised
 * straight to completed with `sent` (R4 communication.html: `sent` is when it was sent; nothing
 * acknowledges it, so no `received`).
 */
import {
  isoWithOffset,
  type Communication,
  type Patient,
  type ServiceRequest,
} from '../fhir/index.js';
import { put, type CriticalHit, type FileCtx } from './context.js';
import { NOTIFY_APP, criticalMessage } from './messages.js';
import type { AuditInput } from './audit.js';
import type { OutboundRow } from './db.js';
import type { ResolvedOptions } from './options.js';
import type { Store } from './store.js';

/** What raising needs from the runtime (an interface, so runtime.ts can import this file). */
export interface RaiseHost {
  store: Store;
  opts: ResolvedOptions;
  outbound: { enabled: boolean };
  tx<T>(fn: () => T): T;
  queue(kind: OutboundRow['kind'], text: (seq: number) => string, commId?: string): void;
  audit(a: AuditInput): void;
}

const pendingKey = (id: string) => `critical:${id}`;

/** Inside the message transaction: file the Communication to raise. Returns its id. */
export function fileCritical(ctx: FileCtx, hit: CriticalHit): string | undefined {
  if (ctx.faults.has('no-critical-notify')) return undefined;
  const n = ctx.store.nextSeq('critical');
  const text = `CRITICAL VALUE: ${hit.summary}`;
  const rules = ctx.opts.rules;
  const identifier = rules.criticalIdentifier(`GLC${n}`);
  const c = put<Communication>(ctx, {
    resourceType: 'Communication',
    id: ctx.opts.newId(),
    ...(identifier ? { identifier } : {}),
    basedOn: [{ reference: `ServiceRequest/${hit.orderId}` }],
    status: 'preparation',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' },
        ],
      },
    ],
    priority: 'stat',
    subject: { reference: `Patient/${hit.patientId}` },
    about: hit.observationIds.map((id) => ({ reference: `Observation/${id}` })),
    recipient: [
      {
        ...(hit.provider?.id ? { identifier: rules.identifier('PRN', hit.provider.id) } : {}),
        display: hit.provider?.name ?? hit.provider?.id ?? 'ordering provider',
      },
    ],
    sender: { display: 'golive reference site laboratory' },
    payload: [{ contentString: text }],
  });
  ctx.store.setMeta(pendingKey(c.id!), JSON.stringify({ obx: hit.obxSegments, text }));
  return c.id;
}

export function criticalDelay(ctx: { opts: FileCtx['opts']; faults: FileCtx['faults'] }): number {
  return ctx.faults.has('slow-critical-notify')
    ? ctx.opts.faultOptions.slowCriticalNotifyMs
    : ctx.opts.criticalDelayMs;
}

/** Is this Communication a critical notification filed and not yet raised? */
export function pendingCritical(store: Store, commId: string): boolean {
  const p = store.meta.get(pendingKey(commId));
  return p !== undefined && p !== '{}';
}

/** Raise a filed notification: sent time, status, and (standard) the message downstream. */
export function raiseCritical(rt: RaiseHost, commId: string): void {
  const c = rt.store.get<Communication>('Communication', commId);
  if (!c || c.status !== 'preparation') return;
  const pending = JSON.parse(rt.store.meta.get(pendingKey(commId)) ?? '{"obx":[],"text":""}') as {
    obx: string[];
    text: string;
  };
  rt.tx(() => {
    const now = rt.opts.clock();
    const u = rt.store.clone(c);
    const byMessage = rt.opts.rules.notifyByMessage && rt.outbound.enabled;
    u.status = byMessage ? 'in-progress' : 'completed';
    u.sent = isoWithOffset(now, rt.opts.localOffsetMinutes);
    rt.store.put(u);
    rt.store.setMeta(pendingKey(commId), '{}');
    const controlId = u.identifier?.[0]?.value ?? `GLC${commId}`;
    if (byMessage)
      rt.queue(
        'critical',
        () =>
          criticalMessage(
            {
              patient: rt.store.resolve<Patient>(u.subject?.reference),
              order: rt.store.resolve<ServiceRequest>(u.basedOn?.[0]?.reference),
              obxSegments: pending.obx,
              text: pending.text,
            },
            {
              app: rt.opts.app,
              facility: rt.opts.facility,
              to: NOTIFY_APP,
              now,
              offsetMinutes: rt.opts.localOffsetMinutes,
              controlId,
              rules: rt.opts.rules,
            },
          ),
        commId,
      );
    rt.audit({
      kind: 'system',
      action: 'U',
      outcome: '0',
      who: rt.opts.app,
      subtype: [{ system: 'urn:golive:site-activity', code: 'critical-notified' }],
      entities: [`Communication/${u.id}`],
    });
  });
}
