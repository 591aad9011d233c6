/**
 * One life of the site between start and stop (or restart): the store loaded from the data
 * file, the journal, the outbound queue and the critical-notification timers.
 */
import { isoWithOffset, type Communication, type Resource } from '../fhir/index.js';
import { auditEvent, type AuditInput } from './audit.js';
import { SiteDb, type ChangeSet, type OutboundRow } from './db.js';
import { Journal } from './journal.js';
import type { ResolvedOptions } from './options.js';
import { Outbound } from './outbound.js';
import { Store } from './store.js';
import { pendingCritical, raiseCritical } from './critical.js';

export class Runtime {
  readonly store: Store;
  readonly journal: Journal;
  readonly outbound: Outbound;
  private readonly timers = new Set<NodeJS.Timeout>();
  private rows: OutboundRow[] = [];
  private dedup: ChangeSet['dedup'];
  messages = 0;

  constructor(readonly opts: ResolvedOptions) {
    this.store = new Store(opts.clock, opts.newId);
    const f = opts.faultSet;
    const db = opts.dataFile ? new SiteDb(opts.dataFile) : undefined;
    this.journal = new Journal(db, f.has('lost-on-restart'), opts.faultOptions.flushIntervalMs);
    this.outbound = new Outbound(opts.downstream, opts.outbound, {
      persist: (row) => {
        if (this.journal.durableOutbound) this.journal.write({ resources: [], outbound: [row] });
      },
      delivered: (row, code) => this.delivered(row, code),
      log: opts.log,
    });
    if (db) {
      for (const r of db.loadResources()) this.store.load(JSON.parse(r.json) as Resource);
      for (const [k, v] of db.loadDedup()) this.store.dedup.set(k, v);
      for (const [k, v] of Object.entries(db.loadMeta())) this.store.meta.set(k, v);
      if (this.journal.durableOutbound) this.outbound.load(db.loadOutbound());
    }
    // Notifications filed but not yet raised when the site stopped are raised now.
    for (const c of this.store.all<Communication>('Communication')) {
      // Known by the site's pending entry, not an identifier (`minimal` writes none).
      if (c.status === 'preparation' && pendingCritical(this.store, c.id!)) this.schedule(c.id!, 0);
    }
  }

  start(): void {
    this.outbound.kick();
  }

  /** Run `fn` as one transaction; its changes, queued rows and dedup entry are persisted together. */
  tx<T>(fn: () => T): T {
    this.store.begin();
    let out: T;
    try {
      out = fn();
    } catch (e) {
      this.store.rollback();
      this.rows = [];
      this.dedup = undefined;
      throw e;
    }
    const rows = this.rows;
    const cs = this.store.commit({ dedup: this.dedup, outbound: rows });
    this.rows = [];
    this.dedup = undefined;
    this.journal.write(cs);
    for (const r of rows) this.outbound.enqueue(r);
    return out;
  }

  /** Queue a message downstream (inside a transaction). */
  queue(kind: OutboundRow['kind'], text: (seq: number) => string, commId?: string): void {
    if (!this.outbound.enabled) return;
    const seq = this.store.nextSeq('outbound');
    this.rows.push({ seq, kind, text: text(seq), commId, status: 'queued' });
  }

  remember(key: string, ack: string): void {
    this.dedup = { key, ack };
  }

  /** Record an AuditEvent (inside a transaction, or in its own). */
  audit(a: AuditInput): void {
    if (
      a.kind === 'rest' &&
      (a.action === 'R' || a.action === 'E') &&
      this.opts.faultSet.has('no-audit-on-read')
    )
      return;
    const write = () =>
      this.store.put(auditEvent(a, this.opts.clock(), this.opts.localOffsetMinutes));
    if (this.store.inTransaction) write();
    else this.tx(write);
  }

  schedule(commId: string, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        raiseCritical(this, commId);
      } catch (e) {
        this.opts.log(`critical notification ${commId} failed: ${(e as Error).message}`);
      }
    }, delayMs);
    this.timers.add(t);
  }

  private delivered(row: OutboundRow, code: string | undefined): void {
    if (row.kind !== 'critical' || !row.commId || code !== 'AA') return;
    const c = this.store.get<Communication>('Communication', row.commId);
    if (!c) return;
    this.tx(() => {
      const u = this.store.clone(c);
      u.status = 'completed';
      u.received = isoWithOffset(this.opts.clock(), this.opts.localOffsetMinutes);
      this.store.put(u);
      this.audit({
        kind: 'system',
        action: 'U',
        outcome: '0',
        who: this.opts.app,
        subtype: [{ system: 'urn:golive:site-activity', code: 'critical-acknowledged' }],
        entities: [`Communication/${u.id}`],
      });
    });
  }

  async close(crash: boolean): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.outbound.close();
    this.journal.close(crash);
  }
}
