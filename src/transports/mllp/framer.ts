/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, MLLP release 2: start block 0x0B,
 * end block 0x1C followed by carriage return 0x0D).
 * Handles frames split anywhere across reads, many frames in one read, junk or NULs between
 * frames, a new start block inside an unfinished frame, and frames over a size cap (discarded
 * while memory stays bounded). Bytes outside frames are reported, never silently kept.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export interface FramerEvents {
  onFrame: (payload: Buffer) => void;
  /** Bytes outside any frame (whitespace alone is ignored). */
  onJunk?: (bytes: number, preview: string) => void;
  /** A frame grew past the cap and was discarded. */
  onOversize?: (bytes: number) => void;
  /** A start block arrived before the previous frame ended: the partial frame was dropped. */
  onTruncated?: (bytes: number) => void;
}

function printable(buf: Buffer): string {
  let s = '';
  for (const b of buf.subarray(0, 32)) s += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
  return s;
}

export class MllpFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private discarding = false;
  /** The previous chunk ended with FS: the CR may come in the next read. */
  private pendingFs = false;
  private readonly max: number;

  constructor(
    private readonly events: FramerEvents,
    maxFrameBytes = 16 * 1024 * 1024,
  ) {
    this.max = maxFrameBytes;
  }

  /** True while part of a frame has been received but not its end. */
  get partial(): boolean {
    return this.inFrame || this.pendingFs;
  }

  get bufferedBytes(): number {
    return this.size;
  }

  push(data: Buffer): void {
    let pos = 0;
    const n = data.length;
    if (this.pendingFs) {
      this.pendingFs = false;
      this.finishFrame();
      if (data[0] === CR) pos = 1;
    }
    while (pos < n) {
      if (!this.inFrame) {
        const start = data.indexOf(VT, pos);
        const junkEnd = start === -1 ? n : start;
        if (junkEnd > pos) this.junk(data.subarray(pos, junkEnd));
        if (start === -1) return;
        this.inFrame = true;
        this.discarding = false;
        this.chunks = [];
        this.size = 0;
        pos = start + 1;
        continue;
      }
      const fs = data.indexOf(FS, pos);
      const vt = data.indexOf(VT, pos);
      if (vt !== -1 && (fs === -1 || vt < fs)) {
        // A new frame starts before this one ended: the sender gave up on it.
        this.take(data.subarray(pos, vt));
        this.events.onTruncated?.(this.size);
        this.inFrame = false;
        this.chunks = [];
        this.size = 0;
        pos = vt;
        continue;
      }
      if (fs === -1) {
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
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
    return had;
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.size += part.length;
      return;
    }
    if (this.size + part.length > this.max) {
      // Keep counting but stop storing: memory stays bounded by the cap.
      this.discarding = true;
      this.chunks = [];
      this.size += part.length;
      return;
    }
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
  }

  private finishFrame(): void {
    this.inFrame = false;
    if (this.discarding) {
      this.events.onOversize?.(this.size);
    } else {
      const payload =
        this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      this.events.onFrame(payload);
    }
    this.discarding = false;
    this.chunks = [];
    this.size = 0;
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
