/**
 * What the message splitter (splitter.ts) hands over and the byte-level pieces it is built
 * from: line ends, what a line is from its first bytes, previews for reports, and the copy of
 * a message's segment lines joined by CR. Pure, on Uint8Array.
 */

export interface RawMessage {
  /** Segments joined by CR, exactly the bytes of each segment line. */
  bytes: Uint8Array;
  /** Byte offset of the message's first byte in the whole stream. */
  offset: number;
  /** 1-based index of the message in the stream. */
  index: number;
}

export interface Garbage {
  offset: number;
  length: number;
  /** The first bytes, printable, for the error message. */
  preview: string;
  reason: 'not-a-segment' | 'oversized';
}

export interface SplitterOptions {
  onMessage: (m: RawMessage) => void;
  onGarbage?: (g: Garbage) => void;
  /**
   * A message larger than this is reported as garbage (memory stays bounded), and so is a
   * blank line (spaces, tabs, NULs) longer than this. Default 64 MiB.
   */
  maxMessageBytes?: number;
}

/** Work done so far, for tests that check it grows linearly with the input. */
export interface SplitterStats {
  /** Bytes examined by line-end searches and blank-line checks. */
  scanned: number;
  /** Bytes copied into held buffers and into the messages handed over. */
  copied: number;
}

export const CR = 13;
export const LF = 10;
export const VT = 0x0b;
export const FS = 0x1c;
export const EMPTY = new Uint8Array(0);
/** Bytes of a line kept for its classification and preview: a BOM plus 40 characters. */
export const HEAD = 43;
const PREVIEW = 40;

/** What a line is; decided from its first four bytes after an optional BOM (or its end). */
export const K_MSH = 1;
export const K_CONT = 2;
export const K_BLANK = 3;
export const K_GARBAGE = 4;
export const K_ENVELOPE = 5;
export type Kind = 1 | 2 | 3 | 4 | 5;

function isUpper(b: number | undefined): boolean {
  return b !== undefined && b >= 65 && b <= 90;
}
export function isUpperOrDigit(b: number | undefined): boolean {
  return b !== undefined && ((b >= 65 && b <= 90) || (b >= 48 && b <= 57));
}
export function isBlankByte(x: number): boolean {
  return x === 32 || x === 9 || x === 0;
}
function isEnd(x: number): boolean {
  return x === CR || x === LF || x === VT || x === FS;
}

/** Printable form of up to 40 bytes; `toLineEnd` stops at the first line end. */
export function preview(bytes: Uint8Array, start: number, end: number, toLineEnd = false): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + PREVIEW); i++) {
    const b = bytes[i]!;
    if (toLineEnd && isEnd(b)) break;
    s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Length of a BOM at bytes[s, e) (a UTF-8 BOM may start a file or a message). */
export function bomAt(bytes: Uint8Array, s: number, e: number): number {
  return e - s >= 3 && bytes[s] === 0xef && bytes[s + 1] === 0xbb && bytes[s + 2] === 0xbf ? 3 : 0;
}

/**
 * What a line is, from its content bytes b[s, e) known so far (`complete`: the line ends at
 * e), given the field separator of the stream so far (0: none yet) and whether a message is
 * open. Undefined while more bytes are needed (fewer than four, the line going on).
 */
export function lineKind(
  b: Uint8Array,
  s: number,
  e: number,
  complete: boolean,
  fieldSep: number,
  msgOpen: boolean,
): Kind | undefined {
  const len = e - s;
  if (len < 4 && !complete) return undefined;
  if (len === 0) return K_BLANK;
  const a = b[s]!;
  if (isBlankByte(a)) return K_BLANK;
  const b1 = len > 1 ? b[s + 1] : undefined;
  const c = len > 2 ? b[s + 2] : undefined;
  const sep = len > 3 ? b[s + 3] : undefined;
  if (a === 77 && b1 === 83 && c === 72 && sep !== undefined && !isUpperOrDigit(sep)) return K_MSH;
  const shaped =
    isUpper(a) &&
    isUpperOrDigit(b1) &&
    isUpperOrDigit(c) &&
    (sep === undefined || sep === fieldSep || (fieldSep === 0 && !isUpperOrDigit(sep)));
  // FHS/BHS/FTS/BTS batch envelope (v2.5.1 2.10.3).
  if (shaped && (a === 70 || a === 66) && (b1 === 72 || b1 === 84) && c === 83) return K_ENVELOPE;
  return shaped && msgOpen ? K_CONT : K_GARBAGE;
}

/**
 * Copy the segment lines of src into dst at `at`, each ended by CR; returns the new end.
 * `clean`: src is lines separated by CR alone, copied as one block. Otherwise inner blank
 * lines (as the splitter defines them) are dropped, other lines kept as they are.
 */
export function normalizeLines(
  src: Uint8Array,
  dst: Uint8Array,
  at: number,
  clean: boolean,
): number {
  if (clean) {
    dst.set(src, at);
    dst[at + src.length] = CR;
    return at + src.length + 1;
  }
  let p = at;
  let lineStart = 0;
  for (let i = 0; i <= src.length; i++) {
    if (i < src.length && !isEnd(src[i]!)) continue;
    let j = lineStart + bomAt(src, lineStart, i);
    while (j < i && isBlankByte(src[j]!)) j++;
    if (j < i) {
      dst.set(src.subarray(lineStart, i), p);
      p += i - lineStart;
      dst[p++] = CR;
    }
    lineStart = i + 1;
  }
  return p;
}

/** A run of non-segment lines, reported as one piece of garbage when something else comes. */
export class GarbageRun {
  private start = -1;
  private len = 0;
  private text = '';
  /** The run's preview is to be taken from the line under way once it is complete. */
  previewPending = false;

  constructor(private readonly report: ((g: Garbage) => void) | undefined) {}

  /** A non-segment line at stream offsets [start, end): joins the run before it or starts one. */
  add(start: number, end: number, fallbackPreview: () => string): void {
    if (this.start >= 0 && start <= this.start + this.len + 2) {
      this.len = end - this.start;
      return;
    }
    this.flush(fallbackPreview);
    this.start = start;
    this.len = end - start;
    this.previewPending = true;
  }

  /** The run now ends at stream offset `end` (its last line went on across chunks). */
  extendTo(end: number): void {
    this.len = end - this.start;
  }

  setPreview(text: string): void {
    this.text = text;
    this.previewPending = false;
  }

  flush(fallbackPreview: () => string): void {
    if (this.start < 0) return;
    if (this.previewPending) this.setPreview(fallbackPreview());
    this.report?.({
      offset: this.start,
      length: this.len,
      preview: this.text,
      reason: 'not-a-segment',
    });
    this.start = -1;
    this.len = 0;
  }
}

/**
 * The open message's bytes gathered from earlier chunks, already normalized (segment lines
 * joined by CR), in one buffer grown by doubling (appends stay linear) and never beyond what a
 * message within the cap needs.
 */
export class HeldBytes {
  private acc: Uint8Array = EMPTY;
  length = 0;

  constructor(
    private readonly stats: SplitterStats,
    private readonly max: number,
  ) {}

  /** Bytes of the buffer (held between chunks, whatever is in use). */
  get capacity(): number {
    return this.acc.length;
  }

  /** Append src[from, to) (with room kept for the CR that ends the line). */
  append(src: Uint8Array, from: number, to: number): void {
    this.reserve(this.length + (to - from) + 1);
    this.acc.set(src.subarray(from, to), this.length);
    this.length += to - from;
    this.stats.copied += to - from;
  }

  /** End the line appended last (its room was kept by append). */
  endLine(): void {
    this.acc[this.length++] = CR;
  }

  /** Append whole segment lines, normalized (see normalizeLines). */
  appendLines(src: Uint8Array, clean: boolean): void {
    this.reserve(this.length + src.length + 1);
    this.stats.copied += src.length + 1;
    this.length = normalizeLines(src, this.acc, this.length, clean);
  }

  /** The first line's printable start, for the report of an oversized message. */
  preview(): string {
    return preview(this.acc, 0, this.length, true);
  }

  /** Forget what is held and free the buffer. */
  drop(): void {
    this.length = 0;
    this.acc = EMPTY;
  }

  /** What is held, handed over; the holder starts empty. */
  take(): Uint8Array {
    let out: Uint8Array;
    if (this.length > 1 << 20) {
      // A large message keeps the buffer it was gathered in (no second copy of it).
      out = this.acc.subarray(0, this.length);
      this.acc = EMPTY;
    } else {
      out = this.acc.slice(0, this.length);
      this.stats.copied += this.length;
    }
    this.length = 0;
    return out;
  }

  private reserve(need: number): void {
    if (need <= this.acc.length) return;
    const size = Math.min(Math.max(need, this.acc.length * 2, 4096), Math.max(need, this.max + 1));
    const next = new Uint8Array(size);
    next.set(this.acc.subarray(0, this.length));
    this.stats.copied += this.length;
    this.acc = next;
  }
}

/**
 * Line ends in one chunk: the next CR, LF, VT and FS at or after a position, each searched
 * again only once the scan has passed it (nothing scanned twice, decision 013).
 */
export class LineEnds {
  private buf: Uint8Array = EMPTY;
  /** Next CR, LF, VT, FS at or after the last search start in buf (buf.length: none). */
  private cr = -1;
  private lf = -1;
  private vt = -1;
  private fs = -1;

  constructor(private readonly stats: SplitterStats) {}

  /** Search this chunk from now on. */
  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.cr = this.lf = this.vt = this.fs = -1;
  }

  /** Index in the chunk of the next line end at or after p (CR, LF, VT or FS), or its length. */
  next(p: number): number {
    if (this.cr < p) this.cr = this.find(CR, p);
    if (this.lf < p) this.lf = this.find(LF, p);
    if (this.vt < p) this.vt = this.find(VT, p);
    if (this.fs < p) this.fs = this.find(FS, p);
    return Math.min(this.cr, this.lf, this.vt, this.fs);
  }

  private find(byte: number, p: number): number {
    const n = this.buf.length;
    const i = this.buf.indexOf(byte, p);
    const at = i === -1 ? n : i;
    this.stats.scanned += (at < n ? at + 1 : n) - p;
    return at;
  }
}
