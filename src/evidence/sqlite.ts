/**
 * SQLite evidence store (the default): one file, WAL with synchronous=FULL so a committed
 * append survives a crash or power loss (https://sqlite.org/pragma.html#pragma_synchronous),
 * appends serialised by BEGIN IMMEDIATE so several processes can share the file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openSqlite, type SqliteDatabase } from '../storage/index.js';
import { UserError } from '../core/index.js';
import { ChainBuilder, prepareItems, type Pending } from './batch.js';
import { coreTablesSql, toRecord, type RawRow } from './hashing.js';
import { SQLITE_TRIGGERS, sqliteSchemaCheck } from './schema-check.js';
import type {
  EvidenceRecord,
  EvidenceStore,
  ListQuery,
  NewRecord,
  RunItem,
  RunSummary,
  StoreOptions,
  VerifyReport,
} from './types.js';
import { ChainVerifier, checkBlobs, unreadableReport } from './verify.js';

export const DEFAULT_SQLITE_FILE = '.golive/evidence.db';

/** Schema versions, applied in order; never edit a released one, add a new one. */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'records, blobs, chain head, append-only triggers',
    sql: `
      ${coreTablesSql({ integer: 'INTEGER', bytes: 'BLOB' })}
      -- Triggers stop accidental edits; verify() reports them dropped or altered (schema-check.ts)
      -- and catches the edits made meanwhile by the chain.
      ${SQLITE_TRIGGERS.map((t) => `${t.sql};`).join('\n      ')}`,
  },
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

export interface SqliteOptions extends StoreOptions {
  /** Create the file (and its directory) when missing; default true. */
  create?: boolean;
}

function wrapOpenError(file: string, e: unknown): UserError {
  const code = (e as { code?: string }).code ?? 'error';
  return new UserError('E_STORE_OPEN', `cannot open evidence store (${code})`, {
    location: { file },
    hint:
      code === 'SQLITE_NOTADB'
        ? 'the file is not a SQLite database; pass the right --store'
        : 'check the path and permissions',
    cause: e,
  });
}

function hasRecordsTable(db: SqliteDatabase): boolean {
  try {
    return !!db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'")
      .get();
  } catch {
    return false; // not a database at all: the migration below reports it
  }
}

export class SqliteEvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly db: SqliteDatabase;
  private readonly clock: () => Date;

  private constructor(file: string, db: SqliteDatabase, clock: () => Date) {
    this.location = file;
    this.db = db;
    this.clock = clock;
  }

  /** Open (and migrate) the store in `file`. */
  static async open(
    file: string = DEFAULT_SQLITE_FILE,
    opts: SqliteOptions = {},
  ): Promise<SqliteEvidenceStore> {
    const path = resolve(file);
    if (!existsSync(path)) {
      if (opts.create === false) {
        throw new UserError('E_STORE_MISSING', 'no evidence store at this path', {
          location: { file },
          hint: 'run `golive run` first, or pass --store with the right file or URL',
        });
      }
      mkdirSync(dirname(path), { recursive: true });
    }
    let db: SqliteDatabase;
    try {
      db = openSqlite(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Writers from other processes wait instead of failing with SQLITE_BUSY.
      db.pragma('busy_timeout = 10000');
    } catch (e) {
      throw wrapOpenError(file, e);
    }
    // A reader never makes a store: an empty file or another database is not one (it would
    // otherwise be migrated into an empty store and read as "no records").
    if (opts.create === false && !hasRecordsTable(db)) {
      db.close();
      throw new UserError('E_STORE_MISSING', 'no evidence store in this file', {
        location: { file },
        hint: 'the file is empty or another database: pass --store with the evidence store golive run wrote',
      });
    }
    const store = new SqliteEvidenceStore(file, db, opts.clock ?? (() => new Date()));
    try {
      await store.migrate();
    } catch (e) {
      db.close();
      throw e instanceof UserError ? e : wrapOpenError(file, e);
    }
    return store;
  }

  async migrate(): Promise<number> {
    const run = this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const row = this.db.prepare('SELECT max(version) AS v FROM migrations').get() as {
        v: number | null;
      };
      const current = row.v ?? 0;
      if (current > SQLITE_SCHEMA_VERSION) {
        throw new UserError(
          'E_STORE_VERSION',
          `evidence store schema v${current} is newer than this golive (v${SQLITE_SCHEMA_VERSION})`,
          { location: { file: this.location }, hint: 'upgrade golive to read this store' },
        );
      }
      for (const m of MIGRATIONS.filter((m) => m.version > current)) {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, this.clock().toISOString());
      }
      return SQLITE_SCHEMA_VERSION;
    });
    return run.immediate();
  }

  async append(r: NewRecord): Promise<EvidenceRecord> {
    return (await this.appendMany([r]))[0]!;
  }

  async appendMany(records: readonly NewRecord[]): Promise<EvidenceRecord[]> {
    // Hash and validate before the lock: a bad record appends nothing.
    const pending = prepareItems(records);
    if (pending.length === 0) return [];
    return this.write(pending);
  }

  async appendRun(runId: string, items: readonly RunItem[]): Promise<EvidenceRecord[]> {
    const pending = prepareItems(items, runId);
    if (pending.length === 0) return [];
    return this.write(pending, runId);
  }

  /**
   * One BEGIN IMMEDIATE transaction: the chain head, the rows, the new head. better-sqlite3
   * rolls back when anything inside throws, and SQLite discards an uncommitted transaction
   * after a crash, so a batch is in the file whole or not at all.
   */
  private write(pending: Pending[], runId?: string): EvidenceRecord[] {
    const putBlob = this.db.prepare(
      'INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)',
    );
    const putRecord = this.db.prepare(
      `INSERT INTO records (seq, id, run_id, kind, created_at, author, content, blobs,
         content_hash, prev_hash, chain_hash)
       VALUES (@seq, @id, @run_id, @kind, @created_at, @author, @content, @blobs,
         @content_hash, @prev_hash, @chain_hash)`,
    );
    const tx = this.db.transaction((): EvidenceRecord[] => {
      const head = this.db
        .prepare('SELECT seq, chain_hash FROM chain_head WHERE one = 1')
        .get() as { seq: number; chain_hash: string };
      const prior =
        runId === undefined
          ? []
          : (
              this.db
                .prepare('SELECT * FROM records WHERE run_id = ? ORDER BY seq')
                .all(runId) as RawRow[]
            ).map(toRecord);
      const chain = new ChainBuilder(
        { seq: head.seq, chainHash: head.chain_hash },
        prior,
        this.clock,
        runId,
      );
      for (const item of pending) {
        const { row, blobs } = chain.add(item);
        for (const b of blobs) putBlob.run(b.hash, b.size, b.data);
        putRecord.run(row);
      }
      const h = chain.head;
      this.db
        .prepare('UPDATE chain_head SET seq = ?, id = ?, chain_hash = ? WHERE one = 1')
        .run(h.seq, h.id, h.chainHash);
      return chain.appended;
    });
    return tx.immediate();
  }

  async list(q: ListQuery = {}): Promise<EvidenceRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM records WHERE (@run IS NULL OR run_id = @run)
           AND (@kind IS NULL OR kind = @kind) ORDER BY seq`,
      )
      .all({ run: q.runId ?? null, kind: q.kind ?? null }) as RawRow[];
    return rows.map(toRecord);
  }

  async get(id: string): Promise<EvidenceRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM records WHERE id = ?').get(id) as RawRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  async getBlob(hash: string): Promise<Buffer | undefined> {
    const row = this.db.prepare('SELECT data FROM blobs WHERE hash = ?').get(hash) as
      { data: Buffer } | undefined;
    return row?.data;
  }

  async runs(): Promise<RunSummary[]> {
    const rows = this.db
      .prepare(
        `SELECT run_id, count(*) AS n, min(created_at) AS first, max(created_at) AS last,
             sum(kind = 'decision') AS decisions
           FROM records GROUP BY run_id ORDER BY min(seq)`,
      )
      .all() as { run_id: string; n: number; first: string; last: string; decisions: number }[];
    return rows.map((r) => ({
      runId: r.run_id,
      records: r.n,
      firstAt: r.first,
      lastAt: r.last,
      complete: r.decisions > 0,
    }));
  }

  async verify(): Promise<VerifyReport> {
    // One read transaction: a consistent snapshot even while another process appends.
    const tx = this.db.transaction(() => {
      const schema = sqliteSchemaCheck(this.db);
      if (!schema.readable) return unreadableReport(schema.problems);
      const blobs = checkBlobs(
        this.db.prepare('SELECT hash, data FROM blobs').iterate() as Iterable<{
          hash: string;
          data: Buffer;
        }>,
      );
      const v = new ChainVerifier(blobs);
      for (const row of this.db.prepare('SELECT * FROM records ORDER BY seq').iterate())
        v.push(row as RawRow);
      const head = this.db
        .prepare('SELECT seq, id, chain_hash FROM chain_head WHERE one = 1')
        .get() as { seq: number; id: string; chain_hash: string } | undefined;
      return v.finish(
        head
          ? { seq: head.seq, id: head.id, chainHash: head.chain_hash }
          : { seq: -1, id: '(head row removed)', chainHash: '' },
        schema.problems,
      );
    });
    return tx.deferred();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
