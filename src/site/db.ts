/**
 * The site's data file (SQLite through better-sqlite3). Everything a message changes is written
 * in one transaction before its ACK is sent, in WAL mode: a `kill -9` after the ACK loses
 * nothing (the WAL is in the OS page cache; synchronous=NORMAL is safe against process crashes).
 */
import { openSqlite, type SqliteDatabase, type SqliteStatement } from '../storage/index.js';
import { UserError } from '../core/index.js';

export interface OutboundRow {
  seq: number;
  kind: 'result' | 'critical';
  text: string;
  /** Communication id to update when delivered (critical notifications). */
  commId?: string;
  status: 'queued' | 'delivered' | 'rejected';
}

export interface ChangeSet {
  resources: { type: string; id: string; json: string }[];
  dedup?: { key: string; ack: string };
  outbound?: OutboundRow[];
  meta?: Record<string, string>;
}

export class SiteDb {
  private readonly db: SqliteDatabase;
  private readonly putRes: SqliteStatement;
  private readonly putDedup: SqliteStatement;
  private readonly putOut: SqliteStatement;
  private readonly putMeta: SqliteStatement;
  private readonly tx: (c: ChangeSet) => void;

  constructor(readonly file: string) {
    try {
      this.db = openSqlite(file);
    } catch (e) {
      throw new UserError('E_SITE_DATA', `cannot open data file ${file}: ${(e as Error).message}`, {
        hint: 'check the path and permissions',
        cause: e,
      });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS resources (type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (type, id));
      CREATE TABLE IF NOT EXISTS dedup (key TEXT PRIMARY KEY, ack TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS outbound (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL,
        text TEXT NOT NULL, comm_id TEXT, status TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.putRes = this.db.prepare(
      'INSERT INTO resources (type, id, json) VALUES (?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET json = excluded.json',
    );
    this.putDedup = this.db.prepare('INSERT OR REPLACE INTO dedup (key, ack) VALUES (?, ?)');
    this.putOut = this.db.prepare(
      'INSERT OR REPLACE INTO outbound (seq, kind, text, comm_id, status) VALUES (?, ?, ?, ?, ?)',
    );
    this.putMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.tx = this.db.transaction((c: ChangeSet) => {
      for (const r of c.resources) this.putRes.run(r.type, r.id, r.json);
      if (c.dedup) this.putDedup.run(c.dedup.key, c.dedup.ack);
      for (const o of c.outbound ?? [])
        this.putOut.run(o.seq, o.kind, o.text, o.commId ?? null, o.status);
      for (const [k, v] of Object.entries(c.meta ?? {})) this.putMeta.run(k, v);
    });
  }

  write(c: ChangeSet): void {
    this.tx(c);
  }

  /** Several change sets in one transaction (write-behind flushes). */
  writeMany(cs: ChangeSet[]): void {
    this.db.transaction(() => cs.forEach((c) => this.tx(c)))();
  }

  loadResources(): { type: string; id: string; json: string }[] {
    return this.db.prepare('SELECT type, id, json FROM resources').all() as {
      type: string;
      id: string;
      json: string;
    }[];
  }

  loadDedup(): Map<string, string> {
    const rows = this.db.prepare('SELECT key, ack FROM dedup').all() as {
      key: string;
      ack: string;
    }[];
    return new Map(rows.map((r) => [r.key, r.ack]));
  }

  loadOutbound(): OutboundRow[] {
    const rows = this.db
      .prepare('SELECT seq, kind, text, comm_id, status FROM outbound ORDER BY seq')
      .all() as {
      seq: number;
      kind: string;
      text: string;
      comm_id: string | null;
      status: string;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      kind: r.kind as OutboundRow['kind'],
      text: r.text,
      commId: r.comm_id ?? undefined,
      status: r.status as OutboundRow['status'],
    }));
  }

  loadMeta(): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
