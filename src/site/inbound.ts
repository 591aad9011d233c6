/**
 * The MLLP inbound handler: checks, duplicate detection, filing in one transaction, ACK,
 * audit, forwarding and critical notifications (docs/site.md, MLLP inbound).
 */
import { messageType, type Hl7Message } from '../hl7/index.js';
import type { IncomingMessage } from '../transports/index.js';
import { ADT_TRIGGERS } from './adt.js';
import { buildAcks, replayedAcks, storedAcks, type Outcome } from './ack.js';
import { messageSubtype } from './audit.js';
import { Refusal, type FileCtx } from './context.js';
import { criticalDelay, fileCritical } from './critical.js';
import { FORWARD_APP, forwardedResult } from './messages.js';
import { fileOrders } from './orders.js';
import { fileResults } from './results.js';
import type { ResolvedOptions } from './options.js';
import type { Runtime } from './runtime.js';
import { transform } from './transform.js';
import type { Patient } from '../fhir/index.js';

const HANDLERS: Record<string, Record<string, (ctx: FileCtx) => void>> = {
  ADT: ADT_TRIGGERS,
  ORM: { O01: fileOrders },
  OML: { O21: fileOrders },
  ORU: { R01: fileResults },
};

const VERSIONS = /^2\.[3-8](\.\d+)?$/;

/** Messages received in the trailing second (burst-drop and slow-under-load measure load). */
class RateWindow {
  private readonly times: number[] = [];
  hit(now: number): number {
    this.times.push(now);
    while (this.times.length > 0 && this.times[0]! <= now - 1000) this.times.shift();
    return this.times.length;
  }
}

export class Inbound {
  private readonly received = new RateWindow();
  private readonly accepted = new RateWindow();
  /** MSH-10 of this site's ACKs: `GLA<now><n>`, counted per site. */
  private ackSeq = 0;
  private readonly ackId = (): string => `GLA${this.opts.clock()}${++this.ackSeq}`;

  constructor(
    private readonly runtime: () => Runtime | undefined,
    private readonly opts: ResolvedOptions,
  ) {}

  /** A message caught by a restart is never acknowledged AA: the sender must resend it. */
  private unavailable(m: IncomingMessage): string[] | undefined {
    if (!m.message) return undefined;
    const why = { code: '207', message: 'the site is restarting: message not filed, resend it' };
    return buildAcks(
      m.message,
      { code: 'AE', errors: [why] },
      this.opts.clock(),
      this.opts.localOffsetMinutes,
      this.ackId,
    );
  }

  readonly handle = async (m: IncomingMessage): Promise<string[] | undefined> => {
    const load = this.received.hit(Date.now());
    if (this.opts.faultSet.has('slow-under-load')) {
      // The defect: per-message work grows with the backlog (a lock held while scanning it).
      await new Promise((r) => setTimeout(r, this.opts.faultOptions.slowPerMessageMs * load));
    }
    const rt = this.runtime();
    if (!rt) return this.unavailable(m);
    const who = m.remote.replace(/:\d+$/, '');
    if (!m.message) {
      rt.audit({
        kind: 'message',
        action: 'E',
        outcome: '8',
        outcomeDesc: m.parseError?.message,
        who: 'unknown',
        address: who,
        subtype: messageSubtype('unknown', ''),
        entities: [],
      });
      return undefined; // the transport answers AR with ERR 100
    }
    return this.process(rt, m.message, who);
  };

  private process(rt: Runtime, msg: Hl7Message, address: string): string[] {
    const opts = rt.opts;
    const faults = opts.faultSet;
    const now = opts.clock();
    const type = messageType(msg);
    const sender = `${msg.get('MSH-3.1') ?? ''}^${msg.get('MSH-4.1') ?? ''}`;
    const controlId = msg.get('MSH-10');
    const key = `${sender}|${controlId ?? ''}`;
    const replay = controlId ? rt.store.dedup.get(key) : undefined;
    const subtype = messageSubtype(type.code, type.trigger);
    const who = msg.get('MSH-3.1') ?? 'unknown';
    rt.messages++;
    if (replay && !faults.has('duplicate-filed')) {
      rt.audit({
        kind: 'message',
        action: 'E',
        outcome: '0',
        outcomeDesc: 'duplicate: original ACK replayed',
        who,
        address,
        subtype,
        entities: [],
        messageId: controlId,
      });
      return replayedAcks(replay);
    }
    if (faults.has('burst-drop') && this.accepted.hit(now) > opts.faultOptions.burstRatePerSec) {
      // The defect: the ACK is sent from the receive buffer; the message is then lost.
      return buildAcks(msg, { code: 'AA', errors: [] }, now, opts.localOffsetMinutes, this.ackId);
    }
    const ctx: FileCtx = {
      store: rt.store,
      msg: transform(msg, faults),
      original: msg,
      opts,
      faults,
      now,
      effects: { created: new Set(), updated: new Set(), warnings: [], critical: [] },
      forceInsert: !!replay,
    };
    let ack: string[] = [];
    const critical: string[] = [];
    rt.tx(() => {
      const mark = rt.store.mark();
      let outcome: Outcome;
      try {
        this.file(ctx, type.code, type.trigger, controlId);
        for (const hit of ctx.effects.critical) {
          const id = fileCritical(ctx, hit);
          if (id) critical.push(id);
        }
        outcome = { code: 'AA', errors: ctx.effects.warnings };
      } catch (e) {
        rt.store.rollbackTo(mark);
        critical.length = 0;
        ctx.effects.created.clear();
        ctx.effects.updated.clear();
        ctx.effects.forwardPatientId = undefined;
        if (!(e instanceof Refusal)) {
          opts.log(`internal error filing ${controlId}: ${(e as Error).stack ?? String(e)}`);
          outcome = {
            code: 'AE',
            errors: [
              { code: '207', message: `application internal error: ${(e as Error).message}` },
            ],
          };
        } else outcome = { code: e.ack, errors: [e.error] };
      }
      ack = buildAcks(msg, outcome, now, opts.localOffsetMinutes, this.ackId);
      const pid = ctx.effects.forwardPatientId;
      if (outcome.code === 'AA' && pid) {
        const patient = rt.store.get<Patient>('Patient', pid);
        rt.queue('result', (seq) =>
          forwardedResult(ctx.msg, patient, {
            app: opts.app,
            facility: opts.facility,
            to: FORWARD_APP,
            now,
            offsetMinutes: opts.localOffsetMinutes,
            controlId: `GLR${seq}`,
            rules: opts.rules,
          }),
        );
      }
      if (outcome.code === 'AA' && controlId) rt.remember(key, storedAcks(ack));
      const created = [...ctx.effects.created];
      const updated = [...ctx.effects.updated];
      rt.audit({
        kind: 'message',
        action: created.length > 0 ? 'C' : updated.length > 0 ? 'U' : 'E',
        outcome: outcome.code === 'AA' ? '0' : outcome.code === 'AE' ? '4' : '8',
        outcomeDesc: outcome.errors.map((e) => e.message).join('; ') || undefined,
        who,
        address,
        subtype,
        entities: [...created, ...updated],
        messageId: controlId,
      });
    });
    const delay = criticalDelay({ opts, faults });
    for (const id of critical) rt.schedule(id, delay);
    return ack;
  }

  private file(ctx: FileCtx, code: string, trigger: string, controlId: string | undefined): void {
    const version = ctx.msg.get('MSH-12.1');
    if (!controlId)
      throw new Refusal('AE', {
        code: '101',
        location: 'MSH-10',
        message: 'required field MSH-10 is missing',
      });
    if (version && !VERSIONS.test(version))
      throw new Refusal('AR', {
        code: '203',
        location: 'MSH-12',
        message: `unsupported version ${version}`,
      });
    const byTrigger = HANDLERS[code];
    if (!byTrigger)
      throw new Refusal('AR', {
        code: '200',
        location: 'MSH-9',
        message: `unsupported message type ${code}^${trigger}`,
      });
    const handler = byTrigger[trigger];
    if (!handler)
      throw new Refusal('AR', {
        code: '201',
        location: 'MSH-9',
        message: `unsupported event ${code}^${trigger}`,
      });
    handler(ctx);
  }
}
