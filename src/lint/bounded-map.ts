/**
 * A Map with a size bound that evicts the least recently written key: the semantics of all
 * per-key lint state (MRN, order, observation, control id), so memory stays flat on any input
 * size: at the bound, the oldest key is forgotten (and counted), never the whole map.
 * Reads do not refresh a key; writes (`set`) and `touch` do. For site rules keyed by one
 * string; the built-in rules use the same semantics with hashed keys (HashedMap), and the
 * engine sums `evicted` of any state object that has one.
 *
 * Recency is kept without moving Map entries (a delete and re-insert per write churns V8's
 * hash table: rehashing made it the largest single cost of lint): each entry carries the stamp
 * of its last write, and a queue lists (entry, stamp) in write order. A queue item whose stamp
 * is no longer its entry's is stale and skipped; the queue is compacted once half stale.
 */
interface Entry<K, V> {
  key: K;
  value: V;
  /** Stamp of the last write; -1 once deleted. */
  stamp: number;
}

export class BoundedMap<K, V> {
  private readonly map = new Map<K, Entry<K, V>>();
  readonly max: number;
  evicted = 0;
  private clock = 0;
  private readonly qEntries: Entry<K, V>[] = [];
  private readonly qStamps: number[] = [];
  private head = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Alias of get (kept for readability where recency clearly does not matter). */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Mark a key as recently used. */
  touch(key: K): void {
    const e = this.map.get(key);
    if (e) this.stamp(e);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    let e = this.map.get(key);
    if (e) {
      e.value = value;
    } else {
      if (this.map.size >= this.max) this.evictOldest();
      e = { key, value, stamp: 0 };
      this.map.set(key, e);
    }
    this.stamp(e);
    return this;
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    e.stamp = -1;
    return this.map.delete(key);
  }

  /** Entries from the least to the most recently written. */
  *entries(): IterableIterator<[K, V]> {
    for (let i = this.head; i < this.qEntries.length; i++) {
      const e = this.qEntries[i]!;
      if (e.stamp === this.qStamps[i]) yield [e.key, e.value];
    }
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  private stamp(e: Entry<K, V>): void {
    e.stamp = ++this.clock;
    this.qEntries.push(e);
    this.qStamps.push(e.stamp);
    const live = this.qEntries.length - this.head;
    if (live > 2 * this.map.size + 1024 || (this.head > 1024 && this.head > live)) this.compact();
  }

  private evictOldest(): void {
    for (; this.head < this.qEntries.length; this.head++) {
      const e = this.qEntries[this.head]!;
      if (e.stamp !== this.qStamps[this.head]) continue;
      this.map.delete(e.key);
      e.stamp = -1;
      this.evicted++;
      this.head++;
      return;
    }
  }

  /** Drop stale queue items, in place (order kept, no new arrays). */
  private compact(): void {
    const entries = this.qEntries;
    const stamps = this.qStamps;
    let j = 0;
    for (let i = this.head; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.stamp !== stamps[i]) continue;
      entries[j] = e;
      stamps[j++] = stamps[i]!;
    }
    entries.length = j;
    stamps.length = j;
    this.head = 0;
  }
}
