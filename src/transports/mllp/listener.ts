/**
 * MLLP listener: accepts connections, frames messages, decodes by MSH-18, hands each message to
 * a handler (serialized per connection, so order is kept) and writes back the ACK it returns.
 * A message that cannot be parsed gets AR with an ERR segment, never silence. Raw bytes of every
 * message are kept on the event. Binds 127.0.0.1 unless told otherwise.
 * Hot path (docs/decisions/010-mllp-hot-path.md): the default ACK is built from the MSH header
 * read straight from the text; the message is parsed only when someone reads `message`.
 * Bounded (docs/decisions/013-bounded-readers.md): a connection stops being read while its ACK
 * writes wait for the peer (resumed on 'drain') or while its queue of frames is long, the
 * number of connections is capped, and unfinished frames share one byte budget; each refusal
 * is an event.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { UserError } from '../../core/errors.js';
import { buildAckFrom, formatAck, formatDtm, type AckError } from '../../hl7/index.js';
import type { Connection, ConnectionStats, Job, ListenerCounters } from './connection.js';
import { FrameBudget, MllpFramer, frameText } from './framer.js';
import { Received, type IncomingMessage } from './received.js';
import type { TlsServerOptions } from './tls.js';

export type { IncomingMessage } from './received.js';
export type { ConnectionStats, ListenerCounters } from './connection.js';

/**
 * The handler's answer: the ACK text, or several (each written as its own MLLP frame, in order,
 * in one write: e.g. an enhanced-mode commit ACK then the application ACK). Undefined (or an
 * empty list) asks for the listener's own ACK: `ackCode` for a parsed message, AR otherwise.
 */
export type MllpReply = string | string[] | undefined;

export type MllpHandler = (m: IncomingMessage) => Promise<MllpReply> | MllpReply;

export interface MllpListenerOptions {
  host?: string;
  port: number;
  /** Builds the ACK. Without one, every parsed message is acknowledged with `ackCode`. */
  handler?: MllpHandler;
  ackCode?: 'AA' | 'AE' | 'AR';
  maxFrameBytes?: number;
  /**
   * A connection holding a partial frame this long with no new bytes is closed, and so is one
   * whose peer has not read its ACKs for this long (writes stalled). Default 30 s.
   */
  idleTimeoutMs?: number;
  /** Connections at once; more are refused (closed at once, a 'refused' event). Default 256. */
  maxConnections?: number;
  /**
   * Bytes of unfinished frames held over all connections. A frame that would pass it is
   * discarded and answered AR (a 'budget' event when it happens). Default 64 MiB.
   */
  maxPartialBytes?: number;
  /**
   * Bytes of complete frames queued on one connection (behind an asynchronous handler) before
   * its reading pauses until the queue drains. Default 1 MiB.
   */
  maxQueuedBytes?: number;
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
    | 'refused'
    | 'budget'
    | 'stalled'
    | 'connection'
    | 'disconnect';
  connectionId: number;
  remote: string;
  detail: string;
}

let ackSeq = 0;

function isThenable(v: unknown): v is PromiseLike<MllpReply> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
}

export class MllpListener extends EventEmitter {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly conns = new Set<Connection>();
  private readonly budget: FrameBudget;
  private readonly maxQueued: number;
  readonly counters: ListenerCounters = { pauses: 0, refused: 0, budgetDiscards: 0, stalled: 0 };
  private nextConnId = 0;
  private boundPort = 0;
  /** The last ACK timestamp and its second (formatDtm has second precision). */
  private stampSecond = NaN;
  private stamp = '';
  readonly host: string;

  constructor(private readonly opts: MllpListenerOptions) {
    super();
    this.host = opts.host ?? '127.0.0.1';
    this.budget = new FrameBudget(opts.maxPartialBytes ?? 64 * 1024 * 1024);
    this.maxQueued = opts.maxQueuedBytes ?? 1024 * 1024;
  }

  /** Bytes of unfinished frames held over all connections (within maxPartialBytes). */
  get partialBytes(): number {
    return this.budget.used;
  }

  connectionStats(): ConnectionStats[] {
    return [...this.conns].map((c) => ({
      id: c.id,
      remote: c.remote,
      paused: c.paused,
      pendingWriteBytes: c.socket.writableLength,
      queuedFrames: c.queue.length,
      queuedBytes: c.queuedBytes,
      partialBytes: c.framer?.storedBytes ?? 0,
      bytesRead: c.socket.bytesRead,
    }));
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
    // Refused before any TLS handshake or buffer: Node closes the handle and emits 'drop'.
    server.maxConnections = this.opts.maxConnections ?? 256;
    server.on('drop', (d?: { remoteAddress?: string; remotePort?: number }) => {
      this.counters.refused++;
      this.emitEvent({
        type: 'refused',
        connectionId: 0,
        remote: `${d?.remoteAddress}:${d?.remotePort}`,
        detail: `connection refused: ${server.maxConnections} connections already open (maxConnections)`,
      });
    });
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
    const conn: Connection = {
      socket,
      id,
      remote,
      queue: [],
      busy: false,
      out: '',
      framer: undefined,
      queuedBytes: 0,
      paused: false,
      stall: undefined,
      idle: () => {},
    };
    this.conns.add(conn);
    let seq = 0;
    const framer = new MllpFramer(
      {
        onFrame: (payload) => {
          conn.queue.push({ payload, seq: ++seq, receivedAt: Date.now() });
          conn.queuedBytes += payload.length;
        },
        onJunk: (bytes, preview) =>
          this.emitEvent({
            type: 'junk',
            connectionId: id,
            remote,
            detail: `${bytes} bytes outside a frame: "${preview}"`,
          }),
        onOversize: (bytes, reason) => {
          this.emitEvent({
            type: 'oversize',
            connectionId: id,
            remote,
            detail:
              reason === 'cap'
                ? `frame of ${bytes} bytes over the cap was discarded`
                : `frame of ${bytes} bytes was discarded: the partial-frame budget was spent`,
          });
          // The content is gone, so reject without a control id rather than stay silent.
          conn.queue.push({ oversize: bytes, reason });
        },
        onBudget: (held) => {
          this.counters.budgetDiscards++;
          this.emitEvent({
            type: 'budget',
            connectionId: id,
            remote,
            detail: `unfinished frames over all connections hold ${held} bytes (maxPartialBytes ${this.budget.max}): this frame is discarded and will be answered AR`,
          });
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
      this.budget,
    );
    conn.framer = framer;
    const idleMs = this.opts.idleTimeoutMs ?? 30_000;
    // The idle deadline runs only while a partial frame is held (a socket timeout would be
    // re-armed on every read and write, for nothing in the usual whole-frame case).
    let idle: NodeJS.Timeout | undefined;
    const onIdle = () => {
      idle = undefined;
      if (!framer.partial) return;
      const bytes = framer.reset();
      this.emitEvent({
        type: 'idle-partial',
        connectionId: id,
        remote,
        detail: `no end block within ${idleMs} ms; ${bytes} bytes dropped`,
      });
      socket.destroy();
    };
    // While paused nothing is read, so "no new bytes" says nothing about the peer: the idle
    // deadline runs only while reading (a stalled writer has its own deadline).
    conn.idle = () => {
      if (framer.partial && !conn.paused) {
        if (idle) idle.refresh();
        else idle = setTimeout(onIdle, idleMs);
      } else if (idle) {
        clearTimeout(idle);
        idle = undefined;
      }
    };
    socket.on('data', (d: Buffer) => {
      framer.push(d);
      this.pump(conn);
      conn.idle();
    });
    socket.on('drain', () => this.regulate(conn));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (idle) clearTimeout(idle);
      if (conn.stall) clearTimeout(conn.stall);
      // Its unfinished frame no longer counts against the shared budget.
      framer.reset();
      this.conns.delete(conn);
      this.sockets.delete(socket);
      this.emitEvent({ type: 'disconnect', connectionId: id, remote, detail: '' });
    });
  }

  /**
   * Back-pressure (decision 013): stop reading while ACK writes wait for the peer or the
   * queue behind an asynchronous handler is long, resume when both have drained. A peer that
   * sends without reading its ACKs then fills its own socket buffers, not this process.
   */
  private regulate(conn: Connection): void {
    const socket = conn.socket;
    const hold: false | 'drain' | 'queue' = socket.writableNeedDrain
      ? 'drain'
      : conn.queuedBytes > this.maxQueued
        ? 'queue'
        : false;
    if (hold === conn.paused) return;
    if (conn.stall) {
      clearTimeout(conn.stall);
      conn.stall = undefined;
    }
    if (hold === 'drain') conn.stall = setTimeout(() => this.stalled(conn), this.idleMs());
    const was = conn.paused;
    conn.paused = hold;
    if (hold && !was) {
      this.counters.pauses++;
      socket.pause();
      conn.idle();
    } else if (!hold) {
      socket.resume();
      conn.idle();
    }
  }

  private idleMs(): number {
    return this.opts.idleTimeoutMs ?? 30_000;
  }

  private stalled(conn: Connection): void {
    conn.stall = undefined;
    this.counters.stalled++;
    this.emitEvent({
      type: 'stalled',
      connectionId: conn.id,
      remote: conn.remote,
      detail: `the peer read none of ${conn.socket.writableLength} bytes of ACKs within ${this.idleMs()} ms; connection closed (messages not acknowledged are for the peer to resend)`,
    });
    conn.socket.destroy();
  }

  /**
   * Answer the connection's queued frames in order. Synchronous handlers (and no handler) are
   * answered at once and their ACKs written together; an asynchronous one holds the queue.
   */
  private pump(conn: Connection): void {
    if (conn.busy) {
      // Frames keep arriving behind the handler: the queue bound may pause reading.
      this.regulate(conn);
      return;
    }
    while (conn.queue.length > 0) {
      const job = conn.queue.shift()!;
      if ('payload' in job) conn.queuedBytes -= job.payload.length;
      const answer = this.answer(conn, job);
      if (typeof answer !== 'string') {
        conn.busy = true;
        this.flush(conn);
        this.regulate(conn);
        void answer.then((framed) => {
          conn.busy = false;
          conn.out += framed;
          this.pump(conn);
        });
        return;
      }
      conn.out += answer;
    }
    this.flush(conn);
    this.regulate(conn);
  }

  private flush(conn: Connection): void {
    const out = conn.out;
    if (out === '') return;
    conn.out = '';
    const socket = conn.socket;
    if (socket.destroyed || !socket.writable) return;
    socket.write(out);
  }

  /** The framed answer to one job: now, or once an asynchronous handler has answered. */
  private answer(conn: Connection, job: Job): string | Promise<string> {
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
    this.emit('message', m);
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
    this.emitEvent({
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
        controlId: `ACK${now}${++ackSeq}`,
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

  private emitEvent(e: ListenerEvent): void {
    this.emit('event', e);
  }
}

export async function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const l = new MllpListener(opts);
  await l.listen(opts.port);
  return l;
}
