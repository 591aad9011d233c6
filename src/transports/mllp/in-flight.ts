/**
 * The MLLP client's attempts waiting for their acknowledgement: found by MSH-10 (MSA-2 of the
 * ACK), kept in send order (a garbage ACK answers the oldest, MLLP being in-order), and timed
 * out by one timer armed for the earliest deadline (never one timer per send).
 */
export type SendStatus = 'acked' | 'timeout' | 'reset' | 'refused' | 'invalid-ack' | 'error';

export interface Outcome {
  status: SendStatus;
  ackCode?: string;
  ackText?: string;
  error?: string;
}

/** One attempt waiting for its acknowledgement. */
export interface Pending {
  controlId: string;
  enhanced: boolean;
  /** Every acknowledgement received for the message (shared by its attempts). */
  acks: string[];
  resolve: (r: Outcome) => void;
  /** performance.now() after which the attempt is a timeout. */
  deadline: number;
  timeoutMs: number;
  /** Send order, oldest first. */
  prev: Pending | undefined;
  next: Pending | undefined;
  /** The next attempt in flight with the same MSH-10 (the caller sent it twice). */
  same: Pending | undefined;
}

export class InFlight {
  /** The oldest attempt in flight with each MSH-10 (later ones chained by `same`). */
  private readonly byId = new Map<string, Pending>();
  oldest: Pending | undefined;
  private newest: Pending | undefined;
  size = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  /** The oldest attempt in flight for this MSH-10. */
  get(controlId: string): Pending | undefined {
    return this.byId.get(controlId);
  }

  add(p: Pending): void {
    p.prev = this.newest;
    if (this.newest) this.newest.next = p;
    else this.oldest = p;
    this.newest = p;
    this.size++;
    const first = this.byId.get(p.controlId);
    if (!first) this.byId.set(p.controlId, p);
    else {
      let last = first;
      while (last.same) last = last.same;
      last.same = p;
    }
    if (p.deadline < this.timerAt) this.arm(p.deadline);
  }

  remove(p: Pending): void {
    if (p.prev) p.prev.next = p.next;
    else this.oldest = p.next;
    if (p.next) p.next.prev = p.prev;
    else this.newest = p.prev;
    p.prev = p.next = undefined;
    this.size--;
    const first = this.byId.get(p.controlId);
    if (first === p) {
      if (p.same) this.byId.set(p.controlId, p.same);
      else this.byId.delete(p.controlId);
    } else if (first) {
      let q = first;
      while (q.same && q.same !== p) q = q.same;
      if (q.same === p) q.same = p.same;
    }
    p.same = undefined;
    // The timer stays armed when nothing is left (it re-arms lazily when it fires): clearing
    // and re-creating it for every message is what one timer per send cost.
  }

  /** End every attempt with `outcome` (oldest first) and stop the timer. */
  endAll(outcome: Outcome): void {
    for (let p = this.oldest; p; p = this.oldest) {
      this.remove(p);
      p.resolve(outcome);
    }
    this.disarm();
  }

  /** Stop the timer (nothing in flight must keep the process alive). */
  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.sweep(), Math.max(1, Math.ceil(at - performance.now())));
  }

  /** Time out every attempt past its deadline, then re-arm for the earliest one left. */
  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let earliest = Infinity;
    for (let p = this.oldest; p;) {
      const next = p.next;
      if (p.deadline <= now) {
        this.remove(p);
        p.resolve({
          status: 'timeout',
          error: `no acknowledgement within ${p.timeoutMs} ms (delivery unknown)`,
        });
      } else if (p.deadline < earliest) earliest = p.deadline;
      p = next;
    }
    if (earliest !== Infinity) this.arm(earliest);
  }
}
