/**
 * Incremental splitter for streams of many HL7 v2 messages, fed byte chunks of any size:
 * one message per file, messages separated by newlines (segments by CR), MLLP-framed captures
 * (0x0B ... 0x1C 0x0D), and FHS/BHS batch files (v2.5.1 section 2.10.3; envelopes are skipped).
 * Every message carries its byte offset and 1-based index. Bytes that belong to no message are
 * reported as garbage with their offset and skipped: never fatal to the rest.
 * Pure: works on Uint8Array; the caller does I/O and charset decoding.
 *
 * Linear time, bounded memory (docs/decisions/013-bounded-readers.md): each byte is examined
 * once per line-end search (positions kept across the chunk, never rescanned), a line that spans
 * chunks keeps only its first bytes plus, when it belongs to a message, the message's bytes (in
 * one buffer that grows by doubling), and the size cap applies as bytes arrive, mid-line: an
 * oversized message stops being stored at once and is reported, with its full length, where it
 * ends (the next message, envelope or non-segment line: the resync point).
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

const CR = 13;
const LF = 10;
const VT = 0x0b;
const FS = 0x1c;
const EMPTY = new Uint8Array(0);
/** Bytes of a line kept for its classification and preview: a BOM plus 40 characters. */
const HEAD = 43;
const PREVIEW = 40;

/** What a line is; decided from its first four bytes after an optional BOM (or its end). */
const K_MSH = 1;
const K_CONT = 2;
const K_BLANK = 3;
const K_GARBAGE = 4;
const K_ENVELOPE = 5;
type Kind = 1 | 2 | 3 | 4 | 5;

/** State of the line under way when a chunk ends inside it. */
const S_NONE = 0; // at a line start
const S_HEAD = 1; // too few bytes yet to classify
const S_MSG = 2; // stored into the open message
const S_SKIP = 3; // part of an oversized message: counted, not stored
const S_BLANK = 4; // blank so far
const S_GARBAGE = 5;
const S_ENVELOPE = 6;
type LineState = 0 | 1 | 2 | 3 | 4 | 5 | 6;

function isUpper(b: number | undefined): boolean {
  return b !== undefined && b >= 65 && b <= 90;
}
function isUpperOrDigit(b: number | undefined): boolean {
  return b !== undefined && ((b >= 65 && b <= 90) || (b >= 48 && b <= 57));
}
function isBlankByte(x: number): boolean {
  return x === 32 || x === 9 || x === 0;
}
function isEnd(x: number): boolean {
  return x === CR || x === LF || x === VT || x === FS;
}

/** Printable form of up to 40 bytes; `toLineEnd` stops at the first line end. */
function preview(bytes: Uint8Array, start: number, end: number, toLineEnd = false): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + PREVIEW); i++) {
    const b = bytes[i]!;
    if (toLineEnd && isEnd(b)) break;
    s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Length of a BOM at bytes[s, e) (a UTF-8 BOM may start a file or a message). */
function bomAt(bytes: Uint8Array, s: number, e: number): number {
  return e - s >= 3 && bytes[s] === 0xef && bytes[s + 1] === 0xbb && bytes[s + 2] === 0xbf ? 3 : 0;
}

export class MessageSplitter {
  readonly stats: SplitterStats = { scanned: 0, copied: 0 };
  private readonly opts: SplitterOptions;
  private readonly max: number;
  private index = 0;
  private fieldSep = 0;

  /** The chunk being pushed (only during push) and the stream offset of its first byte. */
  private buf: Uint8Array = EMPTY;
  private base = 0;
  /** Next CR, LF, VT, FS at or after the last search start in buf (buf.length: none). */
  private nCr = -1;
  private nLf = -1;
  private nVt = -1;
  private nFs = -1;

  /** The line under way across chunks: state, stream offset, bytes so far, first bytes. */
  private state: LineState = S_NONE;
  private lineStart = 0;
  private lineLen = 0;
  private head = new Uint8Array(HEAD);
  private headLen = 0;
  /** Bytes of the line before its content (a BOM), and where a message line's bytes start. */
  private lineSkip = 0;
  private lineFrom = 0;

  /** The open message: stream offsets of its start and of the end of its last line. */
  private msgOpen = false;
  private msgOffset = 0;
  private msgEnd = 0;
  /** Bytes the message would hand over so far (lines plus CR each). */
  private msgBytes = 0;
  private oversized = false;
  private oversizedPreview = '';
  private oversizedPreviewPending = false;
  /** Its bytes from earlier chunks, already normalized (segment lines joined by CR). */
  private acc: Uint8Array = EMPTY;
  private accLen = 0;
  /** Its lines in the current chunk, buf[runStart, runEnd): clean = lines separated by CR alone. */
  private runStart = -1;
  private runEnd = -1;
  private runClean = true;
  /** Stream offset of the end of the last message handed over. */
  private lastMessageEnd = 0;

  /** A run of garbage lines not yet reported. */
  private garbageStart = -1;
  private garbageLen = 0;
  private garbagePreview = '';
  /** The run's preview is to be taken from the line under way once it is complete. */
  private garbagePreviewPending = false;

  constructor(opts: SplitterOptions) {
    this.opts = opts;
    this.max = opts.maxMessageBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes held between chunks (the open message and the first bytes of the line under way). */
  get bufferedBytes(): number {
    return this.acc.length + this.head.length;
  }

  /**
   * Bytes since the last message handed over (or the stream start) that belong to no message
   * under way within the cap: garbage, blank runs, an oversized message. A reader of a source
   * that may never end (a device, a pipe) stops when this passes its limit.
   */
  get bytesWithoutMessage(): number {
    const since = this.msgOpen && !this.oversized ? this.msgOffset : this.base;
    return Math.max(0, since - this.lastMessageEnd);
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    this.buf = chunk;
    this.nCr = this.nLf = this.nVt = this.nFs = -1;
    let p = 0;
    if (this.state !== S_NONE) {
      const end = this.lineEnd(0);
      this.continueLine(0, end, end < n);
      p = end + 1;
    }
    while (p < n) {
      const end = this.lineEnd(p);
      if (end === n) {
        this.beginLine(p);
        this.continueLine(p, n, false);
        break;
      }
      if (end > p) this.wholeLine(p, end);
      p = end + 1;
    }
    // The caller may reuse its chunk: the open message's lines in it are copied now.
    if (this.runStart >= 0) this.commitRun();
    this.base += n;
    this.buf = EMPTY;
  }

  end(): void {
    if (this.state !== S_NONE) this.continueLine(0, 0, true);
    this.flushMessage();
    this.flushGarbage();
  }

  /** Index in buf of the next line end at or after p (CR, LF, VT or FS), or buf.length. */
  private lineEnd(p: number): number {
    if (this.nCr < p) this.nCr = this.find(CR, p);
    if (this.nLf < p) this.nLf = this.find(LF, p);
    if (this.nVt < p) this.nVt = this.find(VT, p);
    if (this.nFs < p) this.nFs = this.find(FS, p);
    return Math.min(this.nCr, this.nLf, this.nVt, this.nFs);
  }

  private find(byte: number, p: number): number {
    const n = this.buf.length;
    const i = this.buf.indexOf(byte, p);
    const at = i === -1 ? n : i;
    this.stats.scanned += (at < n ? at + 1 : n) - p;
    return at;
  }

  /**
   * What a line is, from its content bytes b[s, e) known so far (`complete`: the line ends at
   * e). Undefined while more bytes are needed (fewer than four, the line going on).
   */
  private kindOf(b: Uint8Array, s: number, e: number, complete: boolean): Kind | undefined {
    const len = e - s;
    if (len < 4 && !complete) return undefined;
    if (len === 0) return K_BLANK;
    const a = b[s]!;
    if (isBlankByte(a)) return K_BLANK;
    const b1 = len > 1 ? b[s + 1] : undefined;
    const c = len > 2 ? b[s + 2] : undefined;
    const sep = len > 3 ? b[s + 3] : undefined;
    if (a === 77 && b1 === 83 && c === 72 && sep !== undefined && !isUpperOrDigit(sep))
      return K_MSH;
    const shaped =
      isUpper(a) &&
      isUpperOrDigit(b1) &&
      isUpperOrDigit(c) &&
      (sep === undefined || sep === this.fieldSep || (this.fieldSep === 0 && !isUpperOrDigit(sep)));
    // FHS/BHS/FTS/BTS batch envelope (v2.5.1 2.10.3).
    if (shaped && (a === 70 || a === 66) && (b1 === 72 || b1 === 84) && c === 83) return K_ENVELOPE;
    return shaped && this.msgOpen ? K_CONT : K_GARBAGE;
  }

  /** A line wholly inside the chunk: the hot path, classified and taken straight from buf. */
  private wholeLine(ls: number, le: number): void {
    const buf = this.buf;
    const s = ls + bomAt(buf, ls, le);
    switch (this.kindOf(buf, s, le, true)) {
      case K_MSH:
        this.openMessage(buf[s + 3]!, this.base + s);
        this.messageLine(s, le);
        return;
      case K_CONT:
        if (this.oversized) this.msgEnd = this.base + le;
        else this.messageLine(ls, le);
        return;
      case K_ENVELOPE:
        this.envelope(le - s >= 4 ? buf[s + 3] : undefined);
        return;
      case K_BLANK: {
        // Whitespace-only lines (and stray NULs) between and inside messages carry nothing,
        // unless longer than the cap: then they are reported like any non-segment line.
        let i = s;
        while (i < le && isBlankByte(buf[i]!)) i++;
        this.stats.scanned += i - s;
        if (i === le && le - s <= this.max) return;
        break;
      }
    }
    // Not part of any message.
    this.flushMessage();
    this.garbage(this.base + s, this.base + le);
    if (this.garbagePreviewPending) {
      this.garbagePreview = preview(buf, s, le);
      this.garbagePreviewPending = false;
    }
  }

  /** A line of the open message, wholly in buf: added to the chunk's run of message lines. */
  private messageLine(from: number, le: number): void {
    const first = this.msgBytes === 0;
    this.msgEnd = this.base + le;
    this.msgBytes += le - from + 1;
    if (this.msgBytes > this.max) {
      this.overflow(first ? from : -2);
      return;
    }
    if (this.runStart < 0) {
      this.runStart = from;
      this.runClean = true;
    } else if (from !== this.runEnd + 1 || this.buf[this.runEnd] !== CR) this.runClean = false;
    this.runEnd = le;
  }

  /** A line that starts at buf[ls] and goes on past the chunk. */
  private beginLine(ls: number): void {
    this.state = S_HEAD;
    this.lineStart = this.base + ls;
    this.lineLen = 0;
    this.headLen = 0;
  }

  /** The part buf[from, end) of the line under way; `complete` when the line ends at end. */
  private continueLine(from: number, end: number, complete: boolean): void {
    const buf = this.buf;
    const prev = this.lineLen;
    this.lineLen += end - from;
    // Keep the line's first bytes: its classification and preview need them.
    const take = Math.min(HEAD - this.headLen, end - from);
    if (take > 0) {
      this.head.set(buf.subarray(from, from + take), this.headLen);
      this.headLen += take;
    }
    // Where this part's own bytes start for the line's state (bytes before the chunk are in
    // head when the line was still being classified).
    let p = from;
    if (this.state === S_HEAD) {
      if (!this.classify(prev, complete)) return;
      // The content (after a BOM) may start inside this part. (classify changed the state.)
      const start = (this.state as LineState) === S_MSG ? this.lineFrom : this.lineSkip;
      p = from + Math.max(0, start - prev);
    }
    switch (this.state) {
      case S_MSG:
        this.storePart(p, end, complete);
        break;
      case S_BLANK: {
        let i = p;
        while (i < end && isBlankByte(buf[i]!)) i++;
        this.stats.scanned += i - p;
        if (i < end || this.lineLen - this.lineSkip > this.max) this.toGarbage();
        break;
      }
    }
    if (!complete) return;
    switch (this.state) {
      case S_SKIP:
        this.msgEnd = this.base + end;
        if (this.oversizedPreviewPending) {
          this.oversizedPreview = preview(this.head, this.lineFrom, this.headLen, true);
          this.oversizedPreviewPending = false;
        }
        break;
      case S_GARBAGE:
        this.garbageLen = this.base + end - this.garbageStart;
        if (this.garbagePreviewPending) {
          this.garbagePreview = preview(this.head, this.lineSkip, this.headLen);
          this.garbagePreviewPending = false;
        }
        break;
    }
    this.state = S_NONE;
  }

  /**
   * Classify the line under way from head; false while it needs more bytes. The `prev` bytes
   * before this chunk are all in head (a line is classified within its first 7 bytes).
   */
  private classify(prev: number, complete: boolean): boolean {
    const h = this.head;
    const n = this.headLen;
    // A BOM may be coming: wait for its third byte.
    if (!complete && n < 3 && h[0] === 0xef && (n < 2 || h[1] === 0xbb)) return false;
    const s = bomAt(h, 0, n);
    const k = this.kindOf(h, s, n, complete && this.lineLen === n);
    if (k === undefined) return false;
    this.lineSkip = s;
    switch (k) {
      case K_MSH:
        this.openMessage(h[s + 3]!, this.lineStart + s);
        this.enterMessageLine(s, prev);
        return true;
      case K_CONT:
        if (this.oversized) this.state = S_SKIP;
        else this.enterMessageLine(0, prev);
        return true;
      case K_ENVELOPE:
        this.envelope(n - s >= 4 ? h[s + 3] : undefined);
        this.state = S_ENVELOPE;
        return true;
      case K_BLANK: {
        this.state = S_BLANK;
        // Its bytes from earlier chunks; this chunk's are checked by the caller.
        let i = s;
        while (i < prev && isBlankByte(h[i]!)) i++;
        if (i < prev) this.toGarbage();
        return true;
      }
      default:
        this.state = S_BLANK;
        this.toGarbage();
        return true;
    }
  }

  /** The line under way belongs to the open message from its byte `from`; store what came. */
  private enterMessageLine(from: number, prev: number): void {
    this.state = S_MSG;
    this.lineFrom = from;
    if (from < prev) this.storeBytes(this.head, from, prev);
  }

  /** Store part of a message line that spans chunks (into acc), capped as bytes arrive. */
  private storePart(p: number, end: number, complete: boolean): void {
    const lineBytes = this.lineLen - this.lineFrom;
    if (this.msgBytes + lineBytes + (complete ? 1 : 0) > this.max) {
      this.overflow(this.msgBytes === 0 ? -1 : -2);
      if (complete) this.msgEnd = this.base + end;
      this.state = S_SKIP;
      return;
    }
    if (this.runStart >= 0) this.commitRun();
    this.storeBytes(this.buf, p, end);
    if (complete) {
      this.acc[this.accLen++] = CR;
      this.msgBytes += lineBytes + 1;
      this.msgEnd = this.base + end;
    }
  }

  /** Append src[from, to) to acc (with room for the CR that ends the line). */
  private storeBytes(src: Uint8Array, from: number, to: number): void {
    this.reserve(this.accLen + (to - from) + 1);
    this.acc.set(src.subarray(from, to), this.accLen);
    this.accLen += to - from;
    this.stats.copied += to - from;
  }

  private reserve(need: number): void {
    if (need <= this.acc.length) return;
    // Doubling keeps appends linear; never beyond what a message within the cap needs.
    const size = Math.min(Math.max(need, this.acc.length * 2, 4096), Math.max(need, this.max + 1));
    const next = new Uint8Array(size);
    next.set(this.acc.subarray(0, this.accLen));
    this.stats.copied += this.accLen;
    this.acc = next;
  }

  /** Move the chunk's run of message lines into acc (normalized). */
  private commitRun(): void {
    const src = this.buf.subarray(this.runStart, this.runEnd);
    this.runStart = -1;
    this.reserve(this.accLen + src.length + 1);
    this.accLen = this.normalize(src, this.acc, this.accLen);
  }

  /** Copy segment lines of src into dst at `at`, each ended by CR; returns the new end. */
  private normalize(src: Uint8Array, dst: Uint8Array, at: number): number {
    this.stats.copied += src.length + 1;
    if (this.runClean) {
      dst.set(src, at);
      dst[at + src.length] = CR;
      return at + src.length + 1;
    }
    // Inner blank lines (as the splitter defines them) are dropped, other lines kept as they are.
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

  private openMessage(sep: number, offset: number): void {
    this.flushMessage();
    this.flushGarbage();
    this.fieldSep = sep;
    this.msgOpen = true;
    this.msgOffset = offset;
    this.msgEnd = offset;
    this.msgBytes = 0;
    this.oversized = false;
  }

  private envelope(sep: number | undefined): void {
    // FHS/BHS/FTS/BTS: close the message, skip the envelope.
    this.flushMessage();
    this.flushGarbage();
    if (sep !== undefined && !isUpperOrDigit(sep)) this.fieldSep = sep;
  }

  /**
   * The open message passed the cap: drop what is held of it (memory stays bounded) and skip
   * the rest of it. The report shows its MSH line's first bytes: `mshAt` is where that line
   * starts in buf when wholly there, -1 when it is the line under way (taken from head when it
   * ends), -2 when it ended earlier (first in acc, or in the chunk's run).
   */
  private overflow(mshAt: number): void {
    if (mshAt >= 0) this.oversizedPreview = preview(this.buf, mshAt, this.buf.length, true);
    else if (mshAt === -1) this.oversizedPreviewPending = true;
    else if (this.accLen > 0) this.oversizedPreview = preview(this.acc, 0, this.accLen, true);
    else this.oversizedPreview = preview(this.buf, this.runStart, this.runEnd, true);
    this.oversized = true;
    this.runStart = -1;
    this.accLen = 0;
    this.acc = EMPTY;
  }

  /** The line under way turned out not to be blank (or is a blank line over the cap). */
  private toGarbage(): void {
    this.state = S_GARBAGE;
    this.flushMessage();
    this.garbage(this.lineStart + this.lineSkip, this.lineStart + this.lineLen);
  }

  private flushMessage(): void {
    if (!this.msgOpen) return;
    this.msgOpen = false;
    if (this.oversized) {
      this.oversized = false;
      this.opts.onGarbage?.({
        offset: this.msgOffset,
        length: this.msgEnd - this.msgOffset,
        preview: this.oversizedPreview,
        reason: 'oversized',
      });
      return;
    }
    let out: Uint8Array;
    if (this.accLen === 0 && this.runStart >= 0) {
      // The whole message is in this chunk: one copy, normalized on the way.
      const src = this.buf.subarray(this.runStart, this.runEnd);
      out = new Uint8Array(src.length + 1);
      out = out.subarray(0, this.normalize(src, out, 0));
      this.runStart = -1;
    } else {
      if (this.runStart >= 0) this.commitRun();
      if (this.accLen > 1 << 20) {
        // A large message keeps the buffer it was gathered in (no second copy of it).
        out = this.acc.subarray(0, this.accLen);
        this.acc = EMPTY;
      } else {
        out = this.acc.slice(0, this.accLen);
        this.stats.copied += this.accLen;
      }
      this.accLen = 0;
    }
    // Past the line end that closed its last line (if the stream has one).
    this.lastMessageEnd = this.msgEnd + 1;
    this.index++;
    this.opts.onMessage({ bytes: out, offset: this.msgOffset, index: this.index });
  }

  /** A non-segment line at stream offsets [start, end): joins the run before it or starts one. */
  private garbage(start: number, end: number): void {
    if (this.garbageStart >= 0 && start <= this.garbageStart + this.garbageLen + 2) {
      this.garbageLen = end - this.garbageStart;
      return;
    }
    this.flushGarbage();
    this.garbageStart = start;
    this.garbageLen = end - start;
    this.garbagePreviewPending = true;
  }

  private flushGarbage(): void {
    if (this.garbageStart < 0) return;
    if (this.garbagePreviewPending) {
      this.garbagePreview = preview(this.head, this.lineSkip, this.headLen);
      this.garbagePreviewPending = false;
    }
    this.opts.onGarbage?.({
      offset: this.garbageStart,
      length: this.garbageLen,
      preview: this.garbagePreview,
      reason: 'not-a-segment',
    });
    this.garbageStart = -1;
    this.garbageLen = 0;
  }
}
