/**
 * MLLP client. `send` waits for the ACK whose MSA-2 equals the sent MSH-10: an ACK for another
 * message is never credited. No ACK in time is `timeout` (delivery unknown, never "sent");
 * retries resend the same bytes with the same MSH-10 so the receiver can de-duplicate;
 * a reset connection is reported apart from a timeout. In enhanced mode (MSH-15/16) a commit
 * ACK (CA) alone is not success: the application ACK is awaited.
 */
import net from 'node:net';
import tls from 'node:tls';
import { UserError } from '../../core/index.js';
import { Hl7Message, encodeMessage, parseAck, readAckIds, type AckIds } from '../../hl7/index.js';
import { decodeFrame } from './decode.js';
import { MllpFramer, frame, frameText } from './framer.js';
import { readSendHeader } from './header.js';
import { InFlight, type Outcome, type SendStatus } from './in-flight.js';
import { pinMatches, type TlsClientOptions } from './tls.js';

export type { SendStatus } from './in-flight.js';

export interface SendResult {
  status: SendStatus;
  /** MSA-1 of the final acknowledgement (AA/AE/AR, or CE/CR when the commit was refused). */
  ackCode?: string;
  ackText?: string;
  /** Every acknowledgement received for this message (commit and application, in order). */
  acks: string[];
  controlId: string;
  request: string;
  startedAt: number;
  rttMs: number;
  attempts: number;
  error?: string;
}

export interface MllpClientOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  ackTimeoutMs?: number;
  /** Resends after a timeout or reset (same MSH-10). Default 0. */
  retries?: number;
  /** Wait for an application ACK after CA (enhanced mode). Default: decided by MSH-15/16. */
  enhanced?: boolean;
  maxFrameBytes?: number;
  tls?: TlsClientOptions;
}

/** One send: what every attempt reuses (same MSH-10, same bytes) and what it returns. */
interface SendJob {
  text: string;
  controlId: string;
  enhanced: boolean;
  wire: string | Buffer;
  retries: number;
  timeoutMs: number;
  startedAt: number;
  t0: number;
  /** Every acknowledgement received, over all attempts. */
  acks: string[];
  attempts: number;
}

/** An answer (or a final failure) ends the send; a timeout or reset is retried while allowed. */
function final(o: Outcome, job: SendJob): boolean {
  return o.status === 'acked' || o.status === 'invalid-ack' || job.attempts > job.retries;
}

function result(job: SendJob, last: Outcome): SendResult {
  // One object shape for every result (spreading `last` made a new hidden class each time).
  return {
    status: last.status,
    ackCode: last.ackCode,
    ackText: last.ackText,
    error: last.error,
    acks: job.acks,
    controlId: job.controlId,
    request: job.text,
    startedAt: job.startedAt,
    rttMs: performance.now() - job.t0,
    attempts: job.attempts,
  };
}

export class MllpClient {
  private socket: net.Socket | undefined;
  private connecting: Promise<void> | undefined;
  /** Attempts waiting for their acknowledgement (by MSH-10 and in send order). */
  private readonly inFlight = new InFlight();
  /** Frames sent in this turn of the event loop, written together (one syscall). */
  private out: (string | Buffer)[] = [];
  private outSocket: net.Socket | undefined;
  /** ACKs that matched nothing in flight (late, or for another message). */
  readonly stray: string[] = [];

  constructor(private readonly opts: MllpClientOptions) {}

  get target(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  get connected(): boolean {
    return !!this.socket && !this.socket.destroyed;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(): Promise<void> {
    const { host, port } = this.opts;
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const t = this.opts.tls;
      // SNI carries host names only (RFC 6066 section 3): for an IP address Node warns (DEP0123)
      // on every connection. The certificate is still checked against `host` either way.
      const sni = t?.servername ?? host;
      const sock = t
        ? tls.connect({
            host,
            port,
            ca: t.ca,
            cert: t.cert,
            key: t.key,
            ...(net.isIP(sni) ? {} : { servername: sni }),
            rejectUnauthorized: t.rejectUnauthorized ?? true,
          })
        : net.connect({ host, port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(
          new UserError(
            'E_CONNECT_TIMEOUT',
            `no connection to ${host}:${port} within ${timeoutMs} ms`,
            { exitCode: 3, hint: 'is the receiver running and reachable?' },
          ),
        );
      }, timeoutMs);
      const onError = (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new UserError('E_CONNECT', `cannot connect to ${host}:${port} (${e.code ?? e.message})`, {
            exitCode: 3,
            hint:
              e.code === 'ECONNREFUSED'
                ? 'nothing is listening there: start the receiver or check the port'
                : 'check host, port and TLS settings',
          }),
        );
      };
      sock.once('error', onError);
      sock.once(t ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        sock.off('error', onError);
        if (
          t &&
          !pinMatches((sock as tls.TLSSocket).getPeerCertificate().fingerprint256, t.pinSha256)
        ) {
          sock.destroy();
          reject(
            new UserError(
              'E_TLS_PIN',
              `certificate of ${host}:${port} does not match the pinned fingerprint`,
              { exitCode: 3, hint: 'check pinSha256 against the receiver certificate' },
            ),
          );
          return;
        }
        sock.setNoDelay(true);
        this.attach(sock);
        resolve();
      });
    });
  }

  private attach(sock: net.Socket): void {
    this.socket = sock;
    const framer = new MllpFramer({ onFrame: (f) => this.onAck(f) }, this.opts.maxFrameBytes);
    sock.on('data', (d: Buffer) => framer.push(d));
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      if (this.socket === sock) this.socket = undefined;
      if (this.outSocket === sock) this.out = [];
      // Everything still waiting on this connection is now unknown: reported as reset.
      this.inFlight.endAll({
        status: 'reset',
        error: 'connection closed before the acknowledgement arrived',
      });
    });
  }

  private onAck(payload: Buffer): void {
    const text = decodeFrame(payload).text;
    // MSA-1/MSA-2 read from the MSA line; the full parse only when that read gives up.
    let parsed: AckIds | undefined = readAckIds(text);
    if (!parsed) {
      try {
        parsed = parseAck(Hl7Message.parse(text));
      } catch {
        parsed = undefined;
      }
    }
    if (!parsed || !parsed.valid) {
      // A garbage ACK: MLLP is in-order, so it answers the oldest message in flight.
      const p = this.inFlight.oldest;
      if (p) {
        this.inFlight.remove(p);
        p.acks.push(text);
        p.resolve({
          status: 'invalid-ack',
          ackText: text,
          error: 'the reply is not a valid acknowledgement (no MSA with a table 0008 code)',
        });
      } else this.stray.push(text);
      return;
    }
    const p =
      parsed.ackedControlId === undefined ? undefined : this.inFlight.get(parsed.ackedControlId);
    if (!p) {
      this.stray.push(text);
      return;
    }
    p.acks.push(text);
    if (parsed.code === 'CA' && p.enhanced) return; // committed; wait for the application ACK
    this.inFlight.remove(p);
    p.resolve({ status: 'acked', ackCode: parsed.code, ackText: text });
  }

  /**
   * Write a frame. Alone in flight, it goes out at once (lowest latency); with others in
   * flight, frames sent in the same turn of the event loop are written together.
   */
  private write(sock: net.Socket, wire: string | Buffer): void {
    if (this.out.length === 0 && this.inFlight.size <= 1) {
      sock.write(wire);
      return;
    }
    if (this.out.length === 0) {
      this.outSocket = sock;
      setImmediate(() => this.flush());
    } else if (this.outSocket !== sock) {
      this.flush();
      this.write(sock, wire);
      return;
    }
    this.out.push(wire);
  }

  private flush(): void {
    const out = this.out;
    const sock = this.outSocket;
    this.out = [];
    this.outSocket = undefined;
    if (!sock || out.length === 0 || sock.destroyed) return;
    if (out.length === 1) sock.write(out[0]!);
    else if (out.every((w) => typeof w === 'string')) sock.write(out.join(''));
    else {
      sock.cork();
      for (const w of out) sock.write(w);
      sock.uncork();
    }
  }

  /** Start one attempt on the current connection; `done` gets its outcome. */
  private attempt(job: SendJob, done: (o: Outcome) => void): void {
    const sock = this.socket;
    job.attempts++;
    if (!sock || sock.destroyed) {
      done({ status: 'reset', error: 'connection closed before the message was sent' });
      return;
    }
    this.inFlight.add({
      controlId: job.controlId,
      enhanced: job.enhanced,
      acks: job.acks,
      resolve: done,
      deadline: performance.now() + job.timeoutMs,
      timeoutMs: job.timeoutMs,
      prev: undefined,
      next: undefined,
      same: undefined,
    });
    this.write(sock, job.wire);
  }

  /** Send one message and wait for its acknowledgement. Never throws for transport trouble. */
  send(
    message: string | Hl7Message,
    opts: { ackTimeoutMs?: number; retries?: number } = {},
  ): Promise<SendResult> {
    let job: SendJob;
    try {
      job = this.prepare(message, opts);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    if (!this.connected) return this.sendLoop(job, { status: 'error' });
    // Connected (the usual case): the first attempt's outcome resolves the send directly,
    // unless it calls for a retry.
    return new Promise((resolve) => {
      this.attempt(job, (o) => {
        resolve(final(o, job) ? result(job, o) : this.sendLoop(job, o));
      });
    });
  }

  private prepare(
    message: string | Hl7Message,
    opts: { ackTimeoutMs?: number; retries?: number },
  ): SendJob {
    const text = typeof message === 'string' ? message : message.toString();
    const header = readSendHeader(text);
    // UTF-8 unless MSH-18 says otherwise: then the bytes encodeMessage gives. Either way every
    // attempt sends the same bytes. (encodeMessage does not see MSH-18 behind a BOM.)
    const wire =
      header.charset === '' || text.charCodeAt(0) === 0xfeff
        ? frameText(text)
        : frame(encodeMessage(text));
    return {
      text,
      controlId: header.controlId,
      // Enhanced mode: MSH-16 = AL asks for an application ACK after the commit ACK
      // (v2.5.1 2.9.3).
      enhanced: this.opts.enhanced ?? header.appAck === 'AL',
      wire,
      retries: opts.retries ?? this.opts.retries ?? 0,
      timeoutMs: opts.ackTimeoutMs ?? this.opts.ackTimeoutMs ?? 10_000,
      startedAt: Date.now(),
      t0: performance.now(),
      acks: [],
      attempts: 0,
    };
  }

  /** Connect when needed and retry: the general path after `last` (timeouts, resets). */
  private async sendLoop(job: SendJob, last: Outcome): Promise<SendResult> {
    while (job.attempts <= job.retries) {
      if (!this.connected) {
        try {
          await this.connect();
        } catch (e) {
          job.attempts++;
          const ue = e as UserError;
          last = {
            status:
              ue.code === 'E_CONNECT_TIMEOUT'
                ? 'timeout'
                : ue.message.includes('ECONNREFUSED')
                  ? 'refused'
                  : 'error',
            error: ue.message,
          };
          if (last.status === 'refused' && job.attempts > job.retries) break;
          continue;
        }
      }
      last = await new Promise<Outcome>((resolve) => this.attempt(job, resolve));
      if (final(last, job)) break;
    }
    return result(job, last);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (!this.inFlight.oldest) this.inFlight.disarm();
    if (!s) return;
    if (this.outSocket === s) this.flush(); // frames sent just before close go out first
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000);
      s.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      s.end();
    });
  }
}
