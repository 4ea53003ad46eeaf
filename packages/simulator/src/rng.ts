/**
 * Seeded randomness. xoshiro128** (public-domain algorithm by Blackman and Vigna): fast, 128 bits of state, good
 * statistical quality; every simulation draw comes from streams seeded from the run's seed, so the same seed
 * gives byte-identical outputs.
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number, stream = 0) {
    // splitmix32 to spread the seed and stream id over the state.
    let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next() | 1;
  }

  /** Next 32 random bits. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponentially distributed with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Log-normal with the given median and spread (sigma of the underlying normal). */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  normal(): number {
    const u = Math.max(1e-12, this.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson-distributed count with mean `lambda`. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }

  /** Random lower-case letters and digits. */
  token(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Draws indexes 0..n-1 with probability proportional to 1/(rank+1)^s (Zipf), in O(1) per draw (Walker's alias
 * method). Popularity of sites, destinations and user agents follows this shape.
 */
export class Zipf {
  readonly #prob: Float64Array;
  readonly #alias: Uint32Array;
  readonly n: number;

  constructor(n: number, s = 1) {
    this.n = n;
    const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
    const total = w.reduce((a, b) => a + b, 0);
    const scaled = w.map((x) => (x * n) / total);
    this.#prob = new Float64Array(n);
    this.#alias = new Uint32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const l = small.pop()!;
      const g = large.pop()!;
      this.#prob[l] = scaled[l]!;
      this.#alias[l] = g;
      scaled[g] = scaled[g]! + scaled[l]! - 1;
      (scaled[g]! < 1 ? small : large).push(g);
    }
    for (const i of [...small, ...large]) this.#prob[i] = 1;
  }

  draw(rng: Rng): number {
    const i = Math.floor(rng.next() * this.n);
    return rng.next() < this.#prob[i]! ? i : this.#alias[i]!;
  }

  /** The probability of index i (for realism checks). */
  static probability(i: number, n: number, s = 1): number {
    let total = 0;
    for (let k = 0; k < n; k++) total += 1 / (k + 1) ** s;
    return 1 / (i + 1) ** s / total;
  }
}
