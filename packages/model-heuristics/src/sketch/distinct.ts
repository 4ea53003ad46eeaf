import { hash32 } from './hash.js';

const P = 10;
const M = 1 << P;
const ALPHA = 0.7213 / (1 + 1.079 / M);

/**
 * How many distinct values were added: exact (a set of 32-bit hashes) up to `cap` values, then a HyperLogLog
 * of 1,024 registers (about 3 % error, 1 KiB) so that memory stays bounded however many values come. `exact`
 * says which it is, so evidence can say "about".
 */
export class DistinctCounter {
  #set: Set<number> | undefined = new Set();
  #registers: Uint8Array | undefined;
  readonly #cap: number;

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(value: string): void {
    this.addHash(hash32(value));
  }

  addHash(h: number): void {
    const set = this.#set;
    if (set !== undefined) {
      set.add(h);
      if (set.size > this.#cap) this.#spill(set);
      return;
    }
    this.#register(h);
  }

  has(value: string): boolean {
    return this.#set?.has(hash32(value)) ?? false;
  }

  get exact(): boolean {
    return this.#set !== undefined;
  }

  get count(): number {
    if (this.#set !== undefined) return this.#set.size;
    const r = this.#registers!;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -r[i]!;
      if (r[i] === 0) zeros++;
    }
    const estimate = (ALPHA * M * M) / sum;
    // Small-range correction (linear counting), as in the HyperLogLog paper.
    return Math.round(estimate <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : estimate);
  }

  /** Approximate heap bytes held (for the memory-per-host figures). */
  get bytes(): number {
    return this.#set !== undefined ? 64 + this.#set.size * 20 : 64 + M;
  }

  #spill(set: Set<number>): void {
    this.#registers = new Uint8Array(M);
    for (const h of set) this.#register(h);
    this.#set = undefined;
  }

  #register(h: number): void {
    const index = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    const r = this.#registers!;
    if (rank > r[index]!) r[index] = rank;
  }
}
