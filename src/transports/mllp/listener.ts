/**
 * MLLP listener: accepts connections, frames messages, decodes by MSH-18, hands each message to
 * a handler (serialized per connection, so order is kept) and writes back the ACK it returns.
 * A message that cannot be parsed gets AR with an ERR segment, never silence. Raw bytes of every
 * message are kept on the event. Binds 127.0.0.1 unless told otherwise.
 * Here: the server's life (listen, pause, resume, close) and each connection's wiring. What is
 * answered is `answers.ts`; the order of answers and back-pressure are `flow.ts`.
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
import { UserError } from '../../core/index.js';
import { Answers } from './answers.js';
import type { Connection, ConnectionStats, ListenerCounters } from './connection.js';
import { Flow } from './flow.js';
import { FrameBudget, MllpFramer, type FramerEvents } from './framer.js';
import {
  LISTENER_DEFAULTS,
  type ListenerEvent,
  type MllpListenerOptions,
} from './listener-options.js';

export type { IncomingMessage } from './received.js';
export type { ConnectionStats, ListenerCounters } from './connection.js';
export {
  LISTENER_DEFAULTS,
  countingControlIds,
  type ListenerEvent,
  type MllpHandler,
  type MllpListenerOptions,
  type MllpReply,
} from './listener-options.js';

export class MllpListener extends EventEmitter {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly conns = new Set<Connection>();
  private readonly budget: FrameBudget;
  private readonly idleMs: number;
  private readonly flow: Flow;
  readonly counters: ListenerCounters = { pauses: 0, refused: 0, budgetDiscards: 0, stalled: 0 };
  private nextConnId = 0;
  private boundPort = 0;
  readonly host: string;

  constructor(private readonly opts: MllpListenerOptions) {
    super();
    this.host = opts.host ?? '127.0.0.1';
    this.budget = new FrameBudget(opts.maxPartialBytes ?? LISTENER_DEFAULTS.maxPartialBytes);
    this.idleMs = opts.idleTimeoutMs ?? LISTENER_DEFAULTS.idleTimeoutMs;
    const event = (e: ListenerEvent) => this.emitEvent(e);
    const answers = new Answers(opts, (m) => this.emit('message', m), event);
    this.flow = new Flow(
      answers,
      this.counters,
      {
        maxQueuedBytes: opts.maxQueuedBytes ?? LISTENER_DEFAULTS.maxQueuedBytes,
        idleTimeoutMs: this.idleMs,
      },
      event,
    );
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
    server.maxConnections = this.opts.maxConnections ?? LISTENER_DEFAULTS.maxConnections;
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
    const framer = new MllpFramer(this.framerEvents(conn), this.opts.maxFrameBytes, this.budget);
    conn.framer = framer;
    const clearIdle = this.idleDeadline(conn, framer);
    socket.on('data', (d: Buffer) => {
      framer.push(d);
      this.flow.pump(conn);
      conn.idle();
    });
    socket.on('drain', () => this.flow.regulate(conn));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearIdle();
      if (conn.stall) clearTimeout(conn.stall);
      // Its unfinished frame no longer counts against the shared budget.
      framer.reset();
      this.conns.delete(conn);
      this.sockets.delete(socket);
      this.emitEvent({ type: 'disconnect', connectionId: id, remote, detail: '' });
    });
  }

  /** What the connection's framer does with frames, junk and refusals: queue them, report. */
  private framerEvents(conn: Connection): FramerEvents {
    const { id, remote } = conn;
    let seq = 0;
    const report = (type: ListenerEvent['type'], detail: string) =>
      this.emitEvent({ type, connectionId: id, remote, detail });
    return {
      onFrame: (payload) => {
        conn.queue.push({ payload, seq: ++seq, receivedAt: Date.now() });
        conn.queuedBytes += payload.length;
      },
      onJunk: (bytes, preview) => report('junk', `${bytes} bytes outside a frame: "${preview}"`),
      onOversize: (bytes, reason) => {
        report(
          'oversize',
          reason === 'cap'
            ? `frame of ${bytes} bytes over the cap was discarded`
            : `frame of ${bytes} bytes was discarded: the partial-frame budget was spent`,
        );
        // The content is gone, so reject without a control id rather than stay silent.
        conn.queue.push({ oversize: bytes, reason });
      },
      onBudget: (held) => {
        this.counters.budgetDiscards++;
        report(
          'budget',
          `unfinished frames over all connections hold ${held} bytes (maxPartialBytes ${this.budget.max}): this frame is discarded and will be answered AR`,
        );
      },
      onTruncated: (bytes) =>
        report('truncated', `unfinished frame of ${bytes} bytes dropped at a new start block`),
    };
  }

  /**
   * The idle deadline runs only while a partial frame is held (a socket timeout would be
   * re-armed on every read and write, for nothing in the usual whole-frame case). Sets
   * `conn.idle`; returns what clears the deadline when the connection closes.
   */
  private idleDeadline(conn: Connection, framer: MllpFramer): () => void {
    const idleMs = this.idleMs;
    let idle: NodeJS.Timeout | undefined;
    const onIdle = () => {
      idle = undefined;
      if (!framer.partial) return;
      const bytes = framer.reset();
      this.emitEvent({
        type: 'idle-partial',
        connectionId: conn.id,
        remote: conn.remote,
        detail: `no end block within ${idleMs} ms; ${bytes} bytes dropped`,
      });
      conn.socket.destroy();
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
    return () => {
      if (idle) clearTimeout(idle);
    };
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
