export {
  chooseSqliteModule,
  NAPI_MIN_NODE_MAJOR,
  openSqlite,
  sqliteDriver,
  type SqliteDatabase,
  type SqliteDriver,
  type SqliteOptions,
  type SqliteStatement,
} from './sqlite.js';
