/**
 * The one way golive opens a SQLite file (the site's data file, the evidence store, the
 * dashboard's audit log).
 *
 * Two builds of the same library (decision 014): `better-sqlite3` 12 is the newest major that
 * runs on Node 20; on Node 22 and later the Node-API build (`better-sqlite3` 13, installed as the
 * optional dependency `better-sqlite3-napi`) is used when present. 12 built against Node 24.19+
 * headers aborts the process (`RemoveEnvironmentCleanupHook`: `(env) != nullptr`) when the
 * garbage collector finalises a statement outside a JavaScript context; 13 does not use the raw
 * `node::ObjectWrap` that carries that hook. 13 does not load on Node 20 (it crashes), so the
 * choice is made by the running Node's major version, never by what happens to be installed.
 *
 * The library is loaded on first use, not at import: commands that never open a file start faster.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;
export type SqliteOptions = BetterSqlite3.Options;
type SqliteConstructor = typeof BetterSqlite3;

/** Which build is in use, for `golive --version`-style diagnostics and the tests. */
export interface SqliteDriver {
  /** npm name the build was loaded from. */
  module: 'better-sqlite3' | 'better-sqlite3-napi';
  /** Its version (from its package.json). */
  version: string;
  /** Why this build was chosen. */
  reason: string;
}

/** The first major version of Node on which the Node-API build runs (its `engines`). */
export const NAPI_MIN_NODE_MAJOR = 22;

let loaded: { open: SqliteConstructor; driver: SqliteDriver } | undefined;

function nodeMajor(version: string = process.versions.node): number {
  return Number(version.split('.')[0]);
}

/**
 * Chooses the build for a Node version and what is installed: the Node-API build on Node 22+
 * when installed, else `better-sqlite3` 12. Exported for tests; `openSqlite` uses it.
 */
export function chooseSqliteModule(
  nodeVersion: string,
  isInstalled: (name: string) => boolean,
): { module: SqliteDriver['module']; reason: string } {
  const major = nodeMajor(nodeVersion);
  if (major < NAPI_MIN_NODE_MAJOR) {
    return {
      module: 'better-sqlite3',
      reason: `Node ${major}: the Node-API build needs Node ${NAPI_MIN_NODE_MAJOR}+`,
    };
  }
  if (isInstalled('better-sqlite3-napi')) {
    return { module: 'better-sqlite3-napi', reason: `Node ${major}: Node-API build` };
  }
  return {
    module: 'better-sqlite3',
    reason:
      `Node ${major}: the optional Node-API build (better-sqlite3-napi) is not installed; ` +
      'run `npm install` with this Node version to add it',
  };
}

function load(): { open: SqliteConstructor; driver: SqliteDriver } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const installed = (name: string): boolean => {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  };
  const choice = chooseSqliteModule(process.versions.node, installed);
  const open = require(choice.module) as SqliteConstructor;
  const { version } = require(`${choice.module}/package.json`) as { version: string };
  loaded = { open, driver: { module: choice.module, version, reason: choice.reason } };
  return loaded;
}

/** Opens (or creates) a SQLite file, or `:memory:`, with the build chosen for this Node. */
export function openSqlite(file: string, options?: SqliteOptions): SqliteDatabase {
  const { open } = load();
  return new open(file, options);
}

/** The build `openSqlite` uses (loads it if needed). */
export function sqliteDriver(): SqliteDriver {
  return load().driver;
}
