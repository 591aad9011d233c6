/**
 * What an MLLP listener is told (options, the handler's contract) and what it tells (events).
 * The caps and their defaults are those of docs/decisions/013-bounded-readers.md.
 */
import type { IncomingMessage } from './received.js';
import type { TlsServerOptions } from './tls.js';

/**
 * The handler's answer: the ACK text, or several (each written as its own MLLP frame, in order,
 * in one write: e.g. an enhanced-mode commit ACK then the application ACK). Undefined (or an
 * empty list) asks for the listener's own ACK: `ackCode` for a parsed message, AR otherwise.
 */
export type MllpReply = string | string[] | undefined;

export type MllpHandler = (m: IncomingMessage) => Promise<MllpReply> | MllpReply;

/** Default caps (decision 013). */
export const LISTENER_DEFAULTS = {
  maxConnections: 256,
  maxPartialBytes: 64 * 1024 * 1024,
  maxQueuedBytes: 1024 * 1024,
  idleTimeoutMs: 30_000,
} as const;

export interface MllpListenerOptions {
  host?: string;
  port: number;
  /** Builds the ACK. Without one, every parsed message is acknowledged with `ackCode`. */
  handler?: MllpHandler;
  ackCode?: 'AA' | 'AE' | 'AR';
  /** One message (frame) at most this many bytes; a larger one is answered AR. Default 16 MiB. */
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
  /**
   * MSH-10 of the ACKs the listener builds itself (its default ACK, AR for an unreadable or
   * refused frame, AE after a handler error), given the ACK's time. Default: `ACK<now><n>`,
   * n counted by this listener from 1 (two listeners in one process count apart).
   */
  ackControlId?: (now: number) => string;
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

/** The default control-id source: `ACK<now><n>`, n counted per source (per listener). */
export function countingControlIds(prefix = 'ACK'): (now: number) => string {
  let n = 0;
  return (now) => `${prefix}${now}${++n}`;
}
