/**
 * BoundedMap's semantics (bound, least recently written key evicted first, reads do not
 * refresh) for keys made of several message values (patient, order, code...), without building
 * or keeping key strings: the caller hashes the parts (PartsHash) and the map holds the two
 * hashes in typed arrays. Building a joined key per lookup, and keeping it, was the largest cost
 * of the per-observation state: V8 hashes and compares such concatenated strings slowly, and
 * each kept key is one more object promoted out of the young generation.
 * A false match needs both hashes (62 bits) to collide: with 200,000 keys, about one chance in
 * 10^7 per million lookups.
 */

/**
 * A copy of `s` that does not keep its message alive. V8 keeps a substring of 13 or more
 * characters as a slice of the whole decoded message, and a string built with `+` as a tree of
 * its parts: a map key or value kept across messages would pin a ~1 KB message text per entry.
 * Shorter strings are always copies already.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/** Hash of a key's parts, in two independent 32-bit hashes (multiply, xor-shift mixes). */
export class PartsHash {
  h1 = 0;
  h2 = 0;

  /** Start a new key. */
  reset(): this {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x9747b28c;
    return this;
  }

  /** Continue from a state read earlier (h1, h2): a prefix shared by several keys. */
  from(h1: number, h2: number): this {
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** Add a part (undefined counts as empty), followed by a separator. */
  add(s: string | undefined): this {
    let h1 = this.h1;
    let h2 = this.h2;
    if (s !== undefined) {
      // Two UTF-16 code units per step.
      const n = s.length;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const c = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h1 ^= h1 >>> 15;
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
        h2 ^= h2 >>> 13;
      }
      if (i < n) {
        const c = s.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h1 ^= h1 >>> 15;
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
        h2 ^= h2 >>> 13;
      }
    }
    // The separator (with the length), so ("ab", "c") and ("a", "bc") differ.
    const sep = 0x1f0000 ^ (s === undefined ? 0 : s.length);
    h1 = Math.imul(h1 ^ sep, 0x01000193);
    this.h1 = h1 ^ (h1 >>> 15);
    h2 = Math.imul(h2 ^ sep, 0x5bd1e995);
    this.h2 = h2 ^ (h2 >>> 13);
    return this;
  }

  /** The first hash as a small integer (a Map key that needs no allocation). */
  get key(): number {
    return this.h1 & 0x3fffffff;
  }
}

const CACHE_KEY = new PartsHash();

/**
 * A cache of values computed from short message strings (timestamps, units, ranges). V8 hashes
 * each freshly cut substring through its runtime; here a lookup is a JS hash of the text, a
 * small-integer Map probe and one string compare. Two texts with the same hash simply replace
 * each other (it is a cache). Cleared when full.
 */
export class StringCache<V> {
  private readonly map = new Map<number, { text: string; value: V }>();
  private readonly max: number;
  private readonly make: (text: string) => V;

  /** `make` computes the value of a text not in the cache (it gets a kept copy of the text). */
  constructor(max: number, make: (text: string) => V) {
    this.max = max;
    this.make = make;
  }

  get(text: string): V {
    const key = CACHE_KEY.reset().add(text).key;
    const hit = this.map.get(key);
    if (hit !== undefined && hit.text === text) return hit.value;
    if (this.map.size >= this.max) this.map.clear();
    const kept = detach(text);
    const value = this.make(kept);
    this.map.set(key, { text: kept, value });
    return value;
  }
}

export class HashedMap<V> {
  readonly max: number;
  evicted = 0;
  /** First hash -> first slot with it (a chain through `next`). */
  private readonly heads = new Map<number, number>();
  private k1 = new Int32Array(0);
  private k2 = new Int32Array(0);
  private next = new Int32Array(0);
  /** Stamp of the slot's last write; -1 when free. */
  private stamps = new Float64Array(0);
  private values: (V | undefined)[] = [];
  private free: number[] = [];
  private used = 0;
  private clock = 0;
  // Write order: (slot, stamp) pairs in [head, qLen); an item whose stamp is not its slot's is
  // stale. Typed arrays, compacted in place: no allocation per write.
  private qSlots = new Int32Array(256);
  private qStamps = new Float64Array(256);
  private qLen = 0;
  private head = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get size(): number {
    return this.used - this.free.length;
  }

  /** The slot of a key, or -1. */
  find(k: PartsHash): number {
    let s = this.heads.get(k.key) ?? -1;
    const h2 = k.h2;
    while (s >= 0 && this.k2[s] !== h2) s = this.next[s]!;
    return s;
  }

  get(k: PartsHash): V | undefined {
    const s = this.find(k);
    return s < 0 ? undefined : this.values[s];
  }

  value(slot: number): V {
    return this.values[slot]!;
  }

  /** Mark a slot as just written (its value was changed in place). */
  touch(slot: number): void {
    this.stamp(slot);
  }

  /** Add a key that is not in the map; returns its slot (a small integer, reused once freed). */
  add(k: PartsHash, value: V): number {
    if (this.size >= this.max) this.evictOldest();
    let s = this.free.pop();
    if (s === undefined) {
      if (this.used === this.k1.length) this.grow();
      s = this.used++;
    }
    const h1 = k.key;
    this.k1[s] = h1;
    this.k2[s] = k.h2;
    this.next[s] = this.heads.get(h1) ?? -1;
    this.heads.set(h1, s);
    this.values[s] = value;
    this.stamp(s);
    return s;
  }

  /** Set a key (refreshing it when present). */
  set(k: PartsHash, value: V): void {
    const s = this.find(k);
    if (s < 0) this.add(k, value);
    else {
      this.values[s] = value;
      this.stamp(s);
    }
  }

  delete(k: PartsHash): boolean {
    const s = this.find(k);
    if (s < 0) return false;
    this.remove(s);
    return true;
  }

  /** Values from the least to the most recently written. */
  *valuesInOrder(): IterableIterator<V> {
    for (let i = this.head; i < this.qLen; i++) {
      const s = this.qSlots[i]!;
      if (this.stamps[s] === this.qStamps[i]) yield this.values[s]!;
    }
  }

  private stamp(s: number): void {
    const t = ++this.clock;
    this.stamps[s] = t;
    const live = this.qLen - this.head;
    if (live > 2 * this.size + 1024 || (this.head > 1024 && this.head > live)) this.compact();
    if (this.qLen === this.qSlots.length) this.growQueue();
    this.qSlots[this.qLen] = s;
    this.qStamps[this.qLen++] = t;
  }

  private remove(s: number): void {
    const h1 = this.k1[s]!;
    const first = this.heads.get(h1)!;
    if (first === s) {
      if (this.next[s]! >= 0) this.heads.set(h1, this.next[s]!);
      else this.heads.delete(h1);
    } else {
      let p = first;
      while (this.next[p] !== s) p = this.next[p]!;
      this.next[p] = this.next[s]!;
    }
    this.stamps[s] = -1;
    this.values[s] = undefined;
    this.free.push(s);
  }

  private evictOldest(): void {
    for (; this.head < this.qLen; this.head++) {
      const s = this.qSlots[this.head]!;
      if (this.stamps[s] !== this.qStamps[this.head]) continue;
      this.head++;
      this.remove(s);
      this.evicted++;
      return;
    }
  }

  /** Drop stale queue items, in place (order kept, no new arrays). */
  private compact(): void {
    const slots = this.qSlots;
    const stamps = this.qStamps;
    let j = 0;
    for (let i = this.head; i < this.qLen; i++) {
      const s = slots[i]!;
      if (this.stamps[s] !== stamps[i]) continue;
      slots[j] = s;
      stamps[j++] = stamps[i]!;
    }
    this.qLen = j;
    this.head = 0;
  }

  private growQueue(): void {
    const slots = new Int32Array(this.qSlots.length * 2);
    slots.set(this.qSlots);
    this.qSlots = slots;
    const stamps = new Float64Array(this.qStamps.length * 2);
    stamps.set(this.qStamps);
    this.qStamps = stamps;
  }

  private grow(): void {
    const cap = Math.max(64, this.k1.length * 2);
    const more = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.k1 = more(this.k1, new Int32Array(cap));
    this.k2 = more(this.k2, new Int32Array(cap));
    this.next = more(this.next, new Int32Array(cap));
    this.stamps = more(this.stamps, new Float64Array(cap));
  }
}
