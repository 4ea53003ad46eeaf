/**
 * A bounded cache of lookup answers keyed by the value looked up (an address, a name). Two generations: when
 * the young map is full it becomes the old one and the previous old one is dropped, and a hit in the old map
 * is copied into the young one. So memory stays under 2 × capacity entries, the working set stays in, and
 * there is no per-entry bookkeeping on a hit (an LRU list would cost more than the lookups it saves).
 *
 * A miss is cached too (as `MISS`): in real traffic most addresses are not in any list, and they repeat.
 */
export const MISS: unique symbol = Symbol('miss');
export type Cached<V> = V | typeof MISS | undefined;

export class LookupCache<V> {
  #young = new Map<string, V | typeof MISS>();
  #old = new Map<string, V | typeof MISS>();
  readonly #capacity: number;
  hits = 0;
  misses = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The cached answer, `MISS` for a cached miss, `undefined` when not cached. */
  get(key: string): Cached<V> {
    let v = this.#young.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    v = this.#old.get(key);
    if (v !== undefined) {
      this.hits++;
      this.set(key, v);
    } else {
      this.misses++;
    }
    return v;
  }

  set(key: string, value: V | typeof MISS): void {
    if (this.#young.size >= this.#capacity) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  clear(): void {
    this.#young = new Map();
    this.#old = new Map();
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
