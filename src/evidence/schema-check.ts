/**
 * Is the store still the store golive created? The hash chain catches edited records, but not
 * someone preparing the ground for an edit: an append-only trigger dropped, disabled or
 * rewritten, a table changed. verify() reports those as `schema-altered` problems, so a store
 * that no longer refuses edits never reads as "intact".
 *
 * The expected triggers live here (the migrations create them from the same text), compared
 * after collapsing whitespace, so formatting is free but any change of meaning is reported.
 */
import type { SqliteDatabase } from '../storage/index.js';
import type pg from 'pg';
import type { VerifyProblem } from './types.js';

/** Columns of the core tables in order, with a logical type (see coreTablesSql). */
const CORE_COLUMNS: Record<string, [string, 'integer' | 'text' | 'bytes'][]> = {
  records: [
    ['seq', 'integer'],
    ['id', 'text'],
    ['run_id', 'text'],
    ['kind', 'text'],
    ['created_at', 'text'],
    ['author', 'text'],
    ['content', 'text'],
    ['blobs', 'text'],
    ['content_hash', 'text'],
    ['prev_hash', 'text'],
    ['chain_hash', 'text'],
  ],
  blobs: [
    ['hash', 'text'],
    ['size', 'integer'],
    ['data', 'bytes'],
  ],
  chain_head: [
    ['one', 'integer'],
    ['seq', 'integer'],
    ['id', 'text'],
    ['chain_hash', 'text'],
  ],
};

const APPEND_ONLY = `SELECT RAISE(ABORT, 'evidence is append-only')`;

/** SQLite's append-only triggers, exactly as migration 1 creates them. */
export const SQLITE_TRIGGERS: { name: string; table: string; sql: string }[] = [
  ['records_no_update', 'UPDATE', 'records'],
  ['records_no_delete', 'DELETE', 'records'],
  ['blobs_no_update', 'UPDATE', 'blobs'],
  ['blobs_no_delete', 'DELETE', 'blobs'],
].map(([name, op, table]) => ({
  name: name!,
  table: table!,
  sql: `CREATE TRIGGER ${name} BEFORE ${op} ON ${table}\n        BEGIN ${APPEND_ONLY}; END`,
}));

/** The PostgreSQL trigger function's body, as migration 1 creates it. */
export const PG_APPEND_ONLY_BODY = ` BEGIN RAISE EXCEPTION 'evidence is append-only'; END `;

/**
 * PostgreSQL's append-only triggers and their pg_trigger.tgtype bits (ROW 1, BEFORE 2,
 * INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32: src/include/catalog/pg_trigger.h).
 */
export const PG_TRIGGERS: { name: string; table: string; type: number; sql: string }[] = [
  {
    name: 'records_append_only',
    table: 'records',
    type: 1 | 2 | 8 | 16,
    sql: `CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
        FOR EACH ROW EXECUTE FUNCTION golive_append_only();`,
  },
  {
    name: 'records_no_truncate',
    table: 'records',
    type: 2 | 32,
    sql: `CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
        FOR EACH STATEMENT EXECUTE FUNCTION golive_append_only();`,
  },
  {
    name: 'blobs_append_only',
    table: 'blobs',
    type: 1 | 2 | 8 | 16,
    sql: `CREATE TRIGGER blobs_append_only BEFORE UPDATE OR DELETE ON blobs
        FOR EACH ROW EXECUTE FUNCTION golive_append_only();`,
  },
];

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function problem(message: string): VerifyProblem {
  return { seq: 0, problem: 'schema-altered', message };
}

export interface SchemaCheck {
  problems: VerifyProblem[];
  /** False when a core table is missing: the records cannot be read at all. */
  readable: boolean;
}

function checkColumns(
  found: Map<string, { name: string; type: string }[]>,
  typeName: Record<'integer' | 'text' | 'bytes', string>,
): SchemaCheck {
  const problems: VerifyProblem[] = [];
  let readable = true;
  for (const [table, columns] of Object.entries(CORE_COLUMNS)) {
    const have = found.get(table) ?? [];
    if (have.length === 0) {
      problems.push(problem(`table ${table} is missing (dropped or renamed)`));
      readable = false;
      continue;
    }
    const want = columns.map(([n, t]) => `${n} ${typeName[t]}`).join(', ');
    const got = have.map((c) => `${c.name} ${c.type.toLowerCase()}`).join(', ');
    if (want !== got) {
      problems.push(problem(`table ${table} was altered: columns (${got}), expected (${want})`));
      if (table === 'records') readable = false;
    }
  }
  return { problems, readable };
}

const EXPLAIN = 'records can now be changed without an error';

/** The SQLite store's tables and triggers against what its migrations create. */
export function sqliteSchemaCheck(db: SqliteDatabase): SchemaCheck {
  const found = new Map<string, { name: string; type: string }[]>();
  for (const table of Object.keys(CORE_COLUMNS)) {
    const cols = db.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as {
      name: string;
      type: string;
    }[];
    found.set(table, cols);
  }
  const result = checkColumns(found, { integer: 'integer', text: 'text', bytes: 'blob' });
  const triggers = db
    .prepare(`SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'trigger'`)
    .all() as { name: string; tbl: string; sql: string | null }[];
  const byName = new Map(triggers.map((t) => [t.name, t]));
  for (const want of SQLITE_TRIGGERS) {
    const t = byName.get(want.name);
    if (!t)
      result.problems.push(problem(`append-only trigger ${want.name} is missing: ${EXPLAIN}`));
    else if (squash(t.sql ?? '') !== squash(want.sql))
      result.problems.push(problem(`append-only trigger ${want.name} was altered: ${EXPLAIN}`));
  }
  const known = new Set(SQLITE_TRIGGERS.map((t) => t.name));
  for (const t of triggers) {
    if (!known.has(t.name) && Object.hasOwn(CORE_COLUMNS, t.tbl))
      result.problems.push(problem(`unexpected trigger ${t.name} on table ${t.tbl}`));
  }
  return result;
}

/** The PostgreSQL store's tables, triggers and trigger function in `schema`. */
export async function pgSchemaCheck(client: pg.ClientBase, schema: string): Promise<SchemaCheck> {
  const cols = await client.query<{ tbl: string; name: string; type: string }>(
    `SELECT table_name AS tbl, column_name AS name, data_type AS type
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const found = new Map<string, { name: string; type: string }[]>();
  for (const c of cols.rows) {
    const list = found.get(c.tbl) ?? [];
    list.push({ name: c.name, type: c.type });
    found.set(c.tbl, list);
  }
  const result = checkColumns(found, { integer: 'bigint', text: 'text', bytes: 'bytea' });
  const trig = await client.query<{
    name: string;
    tbl: string;
    type: number;
    enabled: string;
    fn: string;
    fn_schema: string;
    src: string;
  }>(
    `SELECT t.tgname AS name, c.relname AS tbl, t.tgtype::int AS type, t.tgenabled AS enabled,
            p.proname AS fn, pn.nspname AS fn_schema, p.prosrc AS src
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid
       JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE n.nspname = $1 AND NOT t.tgisinternal`,
    [schema],
  );
  const byName = new Map(trig.rows.map((t) => [t.name, t]));
  for (const want of PG_TRIGGERS) {
    const t = byName.get(want.name);
    if (!t) {
      result.problems.push(problem(`append-only trigger ${want.name} is missing: ${EXPLAIN}`));
      continue;
    }
    // 'O' fires in normal sessions, 'A' always; 'D' is disabled, 'R' fires only on replicas.
    if (t.enabled !== 'O' && t.enabled !== 'A')
      result.problems.push(problem(`append-only trigger ${want.name} is disabled: ${EXPLAIN}`));
    if (
      t.tbl !== want.table ||
      t.type !== want.type ||
      t.fn !== 'golive_append_only' ||
      t.fn_schema !== schema ||
      squash(t.src) !== squash(PG_APPEND_ONLY_BODY)
    )
      result.problems.push(problem(`append-only trigger ${want.name} was altered: ${EXPLAIN}`));
  }
  const known = new Set(PG_TRIGGERS.map((t) => t.name));
  for (const t of trig.rows) {
    if (!known.has(t.name) && Object.hasOwn(CORE_COLUMNS, t.tbl))
      result.problems.push(problem(`unexpected trigger ${t.name} on table ${t.tbl}`));
  }
  return result;
}
