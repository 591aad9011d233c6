/**
 * Evidence written before a crash is intact after `kill -9`: a child process appends in a
 * loop and prints each id after its append committed; we SIGKILL it mid-stream, reopen the
 * store, and every printed id must be there with the chain intact.
 *
 * The child runs the current sources, not a possibly stale dist/: the test transpiles
 * src/evidence and src/core (TypeScript's transpileModule, no type check) into a directory
 * under node_modules/.cache, where `better-sqlite3` and `pg` resolve as usual.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvidenceStore } from './open.js';
import { tempPgSchema, tempSqliteFile } from './testing.js';

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
  transpileDir('evidence');
  // Mark the directory as ESM, like the package.
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Run the child until it reported `atLeast` committed ids, then SIGKILL it. */
function appendThenKill(location: string, schema: string | undefined, atLeast: number) {
  return new Promise<string[]>((resolvePromise, reject) => {
    const args = [join(here, 'fixtures', 'append-loop.mjs'), out, location];
    if (schema) args.push(schema);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ids: string[] = [];
    let buf = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('ev-')) ids.push(l);
      if (!killed && ids.length >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${err}`));
      // Lines that arrived after the kill was sent were still committed before printing.
      else resolvePromise(ids);
    });
  });
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
});
