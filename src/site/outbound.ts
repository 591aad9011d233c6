/**
 * Delivery to the downstream listener (what an interface engine does): one ordered queue, one
 * message in flight, retried while the listener is down, never reordered. The same MSH-10 is
 * resent after a timeout so the receiver can recognise a repeat (v2.5.1 2.9.1, MSH-10).
 */
import { MllpClient } from '../transports/index.js';
import type { OutboundRow } from './db.js';

export interface OutboundHooks {
  /** Persist a row's new status. */
  persist(row: OutboundRow): void;
  /** Called after a row is delivered (AA/CA) or rejected (AE/AR...). */
  delivered(row: OutboundRow, ackCode: string | undefined): void;
  log(line: string): void;
}

export class Outbound {
  private readonly queue: OutboundRow[] = [];
  private readonly client: MllpClient | undefined;
  private running = false;
  private paused = false;
  private closed = false;
  private wake: (() => void) | undefined;
  delivered = 0;
  rejected = 0;

  constructor(
    target: { host: string; port: number } | undefined,
    private readonly retry: { retryMinMs: number; retryMaxMs: number; ackTimeoutMs: number },
    private readonly hooks: OutboundHooks,
  ) {
    this.client = target
      ? new MllpClient({ ...target, connectTimeoutMs: 2000, ackTimeoutMs: retry.ackTimeoutMs })
      : undefined;
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Rows still to deliver, in order (loaded from the data file at start). */
  load(rows: OutboundRow[]): void {
    for (const r of rows) if (r.status === 'queued') this.queue.push(r);
  }

  enqueue(row: OutboundRow): void {
    if (!this.client) return;
    this.queue.push(row);
    this.kick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.client?.close();
  }

  kick(): void {
    if (this.running || this.paused || this.closed || !this.client) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (!this.paused && !this.closed && this.queue.length > 0) this.kick();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    let backoff = this.retry.retryMinMs;
    while (!this.paused && !this.closed && this.queue.length > 0) {
      const row = this.queue[0]!;
      const r = await this.client!.send(row.text, { retries: 0 });
      if (this.closed) return;
      if (r.status === 'acked') {
        this.queue.shift();
        const ok = r.ackCode === 'AA' || r.ackCode === 'CA';
        row.status = ok ? 'delivered' : 'rejected';
        if (ok) this.delivered++;
        else {
          this.rejected++;
          this.hooks.log(`downstream answered ${r.ackCode} to ${row.kind} message: not retried`);
        }
        this.hooks.persist(row);
        this.hooks.delivered(row, r.ackCode);
        backoff = this.retry.retryMinMs;
        continue;
      }
      this.hooks.log(
        `downstream ${r.status}${r.error ? ` (${r.error})` : ''}; retrying in ${backoff} ms`,
      );
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, this.retry.retryMaxMs);
    }
  }
}
