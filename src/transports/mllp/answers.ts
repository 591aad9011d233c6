/**
 * What the MLLP listener answers to each frame: the handler's reply, or the listener's own ACK
 * (`ackCode` for a message that parses, AR with ERR for one that does not or for a frame that
 * was refused, AE when the handler failed). Never silence.
 * Hot path (docs/decisions/010-mllp-hot-path.md): the default ACK is built from the MSH header
 * read straight from the text; the timestamp is formatted once per second.
 */
import { buildAckFrom, formatAck, formatDtm, type AckError } from '../../hl7/index.js';
import type { Connection, Job } from './connection.js';
import { frameText } from './framer.js';
import {
  countingControlIds,
  type ListenerEvent,
  type MllpListenerOptions,
  type MllpReply,
} from './listener-options.js';
import { Received } from './received.js';

function isThenable(v: unknown): v is PromiseLike<MllpReply> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
}

export class Answers {
  private readonly controlId: (now: number) => string;
  /** The last ACK timestamp and its second (formatDtm has second precision). */
  private stampSecond = NaN;
  private stamp = '';

  constructor(
    private readonly opts: MllpListenerOptions,
    private readonly message: (m: Received) => void,
    private readonly event: (e: ListenerEvent) => void,
  ) {
    this.controlId = opts.ackControlId ?? countingControlIds();
  }

  /** The framed answer to one job: now, or once an asynchronous handler has answered. */
  answer(conn: Connection, job: Job): string | Promise<string> {
    if ('oversize' in job) {
      return frameText(
        this.rejectUnreadable(
          job.reason === 'cap'
            ? `frame of ${job.oversize} bytes exceeds the size cap`
            : `frame of ${job.oversize} bytes discarded: receiver buffer for unfinished frames is full, resend`,
        ),
      );
    }
    const m = new Received(job.payload, conn.remote, conn.id, job.seq, job.receivedAt);
    this.message(m);
    const handler = this.opts.handler;
    if (!handler) return frameText(this.defaultAck(m));
    let reply: Promise<MllpReply> | MllpReply;
    try {
      reply = handler(m);
    } catch (e) {
      return frameText(this.afterHandlerError(m, e, conn));
    }
    if (!isThenable(reply)) return this.framed(m, reply);
    return Promise.resolve(reply).then(
      (r) => this.framed(m, r),
      (e: unknown) => frameText(this.afterHandlerError(m, e, conn)),
    );
  }

  private framed(m: Received, reply: MllpReply): string {
    if (typeof reply === 'string') return frameText(reply);
    if (reply === undefined || reply.length === 0) return frameText(this.defaultAck(m));
    let out = '';
    for (const r of reply) out += frameText(r);
    return out;
  }

  private afterHandlerError(m: Received, e: unknown, conn: Connection): string {
    this.event({
      type: 'handler-error',
      connectionId: conn.id,
      remote: conn.remote,
      detail: (e as Error)?.message ?? String(e),
    });
    return this.ack(m, 'AE', [{ code: '207', message: 'receiver failed to process the message' }]);
  }

  /** `ackCode` for a message that parses, AR with ERR for one that does not. */
  private defaultAck(m: Received): string {
    return this.ack(m, this.opts.ackCode ?? 'AA');
  }

  private ack(m: Received, code: 'AA' | 'AE' | 'AR', errors?: AckError[]): string {
    const h = m.ackHeader();
    if (!h) return this.rejectUnreadable(m.parseError?.message ?? 'unreadable message', m.text);
    const now = this.opts.now?.() ?? Date.now();
    try {
      return formatAck(h, {
        code,
        controlId: this.controlId(now),
        timestamp: this.timestamp(now),
        errors,
      });
    } catch (e) {
      // It parses, but its MSH-1/MSH-2 cannot head an ACK: still answer, never go silent.
      return this.rejectUnreadable((e as Error).message, m.text);
    }
  }

  /** formatDtm(now), computed once per second (the ACK timestamp has second precision). */
  private timestamp(now: number): string {
    const second = Math.floor(now / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stamp = formatDtm(now);
    }
    return this.stamp;
  }

  /** AR for a frame that is not a readable message: MSA-2 carries whatever MSH-10 we can see. */
  private rejectUnreadable(reason: string, text = ''): string {
    const now = this.opts.now?.() ?? Date.now();
    return buildAckFrom(
      {
        sendingApp: '',
        sendingFacility: '',
        receivingApp: '',
        receivingFacility: '',
        trigger: '',
        processingId: 'P',
        version: '2.5.1',
        originalControlId: mshField10(text),
      },
      {
        code: 'AR',
        controlId: this.controlId(now),
        timestamp: formatDtm(now),
        errors: [{ code: '100', location: 'MSH', message: reason }],
      },
    ).toString();
  }
}

/**
 * MSH-10 of a text that may not parse, read by walking to its ninth field separator on the first
 * line ('' when there is none): never a split of the whole text, whatever its size.
 */
export function mshField10(text: string): string {
  if (!text.startsWith('MSH') || text.length < 4) return '';
  const sep = text[3]!;
  if (sep === '\r' || sep === '\n' || sep === '\u2028' || sep === '\u2029') return '';
  let lineEnd = text.length;
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (cr !== -1) lineEnd = cr;
  if (lf !== -1 && lf < lineEnd) lineEnd = lf;
  let at = 3; // the first separator; MSH-10 follows the ninth
  for (let i = 1; i < 9; i++) {
    at = text.indexOf(sep, at + 1);
    if (at === -1 || at >= lineEnd) return '';
  }
  const next = text.indexOf(sep, at + 1);
  return text.slice(at + 1, next === -1 || next > lineEnd ? lineEnd : next);
}
