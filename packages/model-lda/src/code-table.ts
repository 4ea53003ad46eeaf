import { fmix32 } from '@sightline/core';

/**
 * Word codes to dense ids: an open-addressing hash table on typed arrays, keyed by integers below 2^53 (a
 * featurizer's numeric word codes, see `Featurizer.codes`). A day has hundreds of millions of tokens but only
 * thousands of distinct words; looking a code up here costs a few multiplications and no allocation, where
 * building the word's string and hashing it in a Map cost most of a fit's preparation.
 */
export class CodeTable {
  #hi: Uint32Array;
  #lo: Uint32Array;
  /** id + 1; 0 marks an empty slot. */
  #value: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#value = new Int32Array(n);
    this.#mask = n - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The id stored for `code`, or -1. */
  get(code: number): number {
    const lo = code >>> 0;
    const hi = (code - lo) / 4294967296;
    const mask = this.#mask;
    let slot = slotOf(hi, lo) & mask;
    for (;;) {
      const v = this.#value[slot]!;
      if (v === 0) return -1;
      if (this.#lo[slot] === lo && this.#hi[slot] === hi) return v - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Stores `id` (≥ 0) for `code` (which must not be in the table yet). */
  set(code: number, id: number): void {
    if ((this.#size + 1) * 2 > this.#value.length) this.#grow();
    const lo = code >>> 0;
    this.#insert((code - lo) / 4294967296, lo, id + 1);
    this.#size++;
  }

  #insert(hi: number, lo: number, value: number): void {
    const mask = this.#mask;
    let slot = slotOf(hi, lo) & mask;
    while (this.#value[slot] !== 0) slot = (slot + 1) & mask;
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
    this.#value[slot] = value;
  }

  #grow(): void {
    const hi = this.#hi;
    const lo = this.#lo;
    const value = this.#value;
    const n = value.length * 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#value = new Int32Array(n);
    this.#mask = n - 1;
    for (let i = 0; i < value.length; i++) if (value[i] !== 0) this.#insert(hi[i]!, lo[i]!, value[i]!);
  }
}

/** A mix of the code's two halves (murmur3's finaliser), so codes differing in any bit spread over the slots. */
function slotOf(hi: number, lo: number): number {
  return fmix32(Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b) ^ lo) >>> 0;
}
