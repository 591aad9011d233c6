/**
 * The bad-input table (test/hardening/bad-inputs.ts) through the built CLI (`npm run build`
 * first): every row ends with its exit code and says what is wrong; over all rows, no stack
 * trace and no exit 70. Rows run a few at a time (a small pool), each in its own folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { BAD_INPUTS, type BadInput } from './bad-inputs.js';

const POOL = 3;
const root = mkdtempSync(join(tmpdir(), 'golive-bad-inputs-'));
const results = new Map<string, CliResult>();
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runRow(row: BadInput, i: number): Promise<CliResult> {
  const dir = mkdtempSync(join(root, `${i}-`));
  for (const [name, content] of Object.entries(row.files ?? {}))
    writeFileSync(join(dir, name), content);
  const args = row.args.map((a) =>
    a === '@dir' ? dir : a.startsWith('@') ? join(dir, a.slice(1)) : a,
  );
  // No store or config of the machine leaks in: each row sees only its own files.
  return runCli(args, {
    timeoutMs: 60_000,
    env: { GOLIVE_STORE: '', GOLIVE_NOW: '2026-03-01T12:00:00Z', ...row.env },
  });
}

beforeAll(async () => {
  let next = 0;
  const worker = async () => {
    while (next < BAD_INPUTS.length) {
      const i = next++;
      const row = BAD_INPUTS[i]!;
      results.set(row.name, await runRow(row, i));
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
}, 600_000);

describe('bad inputs: exit code and message, never a stack', () => {
  it('the table covers at least 60 kinds, each named once', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BAD_INPUTS.map((r) => r.name)).size).toBe(BAD_INPUTS.length);
  });

  it.each(BAD_INPUTS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const r = results.get(row.name)!;
    const said = `${r.stderr}\n${r.stdout}`;
    expect(said, 'a stack trace').not.toMatch(/\n\s{4}at /);
    expect(said).not.toMatch(/internal error/);
    expect({ code: r.code, said: said.slice(0, 600) }).toMatchObject({ code: row.code });
    if (typeof row.says === 'string') expect(said).toContain(row.says);
    else expect(said).toMatch(row.says);
  });

  it('no row exits 70 or prints a stack trace', () => {
    const bad = BAD_INPUTS.filter((row) => {
      const r = results.get(row.name)!;
      return r.code === 70 || /\n\s{4}at /.test(`${r.stderr}\n${r.stdout}`);
    }).map((row) => row.name);
    expect(bad).toEqual([]);
  });
});
