/**
 * The flow of one MLLP connection (docs/decisions/013-bounded-readers.md): its queued frames
 * are answered in order (an asynchronous handler holds the queue, decision 010), the ACKs of a
 * batch are written together, and reading pauses while ACK writes wait for the peer or the
 * queue behind the handler is long. A peer that sends without reading its ACKs then fills its
 * own socket buffers, not this process; one that reads none of them for the idle time is closed.
 */
import type { Answers } from './answers.js';
import type { Connection, ListenerCounters } from './connection.js';
import type { ListenerEvent } from './listener-options.js';

export class Flow {
  constructor(
    private readonly answers: Answers,
    private readonly counters: ListenerCounters,
    private readonly limits: { maxQueuedBytes: number; idleTimeoutMs: number },
    private readonly event: (e: ListenerEvent) => void,
  ) {}

  /**
   * Answer the connection's queued frames in order. Synchronous handlers (and no handler) are
   * answered at once and their ACKs written together; an asynchronous one holds the queue.
   */
  pump(conn: Connection): void {
    if (conn.busy) {
      // Frames keep arriving behind the handler: the queue bound may pause reading.
      this.regulate(conn);
      return;
    }
    while (conn.queue.length > 0) {
      const job = conn.queue.shift()!;
      if ('payload' in job) conn.queuedBytes -= job.payload.length;
      const answer = this.answers.answer(conn, job);
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

  /**
   * Back-pressure: stop reading while ACK writes wait for the peer or the queue behind an
   * asynchronous handler is long, resume when both have drained.
   */
  regulate(conn: Connection): void {
    const socket = conn.socket;
    const hold: false | 'drain' | 'queue' = socket.writableNeedDrain
      ? 'drain'
      : conn.queuedBytes > this.limits.maxQueuedBytes
        ? 'queue'
        : false;
    if (hold === conn.paused) return;
    if (conn.stall) {
      clearTimeout(conn.stall);
      conn.stall = undefined;
    }
    if (hold === 'drain')
      conn.stall = setTimeout(() => this.stalled(conn), this.limits.idleTimeoutMs);
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

  private flush(conn: Connection): void {
    const out = conn.out;
    if (out === '') return;
    conn.out = '';
    const socket = conn.socket;
    if (socket.destroyed || !socket.writable) return;
    socket.write(out);
  }

  private stalled(conn: Connection): void {
    conn.stall = undefined;
    this.counters.stalled++;
    this.event({
      type: 'stalled',
      connectionId: conn.id,
      remote: conn.remote,
      detail: `the peer read none of ${conn.socket.writableLength} bytes of ACKs within ${this.limits.idleTimeoutMs} ms; connection closed (messages not acknowledged are for the peer to resend)`,
    });
    conn.socket.destroy();
  }
}
