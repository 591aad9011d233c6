/**
 * A minimal tar writer (POSIX ustar, IEEE Std 1003.1-2001 "pax" interchange format, ustar
 * headers only): regular files with paths up to 255 bytes, read by GNU tar, bsdtar, 7-Zip and
 * Windows' tar. Enough to hand over an export as one file without a dependency
 * (docs/decisions/016-dashboard-go-live-day.md); test/server/tar.test.ts checks it with GNU tar.
 */

export interface TarFile {
  /** Relative path with `/` separators, ASCII, no `..`. */
  path: string;
  data: Buffer;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  // width includes the terminating NUL
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function writeString(buf: Buffer, s: string, at: number, len: number): void {
  buf.write(s, at, Math.min(len, Buffer.byteLength(s)), 'utf8');
}

/** Split a path into ustar `prefix` (<=155) and `name` (<=100) at a `/`. */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name)
      return { name, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${path.slice(0, 80)}…`);
}

export function tarHeader(path: string, size: number, mtime: Date): Buffer {
  if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(path) || path.split('/').includes('..'))
    throw new Error(`tar: unsafe path ${JSON.stringify(path.slice(0, 80))}`);
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitPath(path);
  writeString(h, name, 0, 100);
  writeString(h, octal(0o644, 8), 100, 8); // mode
  writeString(h, octal(0, 8), 108, 8); // uid
  writeString(h, octal(0, 8), 116, 8); // gid
  writeString(h, octal(size, 12), 124, 12);
  writeString(h, octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12);
  h.fill(0x20, 148, 156); // checksum counted as spaces
  h[156] = 0x30; // typeflag '0': regular file
  writeString(h, 'ustar\0', 257, 6);
  writeString(h, '00', 263, 2);
  writeString(h, 'golive', 265, 32); // uname
  writeString(h, 'golive', 297, 32); // gname
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** The archive, one chunk per header, body and padding, ending with two zero blocks. */
export function* tarChunks(files: Iterable<TarFile>, mtime: Date): Generator<Buffer> {
  for (const f of files) {
    yield tarHeader(f.path, f.data.length, mtime);
    yield f.data;
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad, 0);
  }
  yield Buffer.alloc(BLOCK * 2, 0);
}
