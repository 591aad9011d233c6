/**
 * Fixtures for tests that need a real, isolated evidence store: a SQLite file in a fresh
 * temporary directory, or a fresh schema on the PostgreSQL server of GOLIVE_PG_URL.
 * Used by this folder's contract test, and by tamper, durability and end-to-end tests in test/.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_PG_URL, withDefaultUser } from './postgres.js';

export function testPgUrl(): string {
  return withDefaultUser(process.env.GOLIVE_PG_URL || DEFAULT_PG_URL);
}

/** A clock that starts at a fixed instant and moves one second per call. */
export function steppingClock(start = '2026-11-27T08:00:00Z'): () => Date {
  let t = Date.parse(start);
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

export interface TempSqlite {
  dir: string;
  file: string;
  cleanup(): void;
}

export function tempSqliteFile(): TempSqlite {
  const dir = mkdtempSync(join(tmpdir(), 'golive-evidence-'));
  return {
    dir,
    file: join(dir, 'evidence.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TempSchema {
  url: string;
  schema: string;
  /** Run SQL as an admin in that schema (for tamper tests). */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  cleanup(): Promise<void>;
}

/**
 * A unique schema name; connecting first makes an unreachable server fail here, loudly,
 * instead of skipping the PostgreSQL suite.
 */
export async function tempPgSchema(): Promise<TempSchema> {
  const url = testPgUrl();
  const schema = `golive_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${url} is unreachable (${(e as Error).message}). The PostgreSQL evidence ` +
        'store tests need it: start it (see .ci/run) or set GOLIVE_PG_URL.',
      { cause: e },
    );
  }
  return {
    url,
    schema,
    sql: (text, params) => client.query(text, params),
    cleanup: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
