/**
 * SQLite evidence store (the default): one file, WAL with synchronous=FULL so a committed
 * append survives a crash or power loss (https://sqlite.org/pragma.html#pragma_synchronous),
 * appends serialised by BEGIN IMMEDIATE so several processes can share the file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { coreTablesSql, nextRow, prepare, toRecord, type RawRow } from './hashing.js';
import type {
  EvidenceRecord,
  EvidenceStore,
  ListQuery,
  NewRecord,
  RunSummary,
  StoreOptions,
  VerifyReport,
} from './types.js';
import { ChainVerifier, checkBlobs } from './verify.js';

export const DEFAULT_SQLITE_FILE = '.golive/evidence.db';

/** Schema versions, applied in order; never edit a released one, add a new one. */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'records, blobs, chain head, append-only triggers',
    sql: `
      ${coreTablesSql({ integer: 'INTEGER', bytes: 'BLOB' })}
      -- Triggers stop accidental edits; deliberate ones (dropping the trigger) are caught by verify().
      CREATE TRIGGER records_no_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
      CREATE TRIGGER records_no_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
      CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
        BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
      CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
        BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;`,
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

export class SqliteEvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly clock: () => Date;

  private constructor(file: string, db: Database.Database, clock: () => Date) {
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
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Writers from other processes wait instead of failing with SQLITE_BUSY.
      db.pragma('busy_timeout = 10000');
    } catch (e) {
      throw wrapOpenError(file, e);
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
    const prepared = records.map((r) => ({ r, p: prepare(r) }));
    const putBlob = this.db.prepare(
      'INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)',
    );
    const putRecord = this.db.prepare(
      `INSERT INTO records (seq, id, run_id, kind, created_at, author, content, blobs,
         content_hash, prev_hash, chain_hash)
       VALUES (@seq, @id, @run_id, @kind, @created_at, @author, @content, @blobs,
         @content_hash, @prev_hash, @chain_hash)`,
    );
    const tx = this.db.transaction((): RawRow[] => {
      const head = this.db
        .prepare('SELECT seq, chain_hash FROM chain_head WHERE one = 1')
        .get() as {
        seq: number;
        chain_hash: string;
      };
      let prev = { seq: head.seq, chainHash: head.chain_hash };
      const rows: RawRow[] = [];
      for (const { r, p } of prepared) {
        for (const b of p.blobs) putBlob.run(b.hash, b.size, b.data);
        const row = nextRow(prev, r, p, this.clock().toISOString());
        putRecord.run(row);
        rows.push(row);
        prev = { seq: Number(row.seq), chainHash: row.chain_hash };
      }
      this.db
        .prepare('UPDATE chain_head SET seq = ?, id = ?, chain_hash = ? WHERE one = 1')
        .run(prev.seq, `ev-${prev.seq}`, prev.chainHash);
      return rows;
    });
    if (prepared.length === 0) return [];
    return tx.immediate().map(toRecord);
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
        `SELECT run_id, count(*) AS n, min(created_at) AS first, max(created_at) AS last
           FROM records GROUP BY run_id ORDER BY min(seq)`,
      )
      .all() as { run_id: string; n: number; first: string; last: string }[];
    return rows.map((r) => ({ runId: r.run_id, records: r.n, firstAt: r.first, lastAt: r.last }));
  }

  async verify(): Promise<VerifyReport> {
    // One read transaction: a consistent snapshot even while another process appends.
    const tx = this.db.transaction(() => {
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
      );
    });
    return tx.deferred();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
