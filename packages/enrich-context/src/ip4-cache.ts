import type { Cached, MISS } from './lookup-cache.js';

/**
 * A bounded cache of lookup answers keyed by an IPv4 address as a number, for the lookups that stay costly
 * after parsing (a MaxMind tree walk and record decode). Two-way set-associative over typed arrays: an
 * address hashes to a set of two slots; a hit in the second slot swaps it to the first, a new answer goes in
 * the first and moves the first to the second, dropping what was there. So a hit is a multiply, two compares
 * and no string hashing, memory is fixed at start (2 × the capacity rounded up to a power of two), and of
 * two addresses competing for a set the more recently used one stays.
 */
export class Ip4Cache<V> {
  readonly #keys: Uint32Array;
  readonly #vals: (V | typeof MISS | undefined)[];
  readonly #shift: number;
  hits = 0;
  misses = 0;

  /** `capacity`: sets (pairs of slots); rounded up to a power of two, at least 2. */
  constructor(capacity: number) {
    const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, capacity))));
    this.#shift = 32 - bits;
    this.#keys = new Uint32Array(2 << bits);
    this.#vals = new Array<V | typeof MISS | undefined>(2 << bits).fill(undefined);
  }

  /** The set an address goes to (0 … capacity - 1). */
  setOf(ip: number): number {
    return Math.imul(ip, 0x9e3779b1) >>> this.#shift;
  }

  /** The cached answer, `MISS` for a cached miss, `undefined` when not cached. */
  get(ip: number): Cached<V> {
    const i = (Math.imul(ip, 0x9e3779b1) >>> this.#shift) << 1;
    const keys = this.#keys;
    const vals = this.#vals;
    if (keys[i] === ip) {
      const v = vals[i];
      if (v !== undefined) {
        this.hits++;
        return v;
      }
    }
    if (keys[i + 1] === ip) {
      const v = vals[i + 1];
      if (v !== undefined) {
        this.hits++;
        vals[i + 1] = vals[i];
        keys[i + 1] = keys[i]!;
        vals[i] = v;
        keys[i] = ip;
        return v;
      }
    }
    this.misses++;
    return undefined;
  }

  /** Stores an answer for an address that `get` just missed. */
  set(ip: number, value: V | typeof MISS): void {
    const i = (Math.imul(ip, 0x9e3779b1) >>> this.#shift) << 1;
    const keys = this.#keys;
    const vals = this.#vals;
    keys[i + 1] = keys[i]!;
    vals[i + 1] = vals[i];
    keys[i] = ip;
    vals[i] = value;
  }

  get size(): number {
    let n = 0;
    for (const v of this.#vals) if (v !== undefined) n++;
    return n;
  }
}
