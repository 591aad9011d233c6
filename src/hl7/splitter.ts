/**
 * Incremental splitter for streams of many HL7 v2 messages, fed byte chunks of any size:
 * one message per file, messages separated by newlines (segments by CR), MLLP-framed captures
 * (0x0B ... 0x1C 0x0D), and FHS/BHS batch files (v2.5.1 section 2.10.3; envelopes are skipped).
 * Every message carries its byte offset and 1-based index. Bytes that belong to no message are
 * reported as garbage with their offset and skipped: never fatal to the rest.
 * Pure: works on Uint8Array; the caller does I/O and charset decoding.
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
  /** A message larger than this is reported as garbage (memory stays bounded). Default 64 MiB. */
  maxMessageBytes?: number;
}

const CR = 13;
const LF = 10;
const VT = 0x0b;
const FS = 0x1c;

function isUpper(b: number | undefined): boolean {
  return b !== undefined && b >= 65 && b <= 90;
}
function isUpperOrDigit(b: number | undefined): boolean {
  return b !== undefined && ((b >= 65 && b <= 90) || (b >= 48 && b <= 57));
}

function preview(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + 40); i++) {
    const b = bytes[i]!;
    s += b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

export class MessageSplitter {
  private readonly opts: SplitterOptions;
  private readonly max: number;
  private carry: Uint8Array = new Uint8Array(0);
  /** Stream offset of carry[0]. */
  private carryOffset = 0;
  /** Current message: start (in the scan buffer) and end of its last segment line, or -1. */
  private msgStart = -1;
  private msgEnd = -1;
  private msgOffset = 0;
  private fieldSep = 0;
  private oversized = false;
  private index = 0;
  private garbageStart = -1;
  private garbageLen = 0;
  private garbagePreview = '';
  private buf: Uint8Array = new Uint8Array(0);

  constructor(opts: SplitterOptions) {
    this.opts = opts;
    this.max = opts.maxMessageBytes ?? 64 * 1024 * 1024;
  }

  push(chunk: Uint8Array): void {
    let buf: Uint8Array;
    if (this.carry.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry, 0);
      buf.set(chunk, this.carry.length);
    }
    this.buf = buf;
    const consumed = this.scan(buf, false);
    // Keep the unterminated tail and the open message (copied: the caller may reuse its chunk).
    let keep = consumed;
    if (this.msgStart >= 0) keep = Math.min(keep, this.msgStart);
    if (this.msgStart >= 0) {
      this.msgStart -= keep;
      this.msgEnd -= keep;
    }
    this.carry = buf.slice(keep);
    this.carryOffset += keep;
  }

  end(): void {
    this.buf = this.carry;
    if (this.carry.length > 0) this.scan(this.carry, true);
    this.flushMessage();
    this.carry = new Uint8Array(0);
    this.flushGarbage();
  }

  /** Returns how many bytes of buf were consumed (complete lines). */
  private scan(buf: Uint8Array, final: boolean): number {
    const n = buf.length;
    // Where the message under way started, continue scanning after its last line.
    let pos = this.msgStart >= 0 ? Math.max(this.msgEnd + 1, this.msgStart) : 0;
    if (this.msgStart < 0 && this.carry.length > 0 && buf !== this.carry) pos = 0;
    const framing = buf.indexOf(VT, pos) !== -1 || buf.indexOf(FS, pos) !== -1;
    let nextCr = buf.indexOf(CR, pos);
    let nextLf = buf.indexOf(LF, pos);
    while (pos < n) {
      let end: number;
      if (framing) {
        end = pos;
        while (end < n) {
          const b = buf[end]!;
          if (b === CR || b === LF || b === VT || b === FS) break;
          end++;
        }
      } else {
        if (nextCr !== -1 && nextCr < pos) nextCr = buf.indexOf(CR, pos);
        if (nextLf !== -1 && nextLf < pos) nextLf = buf.indexOf(LF, pos);
        end =
          nextCr === -1
            ? nextLf === -1
              ? n
              : nextLf
            : nextLf === -1
              ? nextCr
              : Math.min(nextCr, nextLf);
      }
      if (end === n && !final) return pos;
      if (end > pos) this.line(buf, pos, end);
      pos = end < n ? end + 1 : end;
    }
    return pos;
  }

  private line(buf: Uint8Array, start: number, end: number): void {
    let s = start;
    // A UTF-8 BOM may start a file or a message.
    if (buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    const a = buf[s];
    const b = buf[s + 1];
    const c = buf[s + 2];
    const sep = buf[s + 3];
    const streamOffset = this.carryOffset + s;
    if (
      a === 77 &&
      b === 83 &&
      c === 72 &&
      sep !== undefined &&
      s + 3 < end &&
      !isUpperOrDigit(sep)
    ) {
      // MSH: a new message starts.
      this.flushMessage();
      this.flushGarbage();
      this.fieldSep = sep;
      this.msgStart = s;
      this.msgEnd = end;
      this.msgOffset = streamOffset;
      this.oversized = false;
      this.checkSize();
      return;
    }
    // Whitespace-only lines (and stray NULs) between and inside messages carry nothing.
    let allBlank = true;
    for (let i = s; i < end; i++) {
      const x = buf[i]!;
      if (x !== 32 && x !== 9 && x !== 0) {
        allBlank = false;
        break;
      }
    }
    if (allBlank) return;
    const shaped =
      isUpper(a) &&
      isUpperOrDigit(b) &&
      isUpperOrDigit(c) &&
      (s + 3 >= end ||
        sep === this.fieldSep ||
        (this.fieldSep === 0 && sep !== undefined && !isUpperOrDigit(sep)));
    const envelope = shaped && (a === 70 || a === 66) && (b === 72 || b === 84) && c === 83;
    if (envelope) {
      // FHS/BHS/FTS/BTS batch envelope: close the message, skip the envelope.
      this.flushMessage();
      this.flushGarbage();
      if (sep !== undefined && s + 3 < end && !isUpperOrDigit(sep)) this.fieldSep = sep;
      return;
    }
    if (shaped && this.msgStart >= 0) {
      if (!this.oversized) {
        this.msgEnd = end;
        this.checkSize();
      }
      return;
    }
    // Not part of any message.
    this.flushMessage();
    this.garbage(buf, s, end, streamOffset);
  }

  private checkSize(): void {
    if (this.oversized || this.msgEnd - this.msgStart <= this.max) return;
    this.oversized = true;
    this.flushGarbage();
    this.opts.onGarbage?.({
      offset: this.msgOffset,
      length: this.msgEnd - this.msgStart,
      preview: 'MSH…',
      reason: 'oversized',
    });
  }

  private flushMessage(): void {
    if (this.msgStart < 0) return;
    const start = this.msgStart;
    const end = this.msgEnd;
    this.msgStart = -1;
    this.msgEnd = -1;
    if (this.oversized) {
      this.oversized = false;
      return;
    }
    const src = this.buf.subarray(start, end);
    if (src.indexOf(LF) === -1 && src.indexOf(VT) === -1 && src.indexOf(FS) === -1) {
      // Fast path: segments already separated by CR alone.
      const out = new Uint8Array(src.length + 1);
      out.set(src, 0);
      out[src.length] = CR;
      this.index++;
      this.opts.onMessage({ bytes: out, offset: this.msgOffset, index: this.index });
      return;
    }
    // The message's own bytes: segment lines joined by CR (inner blank lines dropped).
    const out = new Uint8Array(src.length + 1);
    let p = 0;
    let lineStart = 0;
    for (let i = 0; i <= src.length; i++) {
      const x = i < src.length ? src[i]! : CR;
      if (x === CR || x === LF || x === VT || x === FS) {
        if (i > lineStart && !isBlank(src, lineStart, i)) {
          out.set(src.subarray(lineStart, i), p);
          p += i - lineStart;
          out[p++] = CR;
        }
        lineStart = i + 1;
      }
    }
    this.index++;
    this.opts.onMessage({ bytes: out.subarray(0, p), offset: this.msgOffset, index: this.index });
  }

  private garbage(buf: Uint8Array, s: number, end: number, offset: number): void {
    if (this.garbageStart >= 0 && offset <= this.garbageStart + this.garbageLen + 2) {
      this.garbageLen = offset + (end - s) - this.garbageStart;
      return;
    }
    this.flushGarbage();
    this.garbageStart = offset;
    this.garbageLen = end - s;
    this.garbagePreview = preview(buf, s, end);
  }

  private flushGarbage(): void {
    if (this.garbageStart < 0) return;
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

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const x = buf[i]!;
    if (x !== 32 && x !== 9 && x !== 0) return false;
  }
  return true;
}
