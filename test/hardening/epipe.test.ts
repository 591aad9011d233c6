/**
 * Issue 16 item 7: a reader that stops early (`| head -1`) closes the pipe. golive ends quietly
 * (exit 0, nothing on stderr) instead of dying on EPIPE with a stack. Real pipes: the child's
 * stdout is read until the first chunk, then closed, as `head` does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEvidenceStore } from '../../src/evidence/index.js';
import { CLI, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-epipe-'));
const hl7 = join(dir, 'many.hl7');
const store = join(dir, 'evidence.db');

beforeAll(async () => {
  const msg = (i: number) =>
    `MSH|^~\\&|APP|FAC|RCV|RFAC|20260101120000||ADT^A01|C${i}|P|2.5\rPID|1||${i}^^^H^MR||DOE^JANE\r\n`;
  // About 1.5 MB of `hl7 inspect` output: far more than a pipe holds.
  writeFileSync(hl7, Array.from({ length: 20_000 }, (_, i) => msg(i)).join(''));
  const s = await SqliteEvidenceStore.open(store);
  // Many small runs: `evidence list` and `evidence runs` print far more than a pipe holds.
  for (let r = 0; r < 400; r++)
    await s.appendMany(
      Array.from({ length: 10 }, (_, i) => ({
        kind: 'finding' as const,
        runId: `run-${String(r).padStart(4, '0')}`,
        author: 'golive test',
        content: { i, text: 'x'.repeat(200) },
      })),
    );
  await s.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the CLI, read stdout until the first chunk, close it (as `head -1` does), wait for exit. */
function headOne(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let first = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', (d) => {
      first = String(d);
      child.stdout.destroy();
    });
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit: ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, first, stderr });
    });
  });
}

describe('output closed by the reader (EPIPE)', () => {
  it.each([
    ['hl7 inspect', ['hl7', 'inspect', hl7]],
    ['evidence list', ['evidence', 'list', '--store', store]],
    ['evidence runs', ['evidence', 'runs', '--store', store]],
  ])('%s | head -1 ends quietly with exit 0', async (_name, args) => {
    const r = await headOne(args);
    expect(r.first.length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/EPIPE|internal error|\n\s+at /);
    expect(r.code).toBe(0);
  });
});
