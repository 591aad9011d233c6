/**
 * Choosing and opening a store: a postgres:// URL opens PostgreSQL, anything else is a SQLite
 * file. Precedence (ARCHITECTURE.md): default < golive.yaml < environment < flag.
 */
import { DEFAULT_PG_URL, PgEvidenceStore, type PgOptions } from './postgres.js';
import { DEFAULT_SQLITE_FILE, SqliteEvidenceStore, type SqliteOptions } from './sqlite.js';
import type { EvidenceStore } from './types.js';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface StoreChoice {
  /** `--store` flag. */
  flag?: string;
  /** `evidence.store` (path or URL) or `evidence.backend` from golive.yaml. */
  config?: { store?: string; backend?: 'sqlite' | 'postgres' };
  /** Environment: GOLIVE_STORE (path or URL), GOLIVE_PG_URL (URL when the backend is postgres). */
  env?: Record<string, string | undefined>;
}

/** Resolve where the evidence store is. */
export function resolveStoreLocation(choice: StoreChoice = {}): string {
  const env = choice.env ?? {};
  if (choice.flag) return choice.flag;
  if (env.GOLIVE_STORE) return env.GOLIVE_STORE;
  if (choice.config?.store) return choice.config.store;
  if (choice.config?.backend === 'postgres') return env.GOLIVE_PG_URL || DEFAULT_PG_URL;
  return DEFAULT_SQLITE_FILE;
}

export type OpenOptions = SqliteOptions & PgOptions;

/** Open (and migrate) the store at a file path or postgres:// URL. */
export async function openEvidenceStore(
  location: string = DEFAULT_SQLITE_FILE,
  opts: OpenOptions = {},
): Promise<EvidenceStore> {
  if (isPostgresUrl(location)) return PgEvidenceStore.open(location, opts);
  return SqliteEvidenceStore.open(location, opts);
}
