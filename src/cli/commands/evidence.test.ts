import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../core/errors.js';
import { openEvidenceStore } from '../../evidence/open.js';
import { tempPgSchema, tempSqliteFile, type TempSqlite } from '../../evidence/testing.js';
import { register } from './evidence.js';

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
    const raw = new Database(t.file);
    raw.exec(
      `DROP TRIGGER records_no_update; UPDATE records SET content = '{"n":9}' WHERE id = 'ev-2'`,
    );
    raw.close();
    const r = await golive('evidence', 'verify', '--store', t.file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('content-edited: record ev-2 (#2)');
    const j = await golive('evidence', 'verify', '--store', t.file, '--json');
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problems: [{ id: 'ev-2' }] });
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

  it('runs summarises each run', async () => {
    const r = await golive('evidence', 'runs', '--store', t.file, '--json');
    expect(JSON.parse(r.out)).toMatchObject([
      { runId: 'run-a', records: 2 },
      { runId: 'run-b', records: 1 },
    ]);
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

  it('an unreachable server exits 3', async () => {
    const e = await golive('evidence', 'verify', '--store', 'postgres://127.0.0.1:1/none').catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'E_STORE_UNREACHABLE', exitCode: 3 });
  });
});
