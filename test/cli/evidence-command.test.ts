import { openSqlite } from '../../src/storage/index.js';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { openEvidenceStore } from '../../src/evidence/open.js';
import { tempPgSchema, tempSqliteFile, type TempSqlite } from '../../src/evidence/testing.js';
import { register } from '../../src/cli/commands/evidence.js';

/** Run `golive <args>` through this module only; returns exit code and stdout. */
async function golive(...args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command().exitOverride();
  let code = -1;
  register(program, (c) => (code = c));
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'golive', ...args]);
  } finally {
    spy.mockRestore();
  }
  return { code, out };
}

describe('golive evidence (sqlite)', () => {
  let t: TempSqlite;
  beforeEach(async () => {
    t = tempSqliteFile();
    const store = await openEvidenceStore(t.file);
    await store.append({ kind: 'check', runId: 'run-a', author: 'golive', content: { n: 1 } });
    await store.append({ kind: 'waiver', runId: 'run-a', author: 'CMO', content: { n: 2 } });
    await store.append({ kind: 'check', runId: 'run-b', author: 'golive', content: { n: 3 } });
    await store.close();
  });
  afterEach(() => t.cleanup());

  it('verify exits 0 on an intact store and prints the head hash', async () => {
    const r = await golive('evidence', 'verify', '--store', t.file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^evidence intact: 3 records, head [0-9a-f]{64}\n$/);
  });

  it('verify exits 1 and names the record after a direct edit', async () => {
    const raw = openSqlite(t.file);
    raw.exec(
      `DROP TRIGGER records_no_update; UPDATE records SET content = '{"n":9}' WHERE id = 'ev-2'`,
    );
    raw.close();
    const r = await golive('evidence', 'verify', '--store', t.file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('content-edited: record ev-2 (#2)');
    // The dropped trigger is reported too: a store that no longer refuses edits is not intact.
    expect(r.out).toContain('schema-altered: append-only trigger records_no_update is missing');
    const j = await golive('evidence', 'verify', '--store', t.file, '--json');
    expect(JSON.parse(j.out)).toMatchObject({
      ok: false,
      problems: [{ problem: 'schema-altered', seq: 0 }, { id: 'ev-2' }],
    });
  });

  it('verify exits 1 when only a trigger was dropped', async () => {
    const raw = openSqlite(t.file);
    raw.exec('DROP TRIGGER blobs_no_delete');
    raw.close();
    const r = await golive('evidence', 'verify', '--store', t.file);
    expect(r).toEqual({
      code: 1,
      out:
        'EVIDENCE TAMPERED: 1 problem(s)\n' +
        '  schema-altered: append-only trigger blobs_no_delete is missing: records can now be changed without an error\n',
    });
  });

  describe('a record whose content is not JSON, written into the file directly', () => {
    beforeEach(() => {
      const raw = openSqlite(t.file);
      const head = raw.prepare('SELECT chain_hash FROM chain_head').get() as { chain_hash: string };
      raw
        .prepare(
          `INSERT INTO records VALUES (4, 'ev-4', 'run-b', 'check', '2026-11-27T09:00:00.000Z',
             'golive', '{"n":', '[]', ?, ?, ?)`,
        )
        .run('0'.repeat(64), head.chain_hash, 'f'.repeat(64));
      raw.prepare(`UPDATE chain_head SET seq = 4, id = 'ev-4', chain_hash = ?`).run('f'.repeat(64));
      raw.close();
    });

    it('list exits 2 with one error naming the record and a hint', async () => {
      const e = await golive('evidence', 'list', '--store', t.file).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      const u = e as UserError;
      expect(u).toMatchObject({ code: 'E_STORE_MALFORMED', exitCode: 2 });
      expect(u.message).toBe('record ev-4 (#4, run run-b) cannot be read: content is not JSON');
      expect(u.hint).toMatch(/golive evidence verify/);
      expect(u.format().split('\n')).toHaveLength(2);
      // The other runs' records still list.
      const a = await golive('evidence', 'list', '--store', t.file, '--run', 'run-a');
      expect(a.code).toBe(0);
      expect(a.out.trim().split('\n')).toHaveLength(2);
    });

    it('verify exits 1 naming it; runs still answers', async () => {
      const r = await golive('evidence', 'verify', '--store', t.file);
      expect(r.code).toBe(1);
      expect(r.out).toContain('malformed: record ev-4 (#4): cannot be read: content is not JSON');
      const runs = await golive('evidence', 'runs', '--store', t.file, '--json');
      expect(runs.code).toBe(0);
      expect(JSON.parse(runs.out)).toMatchObject([
        { runId: 'run-a' },
        { runId: 'run-b', records: 2 },
      ]);
    });
  });

  it('verify of a missing file is bad input (exit 2), and creates nothing', async () => {
    const missing = `${t.dir}/nope/evidence.db`;
    const e = await golive('evidence', 'verify', '--store', missing).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect(e).toMatchObject({ code: 'E_STORE_MISSING', exitCode: 2 });
  });

  it('verify of a file that is not a store is bad input', async () => {
    const { writeFileSync } = await import('node:fs');
    const junk = `${t.dir}/junk.db`;
    writeFileSync(junk, 'this is not sqlite '.repeat(100));
    const e = await golive('evidence', 'verify', '--store', junk).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'E_STORE_OPEN', exitCode: 2 });
  });

  it('list filters by run and prints JSON', async () => {
    const r = await golive('evidence', 'list', '--store', t.file, '--run', 'run-a');
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(['ev-1', 'ev-2']);
    const j = await golive('evidence', 'list', '--store', t.file, '--json', '--kind', 'check');
    expect((JSON.parse(j.out) as { id: string }[]).map((x) => x.id)).toEqual(['ev-1', 'ev-3']);
    const e = await golive('evidence', 'list', '--store', t.file, '--kind', 'nope').catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'E_ARG', exitCode: 2 });
  });

  it('runs summarises each run, marking a run without a decision record incomplete', async () => {
    const store = await openEvidenceStore(t.file);
    await store.append({ kind: 'decision', runId: 'run-b', author: 'golive', content: {} });
    await store.close();
    const r = await golive('evidence', 'runs', '--store', t.file, '--json');
    expect(JSON.parse(r.out)).toMatchObject([
      { runId: 'run-a', records: 2, complete: false },
      { runId: 'run-b', records: 2, complete: true },
    ]);
    const text = (await golive('evidence', 'runs', '--store', t.file)).out.split('\n');
    expect(text[0]).toMatch(/^run-a .* INCOMPLETE: no decision record/);
    expect(text[1]).not.toContain('INCOMPLETE');
  });
});

describe('golive evidence (postgres)', () => {
  it('verifies a PostgreSQL store given by URL and schema', async () => {
    const t = await tempPgSchema();
    try {
      const store = await openEvidenceStore(t.url, { schema: t.schema });
      await store.append({ kind: 'check', runId: 'r', author: 'golive', content: {} });
      await store.close();
      const r = await golive('evidence', 'verify', '--store', t.url, '--schema', t.schema);
      expect(r).toMatchObject({
        code: 0,
        out: expect.stringContaining('evidence intact: 1 records'),
      });
    } finally {
      await t.cleanup();
    }
  });

  it('refuses a schema that does not exist (exit 2) and does not create it', async () => {
    const t = await tempPgSchema();
    try {
      const store = await openEvidenceStore(t.url, { schema: t.schema });
      await store.close();
      const typo = `${t.schema}_typo`;
      for (const cmd of ['verify', 'list', 'runs']) {
        const e = await golive('evidence', cmd, '--store', t.url, '--schema', typo).catch(
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(UserError);
        expect(e).toMatchObject({ code: 'E_STORE_MISSING', exitCode: 2 });
        expect((e as UserError).message).toBe(`no schema "${typo}" in this database`);
        expect((e as UserError).hint).toMatch(/--schema/);
      }
      const created = await t.sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo]);
      expect(created.rowCount).toBe(0);
      // A schema that exists but holds no store is refused too, and left as it was.
      await t.sql(`CREATE SCHEMA ${typo}`);
      try {
        const e = await golive('evidence', 'verify', '--store', t.url, '--schema', typo).catch(
          (x: unknown) => x,
        );
        expect(e).toMatchObject({ code: 'E_STORE_MISSING', exitCode: 2 });
        const tables = await t.sql(
          'SELECT 1 FROM information_schema.tables WHERE table_schema = $1',
          [typo],
        );
        expect(tables.rowCount).toBe(0);
      } finally {
        await t.sql(`DROP SCHEMA ${typo} CASCADE`);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('verify reports disabled append-only triggers (exit 1)', async () => {
    const t = await tempPgSchema();
    try {
      const store = await openEvidenceStore(t.url, { schema: t.schema });
      await store.append({ kind: 'check', runId: 'r', author: 'golive', content: {} });
      await store.close();
      await t.sql('ALTER TABLE records DISABLE TRIGGER records_append_only');
      const r = await golive('evidence', 'verify', '--store', t.url, '--schema', t.schema);
      expect(r.code).toBe(1);
      expect(r.out).toContain(
        'schema-altered: append-only trigger records_append_only is disabled',
      );
    } finally {
      await t.cleanup();
    }
  });

  it('an unreachable server exits 3', async () => {
    const e = await golive('evidence', 'verify', '--store', 'postgres://127.0.0.1:1/none').catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'E_STORE_UNREACHABLE', exitCode: 3 });
  });
});
