/**
 * The SQLite build chosen for the running Node (decision 014), and the garbage-collection abort
 * it avoids: better-sqlite3 12 built against Node 24.19+ headers aborted the process
 * (`RemoveEnvironmentCleanupHook`: `(env) != nullptr`) when statements were collected during a
 * socket callback; `npm start` on Node 24 died in the load phase. The child below runs that
 * pattern through `openSqlite` (many discarded statements, then allocation inside socket reads);
 * it must end normally on every Node CI runs (20 and 22 for the suite, 24 in .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseSqliteModule, openSqlite, sqliteDriver } from '../../src/storage/index.js';
import { ROOT } from '../helpers/cli.js';

describe('chooseSqliteModule', () => {
  const all = (): boolean => true;
  const none = (): boolean => false;
  it('keeps better-sqlite3 12 on Node 20 even when the Node-API build is installed', () => {
    const c = chooseSqliteModule('20.20.2', all);
    expect(c.module).toBe('better-sqlite3');
    expect(c.reason).toMatch(/needs Node 22\+/);
  });
  it('uses the Node-API build on Node 22 and 24 when installed', () => {
    expect(chooseSqliteModule('22.12.0', all).module).toBe('better-sqlite3-napi');
    expect(chooseSqliteModule('24.21.0', all).module).toBe('better-sqlite3-napi');
  });
  it('falls back to 12 on Node 24 without the optional build and says how to add it', () => {
    const c = chooseSqliteModule('24.21.0', none);
    expect(c.module).toBe('better-sqlite3');
    expect(c.reason).toMatch(/npm install/);
  });
});

describe('openSqlite', () => {
  it('opens a real file with the build for this Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-sqlite-'));
    try {
      const db = openSqlite(join(dir, 'x.db'));
      db.exec('CREATE TABLE t (v TEXT)');
      db.prepare('INSERT INTO t VALUES (?)').run('a');
      expect(db.prepare('SELECT v FROM t').pluck().get()).toBe('a');
      db.close();
      const driver = sqliteDriver();
      const major = Number(process.versions.node.split('.')[0]);
      if (major < 22) expect(driver.module).toBe('better-sqlite3');
      expect(driver.version).toMatch(/^\d+\.\d+\.\d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives statements collected inside socket callbacks (the Node 24 abort)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'golive-sqlite-gc-'));
    try {
      const storage = pathToFileURL(join(ROOT, 'dist/storage/index.js')).href;
      const script = join(dir, 'gc.mjs');
      writeFileSync(
        script,
        `import net from 'node:net';
import { openSqlite, sqliteDriver } from ${JSON.stringify(storage)};
const db = openSqlite(${JSON.stringify(join(dir, 'gc.db'))});
for (let i = 0; i < 20000; i++) db.prepare('SELECT ' + (i % 50) + ' AS v').get();
const server = net.createServer((s) => s.on('data', (b) => {
  const garbage = [];
  for (let i = 0; i < 1000; i++) garbage.push({ x: new Array(100).fill(i) });
  s.write(b);
}));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let n = 0;
  c.on('data', () => {
    if (++n < 3000) c.write('x');
    else { db.close(); console.log('ok ' + sqliteDriver().module); process.exit(0); }
  });
  c.write('x');
});
`,
      );
      const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).not.toMatch(/Assertion failed/);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ok better-sqlite3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
