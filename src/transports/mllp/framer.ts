/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, MLLP release 2: start block 0x0B,
 * end block 0x1C followed by carriage return 0x0D).
 * Handles frames split anywhere across reads, many frames in one read, junk or NULs between
 * frames, a new start block inside an unfinished frame, and frames over a size cap (discarded
 * while memory stays bounded). Bytes outside frames are reported, never silently kept.
 * Linear: each read is searched once per block byte (the next start and end block positions
 * are kept while walking it), whatever it holds. Unfinished frames can draw on a budget shared
 * by many framers (a listener's connections): a frame that would pass it is discarded like an
 * oversized one (docs/decisions/013-bounded-readers.md).
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export interface FramerEvents {
  onFrame: (payload: Buffer) => void;
  /** Bytes outside any frame (whitespace alone is ignored). */
  onJunk?: (bytes: number, preview: string) => void;
  /**
   * A frame was discarded, reported at its end block: it grew past the frame cap, or storing
   * it would have passed the shared budget of unfinished frames.
   */
  onOversize?: (bytes: number, reason: 'cap' | 'budget') => void;
  /** The shared budget refused this frame's bytes (reported at once; the frame is discarded). */
  onBudget?: (heldBytes: number) => void;
  /** A start block arrived before the previous frame ended: the partial frame was dropped. */
  onTruncated?: (bytes: number) => void;
}

function printable(buf: Buffer): string {
  let s = '';
  for (const b of buf.subarray(0, 32)) s += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
  return s;
}

/** Bytes of unfinished frames held, shared by the framers of a listener's connections. */
export class FrameBudget {
  used = 0;
  constructor(readonly max: number) {}

  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used -= n;
  }
}

export class MllpFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes of `chunks` (taken from the budget, when there is one). */
  private stored = 0;
  private inFrame = false;
  private discarding: false | 'cap' | 'budget' = false;
  /** The previous chunk ended with FS: the CR may come in the next read. */
  private pendingFs = false;
  private readonly max: number;

  constructor(
    private readonly events: FramerEvents,
    maxFrameBytes = 16 * 1024 * 1024,
    private readonly budget?: FrameBudget,
  ) {
    this.max = maxFrameBytes;
  }

  /** True while part of a frame has been received but not its end. */
  get partial(): boolean {
    return this.inFrame || this.pendingFs;
  }

  /** Bytes of the frame under way, counted also once discarded. */
  get bufferedBytes(): number {
    return this.size;
  }

  /** Bytes of the frame under way actually held (within the cap and the budget). */
  get storedBytes(): number {
    return this.stored;
  }

  push(data: Buffer): void {
    let pos = 0;
    const n = data.length;
    // Nothing read says nothing (not even that a CR does not follow a pending end block).
    if (n === 0) return;
    if (this.pendingFs) {
      this.pendingFs = false;
      this.finishFrame();
      if (data[0] === CR) pos = 1;
    }
    // Next start and end block at or after pos (n: none in this read), searched again only
    // once passed: a read full of start blocks, or of frames, is walked once, not per frame.
    let vt = -1;
    let fs = -1;
    while (pos < n) {
      if (vt < pos) {
        vt = data.indexOf(VT, pos);
        if (vt === -1) vt = n;
      }
      if (!this.inFrame) {
        if (vt > pos) this.junk(data.subarray(pos, vt));
        if (vt === n) return;
        this.drop();
        this.inFrame = true;
        pos = vt + 1;
        continue;
      }
      if (fs < pos) {
        fs = data.indexOf(FS, pos);
        if (fs === -1) fs = n;
      }
      if (vt < fs) {
        // A new frame starts before this one ended: the sender gave up on it.
        this.take(data.subarray(pos, vt));
        this.events.onTruncated?.(this.size);
        this.drop();
        this.inFrame = false;
        pos = vt;
        continue;
      }
      if (fs === n) {
        this.take(data.subarray(pos));
        return;
      }
      if (this.size === 0 && !this.discarding && fs + 1 < n && fs - pos <= this.max) {
        // The whole frame is in this read: hand over a view of it, no copy (the read's buffer
        // is not reused by the socket).
        this.inFrame = false;
        this.events.onFrame(data.subarray(pos, fs));
        pos = data[fs + 1] === CR ? fs + 2 : fs + 1;
        continue;
      }
      this.take(data.subarray(pos, fs));
      if (fs + 1 >= n) {
        this.pendingFs = true;
        return;
      }
      this.finishFrame();
      // MLLP r2 requires CR after FS; tolerate its absence rather than lose the message.
      pos = data[fs + 1] === CR ? fs + 2 : fs + 1;
    }
  }

  /** Drop a partial frame (idle deadline, connection end). Returns its size. */
  reset(): number {
    const had = this.inFrame ? this.size : 0;
    this.inFrame = false;
    this.pendingFs = false;
    this.drop();
    return had;
  }

  /** Forget the frame under way, giving its stored bytes back to the budget. */
  private drop(): void {
    this.budget?.give(this.stored);
    this.stored = 0;
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.size += part.length;
      return;
    }
    let refused: false | 'cap' | 'budget' = false;
    if (this.size + part.length > this.max) refused = 'cap';
    else if (this.budget && !this.budget.take(part.length)) refused = 'budget';
    if (refused) {
      // Keep counting but stop storing: memory stays bounded by the cap and the budget.
      this.budget?.give(this.stored);
      if (refused === 'budget') this.events.onBudget?.(this.budget!.used);
      this.stored = 0;
      this.discarding = refused;
      this.chunks = [];
      this.size += part.length;
      return;
    }
    // A part that is most of its read is kept as a view (a socket read's buffer is its own and
    // not reused): copying every read of a long frame doubled the memory it passes through.
    // A small part is copied, so it does not pin a whole read's buffer.
    this.chunks.push(part.length * 2 >= part.buffer.byteLength ? part : Buffer.from(part));
    this.size += part.length;
    this.stored += part.length;
  }

  private finishFrame(): void {
    this.inFrame = false;
    if (this.discarding) {
      this.events.onOversize?.(this.size, this.discarding);
    } else {
      const payload =
        this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      this.events.onFrame(payload);
    }
    this.drop();
  }

  private junk(bytes: Buffer): void {
    for (const b of bytes) {
      if (b !== CR && b !== 10 && b !== 32 && b !== 9 && b !== 0) {
        this.events.onJunk?.(bytes.length, printable(bytes));
        return;
      }
    }
    // Whitespace and NULs between frames: keep-alives and padding, nothing to report.
  }
}

export function frame(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  body.copy(out, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}

/** MLLP-framed text (start block, text, end block, CR), for a socket to encode as UTF-8. */
export function frameText(text: string): string {
  return `\x0b${text}\x1c\r`;
}
