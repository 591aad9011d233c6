/**
 * The dashboard's own audit log: one row per HTTP request (who, what, when with the UTC offset,
 * where from, outcome). A separate SQLite file, not evidence records: requests to read a review
 * are not evidence about the integration, and the evidence store's schema stays untouched.
 * Append-only like the store (triggers refuse UPDATE and DELETE) and hash-chained, so an edited
 * or removed entry shows in `verify()`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite, type SqliteDatabase } from '../storage/index.js';
import { UserError } from '../core/index.js';
import { canonicalJson, GENESIS_HASH, sha256 } from '../evidence/index.js';

export type AuditOutcome = 'ok' | 'denied' | 'not-found' | 'rejected' | 'error';

export interface AuditEntryInput {
  /** ISO-8601 with the server's UTC offset, e.g. 2026-11-27T09:00:00.000+01:00. */
  at: string;
  /** User name; null when the request carried no valid credentials. */
  who: string | null;
  role: string | null;
  method: string;
  /** Route pattern (`/api/runs/:runId/waivers`), or `(none)` for unknown paths. */
  route: string;
  /** Path and query as requested (truncated). */
  url: string;
  remote: string;
  status: number;
  /** What the request changed, e.g. `appended ev-42`. */
  detail?: string;
}

export interface AuditEntry extends AuditEntryInput {
  seq: number;
  outcome: AuditOutcome;
  hash: string;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status >= 500) return 'error';
  if (status === 401 || status === 403) return 'denied';
  if (status === 404) return 'not-found';
  if (status >= 400) return 'rejected';
  return 'ok';
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT, role TEXT, method TEXT NOT NULL,
    route TEXT NOT NULL, url TEXT NOT NULL, remote TEXT NOT NULL, status INTEGER NOT NULL,
    outcome TEXT NOT NULL, detail TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`;

interface Row {
  seq: number;
  at: string;
  who: string | null;
  role: string | null;
  method: string;
  route: string;
  url: string;
  remote: string;
  status: number;
  outcome: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

const MAX_URL = 500;

function hashOf(prev: string, seq: number, e: AuditEntryInput, outcome: string): string {
  const fields = { ...e, detail: e.detail ?? null, outcome, seq };
  return sha256(`${prev}\n${canonicalJson(fields)}`);
}

function toEntry(r: Row): AuditEntry {
  const e: AuditEntry = {
    seq: r.seq,
    at: r.at,
    who: r.who,
    role: r.role,
    method: r.method,
    route: r.route,
    url: r.url,
    remote: r.remote,
    status: r.status,
    outcome: r.outcome as AuditOutcome,
    hash: r.hash,
  };
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

export class AuditLog {
  private constructor(
    readonly file: string,
    private readonly db: SqliteDatabase,
  ) {}

  static open(file: string): AuditLog {
    let db: SqliteDatabase;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = openSqlite(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 10000');
      db.exec(SCHEMA);
    } catch (e) {
      throw new UserError('E_AUDIT_OPEN', `cannot open the dashboard audit log`, {
        location: { file },
        hint: 'check the folder is writable, or pass --audit-log FILE',
        cause: e,
      });
    }
    return new AuditLog(file, db);
  }

  /** Append one entry (one transaction, durable when it returns). */
  append(input: AuditEntryInput): AuditEntry {
    const e = { ...input, url: input.url.slice(0, MAX_URL) };
    const outcome = outcomeOf(e.status);
    const tx = this.db.transaction(() => {
      const last = this.db
        .prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1')
        .get() as { seq: number; hash: string } | undefined;
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.hash ?? GENESIS_HASH;
      const hash = hashOf(prev, seq, e, outcome);
      this.db
        .prepare(
          `INSERT INTO audit (seq, at, who, role, method, route, url, remote, status, outcome, detail, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          seq,
          e.at,
          e.who,
          e.role,
          e.method,
          e.route,
          e.url,
          e.remote,
          e.status,
          outcome,
          e.detail ?? null,
          prev,
          hash,
        );
      return { ...e, seq, outcome, hash };
    });
    return tx.immediate();
  }

  /** Newest first; `before` pages back from a sequence number. */
  list(opts: { limit: number; before?: number }): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?')
      .all(opts.before ?? Number.MAX_SAFE_INTEGER, opts.limit) as Row[];
    return rows.map(toEntry);
  }

  /** Recompute the chain; names the first entry that does not link or hash. */
  verify(): { ok: boolean; entries: number; problems: string[] } {
    const problems: string[] = [];
    let prev = GENESIS_HASH;
    let expectSeq = 1;
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as Iterable<Row>;
    let n = 0;
    for (const r of rows) {
      n++;
      if (r.seq !== expectSeq) problems.push(`entry ${expectSeq} is missing`);
      if (r.prev_hash !== prev) problems.push(`entry ${r.seq} does not link to the one before`);
      const { seq: _s, outcome, hash: _h, ...fields } = toEntry(r);
      if (hashOf(r.prev_hash, r.seq, fields, outcome) !== r.hash)
        problems.push(`entry ${r.seq} was edited`);
      prev = r.hash;
      expectSeq = r.seq + 1;
    }
    return { ok: problems.length === 0, entries: n, problems };
  }

  close(): void {
    this.db.close();
  }
}

/** ISO-8601 local time with the UTC offset (`2026-11-27T10:00:00.000+01:00`). */
export function isoWithOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 23);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
