/**
 * Tampering directly in the database, the way an insider with SQL access would: verify() must
 * notice and name the record. The append-only triggers are dropped/disabled first (they only
 * stop accidents; the chain is what detects deliberate edits).
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEvidenceStore } from './open.js';
import { steppingClock, tempPgSchema, tempSqliteFile } from './testing.js';
import type { EvidenceStore, ProblemKind } from './types.js';

interface Db {
  store: EvidenceStore;
  /** Run SQL outside the store, as an admin. */
  exec(sql: string): Promise<void>;
  disableTriggers(): Promise<void>;
  editBlob(hash: string): Promise<void>;
  cleanup(): Promise<void>;
}

const BACKENDS: { name: string; setup(): Promise<Db> }[] = [
  {
    name: 'sqlite',
    async setup() {
      const t = tempSqliteFile();
      const store = await openEvidenceStore(t.file, { clock: steppingClock() });
      const raw = new Database(t.file);
      return {
        store,
        exec: async (sql) => void raw.exec(sql),
        disableTriggers: async () =>
          void raw.exec(
            ['records_no_update', 'records_no_delete', 'blobs_no_update', 'blobs_no_delete']
              .map((n) => `DROP TRIGGER ${n};`)
              .join(''),
          ),
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
        disableTriggers: async () => {
          await t.sql('ALTER TABLE records DISABLE TRIGGER USER');
          await t.sql('ALTER TABLE blobs DISABLE TRIGGER USER');
        },
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
    const h = (await import('./hashing.js')).sha256('{"i":999}');
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
});
