/**
 * A Map with a size bound that evicts the oldest key (insertion order). Lint keeps state per
 * key (MRN, order, observation, control id) only in these, so memory stays flat on any input
 * size: at the bound, the oldest key is forgotten (and counted), never the whole map.
 * Reads do not refresh a key (no delete/re-insert per read: that cost a third of lint time);
 * `touch` does, for state where recency matters more than speed.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  readonly max: number;
  evicted = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Alias of get (kept for readability where recency clearly does not matter). */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Mark a key as recently used (Map keeps insertion order: re-insert at the end). */
  touch(key: K): void {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evicted++;
      }
    }
    this.map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}
