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

import {
  CR,
  EMPTY,
  GarbageRun,
  HEAD,
  HeldBytes,
  K_BLANK,
  K_CONT,
  K_ENVELOPE,
  K_MSH,
  LineEnds,
  bomAt,
  isBlankByte,
  isUpperOrDigit,
  lineKind,
  normalizeLines,
  preview,
  type SplitterOptions,
  type SplitterStats,
} from './split-lines.js';

export type { Garbage, RawMessage, SplitterOptions, SplitterStats } from './split-lines.js';

/** State of the line under way when a chunk ends inside it. */
const S_NONE = 0; // at a line start
const S_HEAD = 1; // too few bytes yet to classify
const S_MSG = 2; // stored into the open message
const S_SKIP = 3; // part of an oversized message: counted, not stored
const S_BLANK = 4; // blank so far
const S_GARBAGE = 5;
const S_ENVELOPE = 6;
type LineState = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export class MessageSplitter {
  readonly stats: SplitterStats = { scanned: 0, copied: 0 };
  private readonly opts: SplitterOptions;
  private readonly max: number;
  private index = 0;
  private fieldSep = 0;

  /** The chunk being pushed (only during push) and the stream offset of its first byte. */
  private buf: Uint8Array = EMPTY;
  private base = 0;
  /** Line ends in buf, each searched once. */
  private readonly ends: LineEnds;

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
  private readonly held: HeldBytes;
  /** Its lines in the current chunk, buf[runStart, runEnd): clean = lines separated by CR alone. */
  private runStart = -1;
  private runEnd = -1;
  private runClean = true;
  /** Stream offset of the end of the last message handed over. */
  private lastMessageEnd = 0;

  /** A run of garbage lines not yet reported. */
  private readonly garbage: GarbageRun;
  /** The preview of the line under way, from its first bytes (after a BOM). */
  private readonly headPreview = () => preview(this.head, this.lineSkip, this.headLen);

  constructor(opts: SplitterOptions) {
    this.opts = opts;
    this.max = opts.maxMessageBytes ?? 64 * 1024 * 1024;
    this.garbage = new GarbageRun(opts.onGarbage);
    this.held = new HeldBytes(this.stats, this.max);
    this.ends = new LineEnds(this.stats);
  }

  /** Bytes held between chunks (the open message and the first bytes of the line under way). */
  get bufferedBytes(): number {
    return this.held.capacity + this.head.length;
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
    this.ends.reset(chunk);
    let p = 0;
    if (this.state !== S_NONE) {
      const end = this.ends.next(0);
      this.continueLine(0, end, end < n);
      p = end + 1;
    }
    while (p < n) {
      const end = this.ends.next(p);
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
    this.garbage.flush(this.headPreview);
  }

  /** A line wholly inside the chunk: the hot path, classified and taken straight from buf. */
  private wholeLine(ls: number, le: number): void {
    const buf = this.buf;
    const s = ls + bomAt(buf, ls, le);
    switch (lineKind(buf, s, le, true, this.fieldSep, this.msgOpen)) {
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
    this.garbage.add(this.base + s, this.base + le, this.headPreview);
    if (this.garbage.previewPending) this.garbage.setPreview(preview(buf, s, le));
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
        this.garbage.extendTo(this.base + end);
        if (this.garbage.previewPending) this.garbage.setPreview(this.headPreview());
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
    const k = lineKind(h, s, n, complete && this.lineLen === n, this.fieldSep, this.msgOpen);
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
    if (from < prev) this.held.append(this.head, from, prev);
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
    this.held.append(this.buf, p, end);
    if (complete) {
      this.held.endLine();
      this.msgBytes += lineBytes + 1;
      this.msgEnd = this.base + end;
    }
  }

  /** Move the chunk's run of message lines into acc (normalized). */
  private commitRun(): void {
    const src = this.buf.subarray(this.runStart, this.runEnd);
    this.runStart = -1;
    this.held.appendLines(src, this.runClean);
  }

  private openMessage(sep: number, offset: number): void {
    this.flushMessage();
    this.garbage.flush(this.headPreview);
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
    this.garbage.flush(this.headPreview);
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
    else if (this.held.length > 0) this.oversizedPreview = this.held.preview();
    else this.oversizedPreview = preview(this.buf, this.runStart, this.runEnd, true);
    this.oversized = true;
    this.runStart = -1;
    this.held.drop();
  }

  /** The line under way turned out not to be blank (or is a blank line over the cap). */
  private toGarbage(): void {
    this.state = S_GARBAGE;
    this.flushMessage();
    this.garbage.add(
      this.lineStart + this.lineSkip,
      this.lineStart + this.lineLen,
      this.headPreview,
    );
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
    if (this.held.length === 0 && this.runStart >= 0) {
      // The whole message is in this chunk: one copy, normalized on the way.
      const src = this.buf.subarray(this.runStart, this.runEnd);
      out = new Uint8Array(src.length + 1);
      this.stats.copied += src.length + 1;
      out = out.subarray(0, normalizeLines(src, out, 0, this.runClean));
      this.runStart = -1;
    } else {
      if (this.runStart >= 0) this.commitRun();
      out = this.held.take();
    }
    // Past the line end that closed its last line (if the stream has one).
    this.lastMessageEnd = this.msgEnd + 1;
    this.index++;
    this.opts.onMessage({ bytes: out, offset: this.msgOffset, index: this.index });
  }
}
