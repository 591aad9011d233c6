import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  readHl7Inputs,
  readHl7Stream,
  resolveHl7Inputs,
  type Hl7Item,
} from '../../src/inputs/hl7-files.js';
import { BASE, msg } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'golive-hl7files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'a.hl7'), `${BASE}\n${msg({ 'MSH-10': 'MSG2' })}\n`);
writeFileSync(join(dir, 'sub', 'b.txt'), `\u000b${BASE}\u001c\r`); // MLLP-framed
writeFileSync(join(dir, 'notes.md'), 'not HL7');

async function all(inputs: string[], opts = {}): Promise<Hl7Item[]> {
  const out: Hl7Item[] = [];
  for await (const i of readHl7Inputs(inputs, opts)) out.push(i);
  return out;
}

describe('hl7-files reader', () => {
  it('reads a folder recursively (HL7 extensions only) with index and byte offset per file', async () => {
    const items = await all([dir]);
    expect(
      items.map((i) => [i.file.replace(dir, ''), i.kind === 'message' ? i.index : 0, i.offset]),
    ).toEqual([
      ['/a.hl7', 1, 0],
      ['/a.hl7', 2, BASE.length + 1],
      ['/sub/b.txt', 1, 1],
    ]);
    const first = items[0]!;
    expect(first.kind === 'message' && first.message?.get('MSH-10')).toBe('MSG1');
  });

  it('expands globs, including **', async () => {
    expect(resolveHl7Inputs([`${dir}/*.hl7`]).map((f) => f.path)).toEqual([join(dir, 'a.hl7')]);
    expect(resolveHl7Inputs([`${dir}/**/*.txt`]).map((f) => f.path)).toEqual([
      join(dir, 'sub', 'b.txt'),
    ]);
  });

  it('reads stdin-like streams in small chunks with the same result', async () => {
    const text = `${BASE}\n${msg({ 'MSH-10': 'MSG2' })}\n`;
    const chunks = text.match(/[\s\S]{1,7}/g)!.map((s) => Buffer.from(s));
    const items: Hl7Item[] = [];
    for await (const i of readHl7Stream(Readable.from(chunks), '<stdin>')) items.push(i);
    expect(items.map((i) => i.offset)).toEqual([0, BASE.length + 1]);
  });

  it('reports progress with bytes and messages', async () => {
    const seen: number[] = [];
    await all([join(dir, 'a.hl7')], {
      onProgress: (p: { bytesRead: number }) => seen.push(p.bytesRead),
      chunkSize: 64,
    });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)).toBe(BASE.length * 2 + 2);
  });

  it('bad inputs are UserErrors (exit 2) before anything is read', () => {
    expect(() => resolveHl7Inputs([join(dir, 'missing.hl7')])).toThrow(UserError);
    expect(() => resolveHl7Inputs([`${dir}/*.xyz`])).toThrow(/no file matches/);
    expect(() => resolveHl7Inputs([])).toThrow(/no input/);
  });
});
