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
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private msgOffset = 0;
  private fieldSep = 0;
  private oversized = false;
  private index = 0;
  private garbageStart = -1;
  private garbageLen = 0;
  private garbagePreview = '';

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
    const consumed = this.scan(buf, false);
    // Keep only the unterminated tail (copied, so the caller's chunk can be reused).
    this.carry = buf.slice(consumed);
    this.carryOffset += consumed;
  }

  end(): void {
    if (this.carry.length > 0) this.scan(this.carry, true);
    this.carry = new Uint8Array(0);
    this.flushMessage();
    this.flushGarbage();
  }

  /** Returns how many bytes of buf were consumed (complete lines). */
  private scan(buf: Uint8Array, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      let end = pos;
      while (end < n) {
        const b = buf[end]!;
        if (b === CR || b === LF || b === VT || b === FS) break;
        end++;
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
    // Whitespace-only lines (and stray NULs) between messages carry nothing.
    let allBlank = true;
    for (let i = s; i < end; i++) {
      const b = buf[i]!;
      if (b !== 32 && b !== 9 && b !== 0) {
        allBlank = false;
        break;
      }
    }
    if (allBlank) return;
    const streamOffset = this.carryOffset + s;
    const a = buf[s];
    const b = buf[s + 1];
    const c = buf[s + 2];
    const sep = buf[s + 3];
    if (a === 77 && b === 83 && c === 72 && sep !== undefined && !isUpperOrDigit(sep)) {
      // MSH: a new message starts.
      this.flushMessage();
      this.flushGarbage();
      this.fieldSep = sep;
      this.msgOffset = streamOffset;
      this.oversized = false;
      this.append(buf.subarray(s, end));
      return;
    }
    const segmentShaped =
      isUpper(a) &&
      isUpperOrDigit(b) &&
      isUpperOrDigit(c) &&
      (sep === undefined ||
        s + 3 >= end ||
        sep === this.fieldSep ||
        (this.fieldSep === 0 && !isUpperOrDigit(sep)));
    if (
      segmentShaped &&
      (((a === 70 || a === 66) && b === 72 && c === 83) ||
        ((a === 70 || a === 66) && b === 84 && c === 83))
    ) {
      // FHS/BHS/FTS/BTS batch envelope: close the message, skip the envelope.
      this.flushMessage();
      this.flushGarbage();
      if (sep !== undefined && !isUpperOrDigit(sep)) this.fieldSep = sep;
      return;
    }
    if (segmentShaped && this.parts.length > 0 && !this.oversized) {
      this.append(buf.subarray(s, end));
      return;
    }
    if (segmentShaped && this.oversized) return;
    // Not part of any message.
    this.flushMessage();
    this.garbage(buf, s, end, streamOffset, 'not-a-segment');
  }

  private append(seg: Uint8Array): void {
    if (this.partsBytes + seg.length + 1 > this.max) {
      this.oversized = true;
      const total = this.partsBytes + seg.length;
      this.parts = [];
      this.partsBytes = 0;
      this.flushGarbage();
      this.opts.onGarbage?.({
        offset: this.msgOffset,
        length: total,
        preview: 'MSH…',
        reason: 'oversized',
      });
      return;
    }
    this.parts.push(seg.slice());
    this.partsBytes += seg.length + 1;
  }

  private flushMessage(): void {
    if (this.parts.length === 0) return;
    const out = new Uint8Array(this.partsBytes);
    let p = 0;
    for (const part of this.parts) {
      out.set(part, p);
      p += part.length;
      out[p++] = CR;
    }
    this.parts = [];
    this.partsBytes = 0;
    this.index++;
    this.opts.onMessage({ bytes: out, offset: this.msgOffset, index: this.index });
  }

  private garbage(
    buf: Uint8Array,
    s: number,
    end: number,
    offset: number,
    reason: Garbage['reason'],
  ): void {
    if (this.garbageStart >= 0 && offset <= this.garbageStart + this.garbageLen + 2) {
      this.garbageLen = offset + (end - s) - this.garbageStart;
      return;
    }
    this.flushGarbage();
    this.garbageStart = offset;
    this.garbageLen = end - s;
    this.garbagePreview = preview(buf, s, end);
    void reason;
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
