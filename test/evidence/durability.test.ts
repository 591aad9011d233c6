/**
 * Evidence written before a crash is intact after `kill -9`: a child process appends in a
 * loop and prints each id after its append committed; we SIGKILL it mid-stream, reopen the
 * store, and every printed id must be there with the chain intact. A second child records
 * whole runs (appendRun) and is killed while one is being appended: afterwards each run is
 * there whole, with its decision, or not at all.
 *
 * The child runs the current sources, not a possibly stale dist/: the test transpiles
 * src/evidence, src/storage and src/core (TypeScript's transpileModule, no type check) into a directory
 * under node_modules/.cache, where `better-sqlite3` and `pg` resolve as usual.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvidenceStore } from '../../src/evidence/open.js';
import { tempPgSchema, tempSqliteFile } from '../../src/evidence/testing.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const out = join(repo, 'node_modules', '.cache', `golive-durability-${process.pid}`);

function transpileDir(name: string): void {
  const from = join(repo, 'src', name);
  mkdirSync(join(out, name), { recursive: true });
  for (const f of readdirSync(from)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.endsWith('.d.ts')) continue;
    const js = ts.transpileModule(readFileSync(join(from, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(out, name, f.replace(/\.ts$/, '.js')), js);
  }
}

beforeAll(() => {
  transpileDir('core');
  transpileDir('storage');
  transpileDir('evidence');
  // Mark the directory as ESM, like the package.
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * Run a child fixture and SIGKILL it once `stop` says so (given every line so far); resolves
 * with the lines it printed (each printed after the work it names had committed).
 */
function runThenKill(
  fixture: string,
  location: string,
  schema: string | undefined,
  stop: (lines: readonly string[]) => boolean,
) {
  return new Promise<string[]>((resolvePromise, reject) => {
    const args = [join(here, 'fixtures', fixture), out, location];
    if (schema) args.push(schema);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buf = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts);
      if (!killed && stop(lines)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${err}`));
      // Lines that arrived after the kill was sent were still committed before printing.
      else resolvePromise(lines);
    });
  });
}

/** Run the append loop until it reported `atLeast` committed ids, then SIGKILL it. */
async function appendThenKill(location: string, schema: string | undefined, atLeast: number) {
  const lines = await runThenKill('append-loop.mjs', location, schema, (l) => {
    return l.filter((x) => x.startsWith('ev-')).length >= atLeast;
  });
  return lines.filter((l) => l.startsWith('ev-'));
}

const RUN_RECORDS = 121;

/**
 * Record runs until `atLeast` committed, then SIGKILL the child while the next one is inside
 * its transaction (at its decision, all its other records written). Returns the runs reported
 * done and the one in flight.
 */
async function recordRunsThenKill(location: string, schema: string | undefined, atLeast: number) {
  const lines = await runThenKill('append-runs.mjs', location, schema, (l) => {
    const done = l.filter((x) => x.startsWith('done ')).length;
    return done >= atLeast && l[l.length - 1]!.startsWith('deciding ');
  });
  const done = lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5));
  const begun = lines.filter((l) => l.startsWith('begin ')).map((l) => l.slice(6));
  return { done, inFlight: begun.filter((r) => !done.includes(r)) };
}

async function assertWholeRuns(
  location: string,
  schema: string | undefined,
  reported: { done: string[]; inFlight: string[] },
) {
  const store = await openEvidenceStore(location, schema ? { schema } : {});
  try {
    const runs = await store.runs();
    // Every run in the store is whole: all its records and its decision, never a part.
    for (const r of runs)
      expect(r, r.runId).toMatchObject({ records: RUN_RECORDS, complete: true });
    const stored = runs.map((r) => r.runId);
    expect(stored.filter((id) => !reported.done.includes(id))).toEqual(
      stored.filter((id) => reported.inFlight.includes(id)),
    );
    for (const id of reported.done) expect(stored).toContain(id);
    const decisions = await store.list({ kind: 'decision' });
    expect(decisions.map((d) => d.runId)).toEqual(stored);
    expect(
      decisions.every((d) => (d.content as { records: number }).records === RUN_RECORDS - 1),
    ).toBe(true);
    const v = await store.verify();
    expect(v.problems).toEqual([]);
    expect(v.records).toBe(runs.length * RUN_RECORDS);
  } finally {
    await store.close();
  }
}

async function assertSurvived(location: string, schema: string | undefined, reported: string[]) {
  const store = await openEvidenceStore(location, schema ? { schema } : {});
  try {
    const stored = new Set((await store.list({ runId: 'durability' })).map((r) => r.id));
    const lost = reported.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    const v = await store.verify();
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    // The store is still usable after the crash.
    const next = await store.append({ kind: 'finding', runId: 'after', author: 't', content: {} });
    expect(next.seq).toBe(v.records + 1);
  } finally {
    await store.close();
  }
}

describe('kill -9 durability', () => {
  it('sqlite: every reported append survives, twice in a row, chain intact', async () => {
    const t = tempSqliteFile();
    try {
      const first = await appendThenKill(t.file, undefined, 150);
      expect(first.length).toBeGreaterThanOrEqual(150);
      await assertSurvived(t.file, undefined, first);
      // A second crash on a store that already went through one (WAL recovery then append).
      const second = await appendThenKill(t.file, undefined, 100);
      await assertSurvived(t.file, undefined, [...first, ...second]);
    } finally {
      t.cleanup();
    }
  });

  it('postgres: every reported append survives, chain intact', async () => {
    const t = await tempPgSchema();
    try {
      const ids = await appendThenKill(t.url, t.schema, 150);
      expect(ids.length).toBeGreaterThanOrEqual(150);
      await assertSurvived(t.url, t.schema, ids);
    } finally {
      await t.cleanup();
    }
  });

  it('sqlite: a run killed mid-append is there whole with its decision, or not at all', async () => {
    const t = tempSqliteFile();
    try {
      const first = await recordRunsThenKill(t.file, undefined, 3);
      expect(first.inFlight).toHaveLength(1);
      await assertWholeRuns(t.file, undefined, first);
      // Again on a store that went through one crash already.
      const second = await recordRunsThenKill(t.file, undefined, 2);
      const done = [...first.done, ...second.done];
      const inFlight = [...first.inFlight, ...second.inFlight].filter((r) => !done.includes(r));
      await assertWholeRuns(t.file, undefined, { done, inFlight });
    } finally {
      t.cleanup();
    }
  });

  it('postgres: a run killed mid-append is there whole with its decision, or not at all', async () => {
    const t = await tempPgSchema();
    try {
      const r = await recordRunsThenKill(t.url, t.schema, 3);
      expect(r.inFlight).toHaveLength(1);
      await assertWholeRuns(t.url, t.schema, r);
    } finally {
      await t.cleanup();
    }
  });
});
