/**
 * What the MLLP listener keeps per connection, and what it reports about its connections
 * (back-pressure and refusals, docs/decisions/013-bounded-readers.md).
 */
import type net from 'node:net';
import type { MllpFramer } from './framer.js';

/** A frame waiting its turn on its connection (or the rejection of one over the size cap). */
export type Job =
  | { payload: Buffer; seq: number; receivedAt: number }
  | { oversize: number; reason: 'cap' | 'budget' };

export interface Connection {
  socket: net.Socket;
  id: number;
  remote: string;
  queue: Job[];
  /** An asynchronous handler is running: later frames wait (per-connection order). */
  busy: boolean;
  /** Framed ACKs not yet written (written together, one write per batch). */
  out: string;
  framer: MllpFramer | undefined;
  /** Bytes of the frames in `queue`. */
  queuedBytes: number;
  /** Reading is paused (back-pressure), and why. */
  paused: false | 'drain' | 'queue';
  /** Armed while paused for 'drain': the peer does not read its ACKs. */
  stall: NodeJS.Timeout | undefined;
  /** Arms, refreshes or clears the idle deadline for the partial frame held (and pause). */
  idle: () => void;
}

/** One connection's state, for diagnostics and tests. */
export interface ConnectionStats {
  id: number;
  remote: string;
  /** Reading paused: 'drain' while ACK writes wait for the peer, 'queue' behind the handler. */
  paused: false | 'drain' | 'queue';
  /** ACK bytes written but not yet taken by the socket (socket.writableLength). */
  pendingWriteBytes: number;
  queuedFrames: number;
  queuedBytes: number;
  /** Bytes of the unfinished frame held (not those counted past a cap and discarded). */
  partialBytes: number;
  bytesRead: number;
}

/** Totals since the listener started. */
export interface ListenerCounters {
  /** Times a connection's reading was paused. */
  pauses: number;
  /** Connections refused at the connection cap. */
  refused: number;
  /** Frames discarded because the partial-frame budget was spent. */
  budgetDiscards: number;
  /** Connections closed because their peer stopped reading ACKs. */
  stalled: number;
}
