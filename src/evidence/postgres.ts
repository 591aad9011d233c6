/**
 * PostgreSQL evidence store. Same chain as SQLite; appends from any number of processes are
 * serialised by a row lock on the chain head (SELECT ... FOR UPDATE), so `seq` stays gapless
 * and every record links to the one before it. Content is TEXT, not jsonb: jsonb rewrites
 * the text, and the hash is over the exact canonical text.
 */
import { userInfo } from 'node:os';
import pg from 'pg';
import { UserError } from '../core/index.js';
import { ChainBuilder, prepareItems, type Pending } from './batch.js';
import { coreTablesSql, toRecord, type RawRow } from './hashing.js';
import { PG_APPEND_ONLY_BODY, PG_TRIGGERS, pgSchemaCheck } from './schema-check.js';
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

export const DEFAULT_PG_URL = 'postgres://127.0.0.1:5432/test';

const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'records, blobs, chain head, append-only triggers',
    sql: `
      ${coreTablesSql({ integer: 'BIGINT', bytes: 'BYTEA' })}
      CREATE FUNCTION golive_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$${PG_APPEND_ONLY_BODY}$$;
      ${PG_TRIGGERS.map((t) => t.sql).join('\n      ')}`,
  },
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

export interface PgOptions extends StoreOptions {
  /** Schema holding the tables (default `golive`); tests use one per suite. */
  schema?: string;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /**
   * Create the schema and tables when missing; default true. Readers (verify, list, serve) pass
   * false: a mistyped --schema must be refused, not created and reported as an intact empty store.
   */
  create?: boolean;
}

/**
 * Fill in the user name when the URL has none. libpq would use the OS user; `pg` only reads
 * $USER, which is unset in many service and container environments.
 */
export function withDefaultUser(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError('E_STORE_URL', 'not a valid PostgreSQL URL', {
      hint: 'expected postgres://[user@]host[:port]/database',
    });
  }
  if (u.username === '') {
    const name = process.env.PGUSER || process.env.USER || userInfo().username;
    u.username = encodeURIComponent(name);
  }
  return u.toString();
}

/** The URL without a password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

export class PgEvidenceStore implements EvidenceStore {
  readonly location: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly clock: () => Date,
    url: string,
  ) {
    this.location = `${redactUrl(url)} (schema ${schema})`;
  }

  static async open(url: string = DEFAULT_PG_URL, opts: PgOptions = {}): Promise<PgEvidenceStore> {
    const schema = opts.schema ?? 'golive';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new UserError('E_STORE_SCHEMA', `invalid schema name "${schema}"`, {
        hint: 'use lower-case letters, digits and underscores',
      });
    }
    const full = withDefaultUser(url);
    const pool = new pg.Pool({
      connectionString: full,
      max: opts.poolSize ?? 4,
      // Every connection sees this store's schema first (validated above: safe to inline).
      options: `-c search_path=${schema}`,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client losing its connection must not crash the process; the next query fails.
    pool.on('error', () => {});
    const store = new PgEvidenceStore(pool, schema, opts.clock ?? (() => new Date()), full);
    try {
      if (opts.create === false) await store.mustExist();
      await store.migrate();
    } catch (e) {
      await pool.end();
      if (e instanceof UserError) throw e;
      const code = (e as { code?: string }).code ?? 'error';
      throw new UserError('E_STORE_UNREACHABLE', `cannot use PostgreSQL evidence store (${code})`, {
        location: { path: redactUrl(full) },
        hint: `${(e as Error).message}; check GOLIVE_PG_URL and that the server is running`,
        exitCode: 3,
        cause: e,
      });
    }
    return store;
  }

  async migrate(): Promise<number> {
    const client = await this.pool.connect();
    try {
      // Concurrent openers (parallel CI jobs) take turns migrating the same schema.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [`golive:${this.schema}`]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS migrations (
          version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
        const res = await client.query<{ v: number | null }>(
          'SELECT max(version) AS v FROM migrations',
        );
        const current = res.rows[0]?.v ?? 0;
        if (current > PG_SCHEMA_VERSION) {
          throw new UserError(
            'E_STORE_VERSION',
            `evidence store schema v${current} is newer than this golive (v${PG_SCHEMA_VERSION})`,
            { location: { path: this.location }, hint: 'upgrade golive to read this store' },
          );
        }
        for (const m of MIGRATIONS.filter((m) => m.version > current)) {
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query(
              'INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [m.version, m.name, this.clock().toISOString()],
            );
            await client.query('COMMIT');
          } catch (e) {
            await client.query('ROLLBACK');
            throw e;
          }
        }
        return PG_SCHEMA_VERSION;
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`golive:${this.schema}`]);
      }
    } finally {
      client.release();
    }
  }

  /** Refuse a schema that holds no store (before migrate() could create one). */
  private async mustExist(): Promise<void> {
    const res = await this.pool.query<{ schema: boolean; store: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema,
              to_regclass($2) IS NOT NULL AS store`,
      [this.schema, `${this.schema}.migrations`],
    );
    const row = res.rows[0];
    if (row?.store) return;
    throw new UserError(
      'E_STORE_MISSING',
      row?.schema
        ? `schema "${this.schema}" holds no evidence store`
        : `no schema "${this.schema}" in this database`,
      {
        location: { path: this.location },
        hint: 'check --schema (default golive) and the database in the URL; `golive run` creates the store',
      },
    );
  }

  async append(r: NewRecord): Promise<EvidenceRecord> {
    return (await this.appendMany([r]))[0]!;
  }

  async appendMany(records: readonly NewRecord[]): Promise<EvidenceRecord[]> {
    // Hash and validate before taking the lock: a bad record appends nothing.
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
   * One transaction holding the chain head's row lock: the rows, then the new head. A failure
   * rolls it back; a client killed mid-way never commits (the server rolls back when the
   * connection drops), so a batch is stored whole or not at all.
   */
  private async write(pending: Pending[], runId?: string): Promise<EvidenceRecord[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const head = await client.query<{ seq: string; chain_hash: string }>(
          'SELECT seq, chain_hash FROM chain_head WHERE one = 1 FOR UPDATE',
        );
        // Read after taking the lock: no other append of this run can commit in between.
        const prior =
          runId === undefined
            ? []
            : (
                await client.query<RawRow>('SELECT * FROM records WHERE run_id = $1 ORDER BY seq', [
                  runId,
                ])
              ).rows.map(toRecord);
        const chain = new ChainBuilder(
          { seq: Number(head.rows[0]!.seq), chainHash: head.rows[0]!.chain_hash },
          prior,
          this.clock,
          runId,
        );
        for (const item of pending) {
          const { row, blobs } = chain.add(item);
          for (const b of blobs) {
            await client.query(
              'INSERT INTO blobs (hash, size, data) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING',
              [b.hash, b.size, b.data],
            );
          }
          await client.query(
            `INSERT INTO records (seq, id, run_id, kind, created_at, author, content, blobs,
               content_hash, prev_hash, chain_hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
            [
              row.seq,
              row.id,
              row.run_id,
              row.kind,
              row.created_at,
              row.author,
              row.content,
              row.blobs,
              row.content_hash,
              row.prev_hash,
              row.chain_hash,
            ],
          );
        }
        const h = chain.head;
        await client.query(
          'UPDATE chain_head SET seq = $1, id = $2, chain_hash = $3 WHERE one = 1',
          [h.seq, h.id, h.chainHash],
        );
        await client.query('COMMIT');
        return chain.appended;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    } finally {
      client.release();
    }
  }

  async list(q: ListQuery = {}): Promise<EvidenceRecord[]> {
    const res = await this.pool.query<RawRow>(
      `SELECT * FROM records WHERE ($1::text IS NULL OR run_id = $1)
         AND ($2::text IS NULL OR kind = $2) ORDER BY seq`,
      [q.runId ?? null, q.kind ?? null],
    );
    return res.rows.map(toRecord);
  }

  async get(id: string): Promise<EvidenceRecord | undefined> {
    const res = await this.pool.query<RawRow>('SELECT * FROM records WHERE id = $1', [id]);
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async getBlob(hash: string): Promise<Buffer | undefined> {
    const res = await this.pool.query<{ data: Buffer }>('SELECT data FROM blobs WHERE hash = $1', [
      hash,
    ]);
    return res.rows[0]?.data;
  }

  async runs(): Promise<RunSummary[]> {
    // count() is bigint, which pg returns as a string.
    const res = await this.pool.query<{
      run_id: string;
      n: string;
      first: string;
      last: string;
      decisions: string;
    }>(
      `SELECT run_id, count(*) AS n, min(created_at) AS first, max(created_at) AS last,
           count(*) FILTER (WHERE kind = 'decision') AS decisions
         FROM records GROUP BY run_id ORDER BY min(seq)`,
    );
    return res.rows.map((r) => ({
      runId: r.run_id,
      records: Number(r.n),
      firstAt: r.first,
      lastAt: r.last,
      complete: Number(r.decisions) > 0,
    }));
  }

  async verify(): Promise<VerifyReport> {
    const client = await this.pool.connect();
    try {
      // A snapshot: appends committed meanwhile by others are not half-seen.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const schema = await pgSchemaCheck(client, this.schema);
      if (!schema.readable) {
        await client.query('COMMIT');
        return unreadableReport(schema.problems);
      }
      const blobs = checkBlobs(
        (await client.query<{ hash: string; data: Buffer }>('SELECT hash, data FROM blobs')).rows,
      );
      const v = new ChainVerifier(blobs);
      // Keyset pages keep memory flat on large stores.
      let after = -1;
      for (;;) {
        const page = await client.query<RawRow>(
          'SELECT * FROM records WHERE seq > $1 ORDER BY seq LIMIT 2000',
          [after],
        );
        for (const row of page.rows) v.push(row);
        if (page.rows.length < 2000) break;
        after = Number(page.rows[page.rows.length - 1]!.seq);
      }
      const head = (
        await client.query<{ seq: string; id: string; chain_hash: string }>(
          'SELECT seq, id, chain_hash FROM chain_head WHERE one = 1',
        )
      ).rows[0];
      await client.query('COMMIT');
      return v.finish(
        head
          ? { seq: Number(head.seq), id: head.id, chainHash: head.chain_hash }
          : { seq: -1, id: '(head row removed)', chainHash: '' },
        schema.problems,
      );
    } catch (e) {
      // Never hand a client back to the pool inside a failed transaction.
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
