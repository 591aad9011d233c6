export * from './types.js';
export { canonicalJson, sha256, GENESIS_HASH } from './hashing.js';
export { SqliteEvidenceStore, DEFAULT_SQLITE_FILE, type SqliteOptions } from './sqlite.js';
export {
  PgEvidenceStore,
  DEFAULT_PG_URL,
  redactUrl,
  withDefaultUser,
  type PgOptions,
} from './postgres.js';
export {
  openEvidenceStore,
  resolveStoreLocation,
  isPostgresUrl,
  type OpenOptions,
  type StoreChoice,
} from './open.js';
export {
  appendCheck,
  appendExchange,
  checkItems,
  loadExchange,
  recordRun,
  type RecordedRun,
  type RunToRecord,
  type StoredCheck,
} from './exchanges.js';
