/**
 * Tampering directly in the database, the way an insider with SQL access would: verify() must
 * notice and name the record. The append-only triggers are dropped/disabled first and restored
 * after the edit (they only stop accidents; the chain is what detects deliberate edits), and a
 * store whose triggers or tables were dropped or altered is reported as such.
 */
import { openSqlite } from '../../src/storage/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, sha256 } from '../../src/evidence/hashing.js';
import { openEvidenceStore } from '../../src/evidence/open.js';
import { SQLITE_TRIGGERS } from '../../src/evidence/schema-check.js';
import { steppingClock, tempPgSchema, tempSqliteFile } from '../../src/evidence/testing.js';
import type { EvidenceStore, ProblemKind } from '../../src/evidence/types.js';

interface Db {
  store: EvidenceStore;
  /** Run SQL outside the store, as an admin. */
  exec(sql: string): Promise<void>;
  /** One value from SQL run outside the store. */
  one(sql: string): Promise<unknown>;
  disableTriggers(): Promise<void>;
  /** Put the triggers back as the migration made them (after an edit). */
  restoreTriggers(): Promise<void>;
  /** SQL that drops one append-only trigger, and SQL that makes one harmless but present. */
  dropOne: string;
  neuterOne: string;
  editBlob(hash: string): Promise<void>;
  cleanup(): Promise<void>;
}

const BACKENDS: { name: string; setup(): Promise<Db> }[] = [
  {
    name: 'sqlite',
    async setup() {
      const t = tempSqliteFile();
      const store = await openEvidenceStore(t.file, { clock: steppingClock() });
      const raw = openSqlite(t.file);
      return {
        store,
        exec: async (sql) => void raw.exec(sql),
        one: async (sql) => Object.values(raw.prepare(sql).get() as object)[0],
        disableTriggers: async () =>
          void raw.exec(SQLITE_TRIGGERS.map((tr) => `DROP TRIGGER ${tr.name};`).join('')),
        restoreTriggers: async () => {
          for (const tr of SQLITE_TRIGGERS) {
            const there = raw
              .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?`)
              .get(tr.name);
            if (!there) raw.exec(tr.sql);
          }
        },
        dropOne: 'DROP TRIGGER records_no_update',
        neuterOne: `DROP TRIGGER records_no_update;
          CREATE TRIGGER records_no_update BEFORE UPDATE ON records WHEN 0
            BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;`,
        editBlob: async (hash) =>
          void raw
            .prepare('UPDATE blobs SET data = ? WHERE hash = ?')
            .run(Buffer.from('evil'), hash),
        cleanup: async () => {
          raw.close();
          await store.close();
          t.cleanup();
        },
      };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const t = await tempPgSchema();
      const store = await openEvidenceStore(t.url, { schema: t.schema, clock: steppingClock() });
      return {
        store,
        exec: async (sql) => void (await t.sql(sql)),
        one: async (sql) => Object.values((await t.sql(sql)).rows[0] as object)[0],
        disableTriggers: async () => {
          await t.sql('ALTER TABLE records DISABLE TRIGGER USER');
          await t.sql('ALTER TABLE blobs DISABLE TRIGGER USER');
        },
        restoreTriggers: async () => {
          await t.sql('ALTER TABLE records ENABLE TRIGGER USER');
          await t.sql('ALTER TABLE blobs ENABLE TRIGGER USER');
        },
        dropOne: 'DROP TRIGGER records_append_only ON records',
        neuterOne: `CREATE OR REPLACE FUNCTION golive_append_only() RETURNS trigger
          LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
        editBlob: async (hash) =>
          void (await t.sql('UPDATE blobs SET data = $1 WHERE hash = $2', [
            Buffer.from('evil'),
            hash,
          ])),
        cleanup: async () => {
          await store.close();
          await t.cleanup();
        },
      };
    },
  },
];

describe.each(BACKENDS)('tamper detection: $name', (backend) => {
  let db: Db;
  beforeEach(async () => {
    db = await backend.setup();
    for (let i = 1; i <= 5; i++)
      await db.store.append({ kind: 'check', runId: 'r1', author: 'golive', content: { i } });
  });
  afterEach(async () => db.cleanup());

  async function problems(): Promise<[ProblemKind, string | undefined, number][]> {
    // With the triggers back, what remains is what the edits did to the records.
    await db.restoreTriggers();
    const v = await db.store.verify();
    expect(v.ok).toBe(false);
    for (const p of v.problems) expect(p.message).toMatch(/#\d/);
    return v.problems.map((p) => [p.problem, p.id, p.seq]);
  }

  it('the append-only triggers refuse UPDATE and DELETE', async () => {
    await expect(db.exec(`UPDATE records SET author = 'x' WHERE id = 'ev-1'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.exec(`DELETE FROM records WHERE id = 'ev-1'`)).rejects.toThrow(/append-only/);
    expect((await db.store.verify()).ok).toBe(true);
  });

  it('names a record whose content was edited', async () => {
    await db.disableTriggers();
    await db.exec(`UPDATE records SET content = '{"i":999}' WHERE id = 'ev-3'`);
    expect(await problems()).toEqual([['content-edited', 'ev-3', 3]]);
  });

  it('names a record whose content hash was rewritten to match', async () => {
    await db.disableTriggers();
    const h = (await import('../../src/evidence/hashing.js')).sha256('{"i":999}');
    await db.exec(
      `UPDATE records SET content = '{"i":999}', content_hash = '${h}' WHERE id = 'ev-3'`,
    );
    expect(await problems()).toEqual([['record-edited', 'ev-3', 3]]);
  });

  it('names an edited author (metadata is chained too)', async () => {
    await db.disableTriggers();
    await db.exec(`UPDATE records SET author = 'someone else' WHERE id = 'ev-2'`);
    expect(await problems()).toEqual([['record-edited', 'ev-2', 2]]);
  });

  it('names the record after one whose chain hash was rewritten as well', async () => {
    await db.disableTriggers();
    await db.exec(`UPDATE records SET chain_hash = '${'a'.repeat(64)}' WHERE id = 'ev-3'`);
    expect(await problems()).toEqual([
      ['record-edited', 'ev-3', 3],
      ['chain-broken', 'ev-4', 4],
    ]);
  });

  it('names a record removed from the middle', async () => {
    await db.disableTriggers();
    await db.exec(`DELETE FROM records WHERE id = 'ev-3'`);
    const p = await problems();
    expect(p).toEqual([
      ['missing', undefined, 3],
      ['chain-broken', 'ev-4', 4],
    ]);
    const v = await db.store.verify();
    expect(v.problems[0]?.message).toBe(
      'record #3 is missing between ev-2 and ev-4: removed from the store',
    );
  });

  it('names a record removed from the end', async () => {
    await db.disableTriggers();
    await db.exec(`DELETE FROM records WHERE id = 'ev-5'`);
    expect(await problems()).toEqual([['missing', 'ev-5', 5]]);
  });

  it('names records that were reordered', async () => {
    await db.disableTriggers();
    await db.exec(`UPDATE records SET seq = -2 WHERE seq = 2`);
    await db.exec(`UPDATE records SET seq = 2 WHERE seq = 3`);
    await db.exec(`UPDATE records SET seq = 3 WHERE seq = -2`);
    const ids = (await problems()).map(([, id]) => id);
    expect(ids).toContain('ev-2');
    expect(ids).toContain('ev-3');
  });

  it('names the record whose exchange body (blob) was edited', async () => {
    const rec = await db.store.append({
      kind: 'exchange',
      runId: 'r1',
      author: 'golive',
      content: { id: 'x-1' },
      blobs: { request: 'MSH|^~\\&|A' },
    });
    await db.disableTriggers();
    await db.editBlob(rec.blobs[0]!.hash);
    expect(await problems()).toEqual([['blob-edited', 'ev-6', 6]]);
  });

  it('reports a dropped append-only trigger (the store is not intact)', async () => {
    await db.exec(db.dropOne);
    const v = await db.store.verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.objectContaining({
        seq: 0,
        problem: 'schema-altered',
        message: expect.stringMatching(/append-only trigger records_\w+ is missing/),
      }),
    ]);
  });

  it('reports disabled triggers and a trigger made harmless', async () => {
    await db.exec(db.neuterOne);
    const v = await db.store.verify();
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.problem)).toContain('schema-altered');
    expect(v.problems.map((p) => p.message).join('\n')).toMatch(/was altered/);
    // The neutered trigger really lets an edit through: that is what was reported.
    await db.exec(`UPDATE records SET author = 'x' WHERE id = 'ev-1'`);
    await db.disableTriggers();
    const d = await db.store.verify();
    expect(d.problems.filter((p) => p.problem === 'schema-altered').length).toBeGreaterThan(0);
  });

  it('reports an altered table, and a dropped one without failing', async () => {
    await db.exec('ALTER TABLE records ADD COLUMN note TEXT');
    const v = await db.store.verify();
    expect(v.problems).toEqual([
      expect.objectContaining({
        problem: 'schema-altered',
        message: expect.stringMatching(/^table records was altered: columns \(.*note text\)/),
      }),
    ]);
    await db.exec('DROP TABLE blobs');
    const gone = await db.store.verify();
    expect(gone.ok).toBe(false);
    expect(gone.problems.map((p) => p.message)).toContain(
      'table blobs is missing (dropped or renamed)',
    );
  });

  it('names a record whose content is not JSON (written directly, hashes made to match)', async () => {
    // The insider computes the hashes, so the chain alone would call the store intact.
    const head = (await db.one('SELECT chain_hash FROM chain_head')) as string;
    const content = 'not json {';
    const contentHash = sha256(content);
    const fields = {
      seq: 6,
      id: 'ev-6',
      runId: 'r1',
      kind: 'check',
      createdAt: '2026-11-27T09:00:00.000Z',
      author: 'golive',
      contentHash,
      blobs: [],
    };
    const chain = chainHash(head, fields);
    await db.exec(
      `INSERT INTO records (seq, id, run_id, kind, created_at, author, content, blobs, content_hash, prev_hash, chain_hash)
       VALUES (6, 'ev-6', 'r1', 'check', '${fields.createdAt}', 'golive', '${content}', '[]', '${contentHash}', '${head}', '${chain}')`,
    );
    await db.exec(`UPDATE chain_head SET seq = 6, id = 'ev-6', chain_hash = '${chain}'`);
    expect(await problems()).toEqual([['malformed', 'ev-6', 6]]);
    const v = await db.store.verify();
    expect(v.problems[0]?.message).toBe('record ev-6 (#6): cannot be read: content is not JSON');
    // Readers keep working: the record is there, marked, with no content.
    const all = await db.store.list({ runId: 'r1' });
    expect(all).toHaveLength(6);
    expect(all[5]).toMatchObject({ id: 'ev-6', content: null, malformed: 'content is not JSON' });
    expect(await db.store.get('ev-6')).toMatchObject({ malformed: 'content is not JSON' });
    expect(all[0]?.malformed).toBeUndefined();
  });
});
