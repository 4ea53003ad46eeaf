import { fmix32 } from '@sightline/core';
import { CodeTable } from './code-table.js';

/** A Uint32Array that grows by doubling: (document, word) ids of a day are kept at 4 bytes each, not as objects. */
export class GrowableU32 {
  #data: Uint32Array;
  #length = 0;

  constructor(capacity = 1024) {
    this.#data = new Uint32Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const next = new Uint32Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = value;
  }

  /** The values pushed so far (a view; valid until the next push). */
  view(): Uint32Array {
    return this.#data.subarray(0, this.#length);
  }
}

/** Interns strings to dense ids in first-seen order. */
export class Interner {
  readonly #index = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string): number {
    let id = this.#index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.#index.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  get(value: string): number | undefined {
    return this.#index.get(value);
  }

  get size(): number {
    return this.values.length;
  }
}

/**
 * The 32-bit value of an IPv4 address written as a canonical dotted quad (no leading zeros, no spaces), or -1
 * for any other text. Canonical text and value map one to one, so either can key the same document.
 */
export function canonicalIpv4(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || (digits === 1 && part === 0)) return -1;
    part = part * 10 + d;
    if (part > 255) return -1;
    digits++;
  }
  return dots === 3 && digits > 0 ? v * 256 + part : -1;
}

/**
 * Documents (host addresses) to dense ids in first-seen order, as `Interner`, with canonical IPv4 text looked up
 * by its value in a typed-array table: with hundreds of thousands of hosts, a string Map's buckets, entries and
 * key strings miss in cache on every look-up, and most documents are IPv4 addresses. Other text (IPv6, names)
 * goes through `Interner`'s Map. The ids are the ones `Interner` would give.
 */
export class DocInterner extends Interner {
  readonly #v4 = new CodeTable(1024);

  override id(value: string): number {
    const v = canonicalIpv4(value);
    if (v < 0) return super.id(value);
    let id = this.#v4.get(v);
    if (id < 0) {
      id = this.values.length;
      this.values.push(value);
      this.#v4.set(v, id);
    }
    return id;
  }

  override get(value: string): number | undefined {
    const v = canonicalIpv4(value);
    if (v < 0) return super.get(value);
    const id = this.#v4.get(v);
    return id < 0 ? undefined : id;
  }

  /** An index over documents already numbered (a fitted state's `docs`). */
  static of(docs: readonly string[]): DocInterner {
    const index = new DocInterner();
    for (const d of docs) index.id(d);
    return index;
  }
}

/**
 * 32-bit FNV-1a of an event id with the seed: with `tokenHash` it decides whether a token is in the training
 * sample. Being a function of the event alone (and the seed), the sample does not depend on the order in which
 * the window's events arrive. Computed once per event, whatever its number of (document, word) pairs.
 */
export function eventHash(eventId: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** The hash of the event's `pair`-th (document, word) pair: `eventHash` with the pair's index, avalanched. */
export function tokenHash(eventHash: number, pair: number): number {
  return fmix32(Math.imul(eventHash ^ (pair + 1), 0x01000193)) >>> 0;
}

/**
 * Sampling rate of a host's tokens: every token of a host with at most `minPerHost`, else the larger of the
 * global rate and the rate that keeps `minPerHost` of them (host-stratified: quiet hosts are not sampled away).
 */
export function hostRate(docLength: number, globalRate: number, minPerHost: number): number {
  if (globalRate >= 1 || docLength <= minPerHost) return 1;
  return Math.max(globalRate, minPerHost / docLength);
}

/** Whether a token with this hash is in the training sample of a host sampled at `rate`. */
export function inSample(hash: number, rate: number): boolean {
  return rate >= 1 || hash < rate * 4294967296;
}

/**
 * How many tokens each host keeps at least: `minPerHost`, or less when keeping that many of every host would
 * already exceed the budget (a day of 500,000 hosts at 200 tokens each is 100M tokens): then the largest m with
 * Σ min(n_d, m) ≤ budget / 2, so at least half the budget is left to sample the busy hosts in proportion.
 */
export function hostFloor(docLengths: Uint32Array, budget: number, minPerHost: number): number {
  const kept = (m: number): number => {
    let sum = 0;
    for (let d = 0; d < docLengths.length; d++) sum += Math.min(docLengths[d]!, m);
    return sum;
  };
  if (kept(minPerHost) <= budget / 2) return minPerHost;
  let lo = 0;
  let hi = minPerHost;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (kept(mid) <= budget / 2) lo = mid;
    else hi = mid;
  }
  return Math.max(1, lo);
}

/**
 * The global rate that brings `docLengths` down to about `budget` tokens once every host keeps at least
 * `minPerHost` (see `hostFloor`): the solution of Σ min(n_d, max(r·n_d, minPerHost)) = budget, by bisection.
 */
export function globalRate(docLengths: Uint32Array, budget: number, minPerHost: number): number {
  let total = 0;
  for (let d = 0; d < docLengths.length; d++) total += docLengths[d]!;
  if (total <= budget) return 1;
  const expected = (r: number): number => {
    let sum = 0;
    for (let d = 0; d < docLengths.length; d++) sum += docLengths[d]! * hostRate(docLengths[d]!, r, minPerHost);
    return sum;
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) > budget) hi = mid;
    else lo = mid;
  }
  return Math.max(lo, 1e-9);
}
