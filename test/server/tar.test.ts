/**
 * The export's tar writer (src/server/tar.ts) read back by GNU tar: names, sizes, contents and
 * long paths split into the ustar prefix; unsafe paths refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarChunks, type TarFile } from '../../src/server/index.js';

function roundTrip(files: TarFile[]): { dir: string; list: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'golive-tar-'));
  const tar = join(dir, 'a.tar');
  writeFileSync(tar, Buffer.concat([...tarChunks(files, new Date('2026-11-28T10:00:00Z'))]));
  const list = execFileSync('tar', ['-tvf', tar], { encoding: 'utf8' }).trim().split('\n');
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  return { dir, list };
}

describe('tar writer', () => {
  it('writes files GNU tar lists and extracts byte for byte', () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(90)}.json`;
    const files: TarFile[] = [
      { path: 'x/empty.txt', data: Buffer.alloc(0) },
      { path: 'x/block.bin', data: Buffer.alloc(512, 7) },
      { path: 'x/odd.txt', data: Buffer.from('héllo\n'.repeat(100)) },
      { path: long, data: Buffer.from('{"long":true}\n') },
    ];
    const { dir, list } = roundTrip(files);
    try {
      expect(list).toHaveLength(4);
      expect(list[0]).toMatch(/^-rw-r--r-- golive\/golive\s+0 2026-11-28 \d\d:00 x\/empty\.txt$/);
      for (const f of files) expect(readFileSync(join(dir, f.path)).equals(f.data)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses paths that could escape the folder or do not fit', () => {
    const one = (path: string) => [...tarChunks([{ path, data: Buffer.alloc(1) }], new Date())];
    expect(() => one('../etc/passwd')).toThrow(/unsafe path/);
    expect(() => one('a/../../b')).toThrow(/unsafe path/);
    expect(() => one('x'.repeat(120))).toThrow(/too long/);
  });
});
