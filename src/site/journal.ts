/**
 * Writes change sets to the data file. Normally write-through: a message's changes are in the
 * file before its ACK is sent. With `lost-on-restart` it is write-behind (the defect: ACK first,
 * store later) and the outbound queue is kept in memory only.
 */
import type { ChangeSet, SiteDb } from './db.js';

export class Journal {
  private buffer: ChangeSet[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly db: SiteDb | undefined,
    private readonly writeBehind: boolean,
    private readonly flushMs: number,
  ) {}

  get durableOutbound(): boolean {
    return !!this.db && !this.writeBehind;
  }

  write(cs: ChangeSet): void {
    if (!this.db) return;
    if (!this.writeBehind) {
      this.db.write(cs);
      return;
    }
    this.buffer.push({ ...cs, outbound: undefined });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.db && this.buffer.length > 0) this.db.writeMany(this.buffer);
    this.buffer = [];
  }

  /** Close the file; `crash` drops what a write-behind buffer still holds (as a crash would). */
  close(crash: boolean): void {
    if (crash || this.writeBehind) {
      clearTimeout(this.timer);
      this.buffer = [];
    } else this.flush();
    this.db?.close();
  }
}
