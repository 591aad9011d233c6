/**
 * Messages seen so far, by sender + MSH-10, compactly: no string is kept. The key is held as
 * two independent hashes (PartsHash: 62 bits), next to a content hash and where the message
 * was, in typed arrays. A 1 GB capture's control ids thus cost ~50 bytes each and nothing for the
 * garbage collector to trace or promote: kept key strings (promoted out of the young
 * generation, one per message) made this the most expensive rule. Oldest first out at the
 * bound, like BoundedMap (keys are set once).
 */
import * as crypto from 'node:crypto';
import type { PartsHash } from './hashed-map.js';
import type { MessageRef } from './types.js';

/**
 * A 53-bit fingerprint of a message's content, for telling a resend (same content) from a
 * reused control id: only messages with the same sender and MSH-10 are compared, so a false
 * "same" needs two such messages to collide (2^-53). From the framed bytes when the reader has
 * them (splitter output: line endings already normalised to CR), hashed in JS four bytes at a
 * time: twice as fast as Node's SHA-256 and no native call per message. Otherwise from the text
 * with SHA-256, line endings folded.
 */
export function contentHash(text: string, bytes?: Uint8Array): number {
  if (bytes && (bytes.byteOffset & 3) === 0) return wordsHash(bytes);
  const t = text.indexOf('\n') === -1 ? text : text.replace(/[\r\n]+/g, '\r');
  // crypto.hash is missing before Node 20.12 (engines: >= 20).
  const oneShot = crypto.hash as typeof crypto.hash | undefined;
  const h = oneShot
    ? oneShot('sha256', t, 'binary')
    : crypto.createHash('sha256').update(t).digest('binary');
  return (
    ((h.charCodeAt(0) << 16) | (h.charCodeAt(1) << 8) | h.charCodeAt(2)) * 0x1000000 +
    ((h.charCodeAt(3) << 16) | (h.charCodeAt(4) << 8) | h.charCodeAt(5))
  );
}

/** Two multiply/xor-shift lanes over 32-bit words (platform byte order: in-process only). */
function wordsHash(b: Uint8Array): number {
  const n = b.length >> 2;
  const w = new Int32Array(b.buffer, b.byteOffset, n);
  let h1 = 0x811c9dc5 ^ b.length;
  let h2 = 0x9747b28c;
  for (let i = 0; i < n; i++) {
    const c = w[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  for (let i = n << 2; i < b.length; i++) {
    const c = b[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

export interface SeenMessage {
  hash: number;
  at: MessageRef;
}

export class SeenMessages {
  readonly max: number;
  /** Keys forgotten at the bound. */
  evicted = 0;
  /**
   * Open-addressing index (linear probing) of (slot + 1, h1, h2) triples: a lookup reads one
   * place in one typed array, where a JS Map of this size costs several cache misses and a
   * rehash into new garbage at every doubling. Never more than half full.
   */
  private table = new Int32Array(3 * 1024);
  private mask = 1023;
  private h1s = new Int32Array(0);
  private h2s = new Int32Array(0);
  private hashes = new Float64Array(0);
  private indexes = new Float64Array(0);
  private offsets = new Float64Array(0);
  private fileIds = new Int32Array(0);
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private size = 0;
  /** Next slot to reuse once full (the oldest). */
  private oldest = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  /** The earlier message with this key; `controlId` is the caller's (the key includes it). */
  get(k: PartsHash, controlId: string | undefined): SeenMessage | undefined {
    const at = this.position(k.key, k.h2);
    if (this.table[at]! === 0) return undefined;
    const slot = this.table[at]! - 1;
    return {
      hash: this.hashes[slot]!,
      at: {
        file: this.files[this.fileIds[slot]!]!,
        index: this.indexes[slot]!,
        offset: this.offsets[slot]!,
        controlId,
      },
    };
  }

  /** Remember a key not seen before. */
  add(k: PartsHash, hash: number, at: MessageRef): void {
    let slot: number;
    if (this.size < this.max) {
      if (this.size === this.h1s.length) this.grow();
      slot = this.size++;
    } else {
      slot = this.oldest;
      this.oldest = (this.oldest + 1) % this.max;
      this.remove(this.position(this.h1s[slot]!, this.h2s[slot]!));
      this.evicted++;
    }
    const h1 = k.key;
    this.h1s[slot] = h1;
    this.h2s[slot] = k.h2;
    if (2 * this.size > this.mask + 1) this.rehash(2 * (this.mask + 1));
    else this.put(slot, h1, k.h2);
    this.hashes[slot] = hash;
    this.indexes[slot] = at.index;
    this.offsets[slot] = at.offset;
    let file = this.fileIndex.get(at.file);
    if (file === undefined) {
      file = this.files.push(at.file) - 1;
      this.fileIndex.set(at.file, file);
    }
    this.fileIds[slot] = file;
  }

  /** Table offset of the key, or of the empty place where it would go. */
  private position(h1: number, h2: number): number {
    const t = this.table;
    let i = h1 & this.mask;
    for (;;) {
      const at = 3 * i;
      if (t[at] === 0 || (t[at + 1] === h1 && t[at + 2] === h2)) return at;
      i = (i + 1) & this.mask;
    }
  }

  private put(slot: number, h1: number, h2: number): void {
    const at = this.position(h1, h2);
    this.table[at] = slot + 1;
    this.table[at + 1] = h1;
    this.table[at + 2] = h2;
  }

  /** Empty a table place, moving later entries of the probe run back (no tombstones). */
  private remove(at: number): void {
    const t = this.table;
    const mask = this.mask;
    let i = at / 3;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (t[3 * j] === 0) break;
      const home = t[3 * j + 1]! & mask;
      // The entry at j may move to i if its home is not in (i, j] (cyclically).
      if (i <= j ? i < home && home <= j : i < home || home <= j) continue;
      t[3 * i] = t[3 * j]!;
      t[3 * i + 1] = t[3 * j + 1]!;
      t[3 * i + 2] = t[3 * j + 2]!;
      i = j;
    }
    t[3 * i] = 0;
  }

  private rehash(places: number): void {
    this.table = new Int32Array(3 * places);
    this.mask = places - 1;
    for (let s = 0; s < this.size; s++) this.put(s, this.h1s[s]!, this.h2s[s]!);
  }

  private grow(): void {
    const cap = Math.min(this.max, Math.max(1024, this.h1s.length * 2));
    const more = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    const ints = (n: number) => new Int32Array(n);
    const doubles = (n: number) => new Float64Array(n);
    this.h1s = more(this.h1s, ints);
    this.h2s = more(this.h2s, ints);
    this.hashes = more(this.hashes, doubles);
    this.indexes = more(this.indexes, doubles);
    this.offsets = more(this.offsets, doubles);
    this.fileIds = more(this.fileIds, ints);
  }
}
