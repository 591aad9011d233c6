/**
 * MLLP client. `send` waits for the ACK whose MSA-2 equals the sent MSH-10: an ACK for another
 * message is never credited. No ACK in time is `timeout` (delivery unknown, never "sent");
 * retries resend the same bytes with the same MSH-10 so the receiver can de-duplicate;
 * a reset connection is reported apart from a timeout. In enhanced mode (MSH-15/16) a commit
 * ACK (CA) alone is not success: the application ACK is awaited.
 */
import net from 'node:net';
import tls from 'node:tls';
import { UserError } from '../../core/errors.js';
import { Hl7Message, encodeMessage, decodeMessage, parseAck } from '../../hl7/index.js';
import { MllpFramer, frame } from './framer.js';
import { pinMatches, type TlsClientOptions } from './tls.js';

export type SendStatus = 'acked' | 'timeout' | 'reset' | 'refused' | 'invalid-ack' | 'error';

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

interface Pending {
  controlId: string;
  enhanced: boolean;
  acks: string[];
  resolve: (r: { status: SendStatus; ackCode?: string; ackText?: string; error?: string }) => void;
  timer: NodeJS.Timeout;
}

/** MSH-10 and MSH-16 straight from the header line (no full parse on the hot path). */
function readHeader(text: string): { controlId: string; appAck?: string } {
  const start = text.startsWith('\uFEFF') ? 1 : 0;
  if (!text.startsWith('MSH', start)) {
    // Not a message we can key: parse to raise the usual error with its location.
    Hl7Message.parse(text);
  }
  const sep = text[start + 3] ?? '|';
  let end = text.indexOf('\r', start);
  const lf = text.indexOf('\n', start);
  if (end === -1 || (lf !== -1 && lf < end)) end = lf === -1 ? text.length : lf;
  const fields = text.slice(start, end).split(sep);
  const comp = fields[1]?.[0] ?? '^';
  // fields[0] is "MSH" and fields[1] is MSH-2, so MSH-n is fields[n - 1].
  return { controlId: fields[9]?.split(comp)[0] ?? '', appAck: fields[15]?.split(comp)[0] };
}

export class MllpClient {
  private socket: net.Socket | undefined;
  private connecting: Promise<void> | undefined;
  private readonly pending: Pending[] = [];
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
      const sock = t
        ? tls.connect({
            host,
            port,
            ca: t.ca,
            cert: t.cert,
            key: t.key,
            servername: t.servername ?? host,
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
      // Everything still waiting on this connection is now unknown: reported as reset.
      for (const p of this.pending.splice(0)) {
        clearTimeout(p.timer);
        p.resolve({
          status: 'reset',
          error: 'connection closed before the acknowledgement arrived',
        });
      }
    });
  }

  private onAck(payload: Buffer): void {
    const text = decodeMessage(payload).text;
    let parsed: ReturnType<typeof parseAck> | undefined;
    try {
      parsed = parseAck(Hl7Message.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed || !parsed.valid) {
      // A garbage ACK: MLLP is in-order, so it answers the oldest message in flight.
      const p = this.pending.shift();
      if (p) {
        clearTimeout(p.timer);
        p.acks.push(text);
        p.resolve({
          status: 'invalid-ack',
          ackText: text,
          error: 'the reply is not a valid acknowledgement (no MSA with a table 0008 code)',
        });
      } else this.stray.push(text);
      return;
    }
    const idx = this.pending.findIndex((p) => p.controlId === parsed.ackedControlId);
    if (idx === -1) {
      this.stray.push(text);
      return;
    }
    const p = this.pending[idx]!;
    p.acks.push(text);
    if (parsed.code === 'CA' && p.enhanced) return; // committed; wait for the application ACK
    this.pending.splice(idx, 1);
    clearTimeout(p.timer);
    p.resolve({ status: 'acked', ackCode: parsed.code, ackText: text });
  }

  /** Send one message and wait for its acknowledgement. Never throws for transport trouble. */
  async send(
    message: string | Hl7Message,
    opts: { ackTimeoutMs?: number; retries?: number } = {},
  ): Promise<SendResult> {
    const text = typeof message === 'string' ? message : message.toString();
    const header = readHeader(text);
    const controlId = header.controlId;
    // Enhanced mode: MSH-16 = AL asks for an application ACK after the commit ACK (v2.5.1 2.9.3).
    const enhanced = this.opts.enhanced ?? header.appAck === 'AL';
    const bytes = frame(encodeMessage(text));
    const retries = opts.retries ?? this.opts.retries ?? 0;
    const timeoutMs = opts.ackTimeoutMs ?? this.opts.ackTimeoutMs ?? 10_000;
    const startedAt = Date.now();
    const t0 = performance.now();
    const acks: string[] = [];
    let last: { status: SendStatus; ackCode?: string; ackText?: string; error?: string } = {
      status: 'error',
    };
    let attempts = 0;
    while (attempts <= retries) {
      attempts++;
      try {
        await this.connect();
      } catch (e) {
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
        if (last.status === 'refused' && attempts > retries) break;
        continue;
      }
      last = await new Promise((resolve) => {
        const p: Pending = {
          controlId,
          enhanced,
          acks,
          resolve,
          timer: setTimeout(() => {
            const i = this.pending.indexOf(p);
            if (i >= 0) this.pending.splice(i, 1);
            resolve({
              status: 'timeout',
              error: `no acknowledgement within ${timeoutMs} ms (delivery unknown)`,
            });
          }, timeoutMs),
        };
        this.pending.push(p);
        this.socket!.write(bytes);
      });
      if (last.status === 'acked' || last.status === 'invalid-ack') break;
    }
    return {
      ...last,
      acks,
      controlId,
      request: text,
      startedAt,
      rttMs: performance.now() - t0,
      attempts,
    };
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (!s) return;
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
