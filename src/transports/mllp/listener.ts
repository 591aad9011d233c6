/**
 * MLLP listener: accepts connections, frames messages, decodes by MSH-18, hands each message to
 * a handler (serialized per connection, so order is kept) and writes back the ACK it returns.
 * A message that cannot be parsed gets AR with an ERR segment, never silence. Raw bytes of every
 * message are kept on the event. Binds 127.0.0.1 unless told otherwise.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { UserError, isUserError } from '../../core/errors.js';
import { Hl7Message, buildAck, buildAckFrom, decodeMessage, formatDtm } from '../../hl7/index.js';
import { MllpFramer, frame } from './framer.js';
import type { TlsServerOptions } from './tls.js';

export interface IncomingMessage {
  bytes: Buffer;
  text: string;
  charset: string;
  /** Set when the charset did not fit (text decoded as Latin-1, nothing replaced). */
  charsetProblem?: string;
  message?: Hl7Message;
  parseError?: UserError;
  remote: string;
  connectionId: number;
  /** 1-based sequence of the message on its connection. */
  seq: number;
  receivedAt: number;
}

export type MllpHandler = (m: IncomingMessage) => Promise<string | undefined> | string | undefined;

export interface MllpListenerOptions {
  host?: string;
  port: number;
  /** Builds the ACK. Without one, every parsed message is acknowledged with `ackCode`. */
  handler?: MllpHandler;
  ackCode?: 'AA' | 'AE' | 'AR';
  maxFrameBytes?: number;
  /** A connection holding a partial frame this long with no new bytes is closed. Default 30 s. */
  idleTimeoutMs?: number;
  tls?: TlsServerOptions;
  /** Injected clock for ACK timestamps (ms since epoch). */
  now?: () => number;
}

export interface ListenerEvent {
  type:
    | 'junk'
    | 'oversize'
    | 'truncated'
    | 'idle-partial'
    | 'handler-error'
    | 'connection'
    | 'disconnect';
  connectionId: number;
  remote: string;
  detail: string;
}

let ackSeq = 0;

export class MllpListener extends EventEmitter {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private nextConnId = 0;
  private boundPort = 0;
  readonly host: string;

  constructor(private readonly opts: MllpListenerOptions) {
    super();
    this.host = opts.host ?? '127.0.0.1';
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.boundPort };
  }

  get connections(): number {
    return this.sockets.size;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  async listen(port = this.boundPort || this.opts.port): Promise<void> {
    const server = this.opts.tls
      ? tls.createServer(this.opts.tls, (s) => this.accept(s))
      : net.createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        reject(
          new UserError(
            'E_LISTEN',
            `cannot listen on ${this.host}:${port} (${e.code ?? e.message})`,
            {
              hint:
                e.code === 'EADDRINUSE'
                  ? 'the port is taken: choose another, or 0 for any free port'
                  : 'check the address',
            },
          ),
        );
      };
      server.once('error', onError);
      server.listen(port, this.host, () => {
        server.off('error', onError);
        this.boundPort = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stop accepting (new connections are refused) and drop current ones; the port is kept. */
  async pause(): Promise<void> {
    await this.close(0);
  }

  async resume(): Promise<void> {
    if (!this.listening) await this.listen(this.boundPort);
  }

  /**
   * Close: stop accepting, let connected clients finish for up to `deadlineMs`, then destroy
   * what is left. Always resolves within the deadline (plus a tick).
   */
  async close(deadlineMs = 2000): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    for (const s of this.sockets) s.end();
    if (this.sockets.size > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadlineMs);
        const check = () => {
          if (this.sockets.size === 0) {
            clearTimeout(t);
            resolve();
          }
        };
        for (const s of this.sockets) s.once('close', check);
        check();
      });
    }
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const id = ++this.nextConnId;
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    this.emitEvent({ type: 'connection', connectionId: id, remote, detail: '' });
    let seq = 0;
    let chain: Promise<void> = Promise.resolve();
    const framer = new MllpFramer(
      {
        onFrame: (payload) => {
          const n = ++seq;
          const receivedAt = Date.now();
          chain = chain.then(() => this.process(socket, payload, id, remote, n, receivedAt));
        },
        onJunk: (bytes, preview) =>
          this.emitEvent({
            type: 'junk',
            connectionId: id,
            remote,
            detail: `${bytes} bytes outside a frame: "${preview}"`,
          }),
        onOversize: (bytes) => {
          this.emitEvent({
            type: 'oversize',
            connectionId: id,
            remote,
            detail: `frame of ${bytes} bytes over the cap was discarded`,
          });
          // The content is gone, so reject without a control id rather than stay silent.
          chain = chain.then(() =>
            this.write(
              socket,
              this.rejectUnreadable(`frame of ${bytes} bytes exceeds the size cap`),
            ),
          );
        },
        onTruncated: (bytes) =>
          this.emitEvent({
            type: 'truncated',
            connectionId: id,
            remote,
            detail: `unfinished frame of ${bytes} bytes dropped at a new start block`,
          }),
      },
      this.opts.maxFrameBytes,
    );
    const idleMs = this.opts.idleTimeoutMs ?? 30_000;
    socket.setTimeout(idleMs, () => {
      if (framer.partial) {
        const bytes = framer.reset();
        this.emitEvent({
          type: 'idle-partial',
          connectionId: id,
          remote,
          detail: `no end block within ${idleMs} ms; ${bytes} bytes dropped`,
        });
        socket.destroy();
      }
    });
    socket.on('data', (d: Buffer) => framer.push(d));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.emitEvent({ type: 'disconnect', connectionId: id, remote, detail: '' });
    });
  }

  private async process(
    socket: net.Socket,
    payload: Buffer,
    connectionId: number,
    remote: string,
    seq: number,
    receivedAt: number,
  ): Promise<void> {
    const decoded = decodeMessage(payload);
    const m: IncomingMessage = {
      bytes: payload,
      text: decoded.text,
      charset: decoded.charset,
      charsetProblem: decoded.problem,
      remote,
      connectionId,
      seq,
      receivedAt,
    };
    try {
      m.message = Hl7Message.parse(decoded.text);
    } catch (e) {
      m.parseError = isUserError(e) ? e : new UserError('E_HL7_PARSE', String(e));
    }
    this.emit('message', m);
    let ack: string | undefined;
    try {
      ack = this.opts.handler ? await this.opts.handler(m) : undefined;
    } catch (e) {
      this.emitEvent({ type: 'handler-error', connectionId, remote, detail: (e as Error).message });
      ack = m.message
        ? this.ack(m.message, 'AE', [
            { code: '207', message: 'receiver failed to process the message' },
          ])
        : undefined;
    }
    ack ??= m.message
      ? this.ack(m.message, this.opts.ackCode ?? 'AA')
      : this.rejectUnreadable(m.parseError?.message ?? 'unreadable message', decoded.text);
    await this.write(socket, ack);
  }

  private ack(
    msg: Hl7Message,
    code: 'AA' | 'AE' | 'AR',
    errors?: { code: string; message: string }[],
  ): string {
    const now = this.opts.now?.() ?? Date.now();
    return buildAck(msg, {
      code,
      controlId: `ACK${now}${++ackSeq}`,
      timestamp: formatDtm(now),
      errors,
    }).toString();
  }

  /** AR for a frame that is not a readable message: MSA-2 carries whatever MSH-10 we can see. */
  private rejectUnreadable(reason: string, text = ''): string {
    const now = this.opts.now?.() ?? Date.now();
    const guess = /^MSH(.)/.exec(text);
    const controlId = guess ? (text.split(/[\r\n]/)[0]!.split(guess[1]!)[9] ?? '') : '';
    return buildAckFrom(
      {
        sendingApp: '',
        sendingFacility: '',
        receivingApp: '',
        receivingFacility: '',
        trigger: '',
        processingId: 'P',
        version: '2.5.1',
        originalControlId: controlId,
      },
      {
        code: 'AR',
        controlId: `ACK${now}${++ackSeq}`,
        timestamp: formatDtm(now),
        errors: [{ code: '100', location: 'MSH', message: reason }],
      },
    ).toString();
  }

  private write(socket: net.Socket, ack: string): Promise<void> {
    if (socket.destroyed || !socket.writable) return Promise.resolve();
    return new Promise((resolve) => socket.write(frame(ack), () => resolve()));
  }

  private emitEvent(e: ListenerEvent): void {
    this.emit('event', e);
  }
}

export async function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const l = new MllpListener(opts);
  await l.listen(opts.port);
  return l;
}
