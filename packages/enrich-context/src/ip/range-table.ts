import type { Network } from './network.js';

/** An entry of a range table: a network and the id of what it maps to (an index into the caller's data). */
export interface RangeEntry {
  readonly net: Network;
  readonly id: number;
}

/**
 * `most-specific`: an address maps to the smallest range that holds it (longest-prefix match; of two equal
 * ranges the later entry wins). `all`: an address maps to every range that holds it (threat intel: a /32 and
 * the /16 around it are two hits).
 */
export type RangeMode = 'most-specific' | 'all';

const NONE = -1;
const EMPTY_IDS: readonly number[] = [];

/** Below this many IPv4 intervals a plain binary search is as quick as the /16 index, which costs 256 KiB. */
const INDEX_MIN = 64;

/**
 * Addresses to entry ids by binary search over sorted, disjoint intervals kept in typed arrays (IPv4: one
 * 32-bit start per interval; IPv6: four words). Overlapping and nested input ranges are flattened once when
 * the table is built, so a lookup is O(log n) whatever the nesting, and memory is a few bytes per range.
 * A large IPv4 table also has an index by the top 16 bits (the first interval starting in each /16), so a
 * lookup searches only the few intervals of its /16 instead of the whole table.
 */
export class RangeTable {
  readonly #s4: Uint32Array;
  readonly #v4: Int32Array;
  readonly #idx4: Uint32Array | undefined;
  readonly #s6: Uint32Array;
  readonly #v6: Int32Array;
  readonly #lists: readonly (readonly number[])[];
  readonly #singles = new Map<number, readonly number[]>();
  /** Number of input ranges. */
  readonly size: number;

  private constructor(s4: Uint32Array, v4: Int32Array, s6: Uint32Array, v6: Int32Array, lists: readonly (readonly number[])[], size: number) {
    this.#s4 = s4;
    this.#v4 = v4;
    this.#idx4 = s4.length < INDEX_MIN ? undefined : index16(s4);
    this.#s6 = s6;
    this.#v6 = v6;
    this.#lists = lists;
    this.size = size;
  }

  /**
   * One table answering for several: its intervals are the union of theirs, and the value of each is
   * `combine(values)`, `values[k]` being what `tables[k]` answers there (-1 for nothing). Every address gets
   * a value, even one no table holds (`combine` of all -1), so callers can precompute one answer per
   * combination and look an address up once instead of once per table.
   */
  static combine(tables: readonly RangeTable[], combine: (values: readonly number[]) => number): RangeTable {
    const values = new Array<number>(tables.length).fill(NONE);
    // IPv4: every start of every table, plus 0.
    const set4 = new Set<number>([0]);
    for (const t of tables) for (const x of t.#s4) set4.add(x);
    const all4 = Uint32Array.from(set4).sort();
    const s4: number[] = [];
    const v4: number[] = [];
    for (const x of all4) {
      for (let k = 0; k < tables.length; k++) values[k] = tables[k]!.lookup4(x);
      const v = combine(values);
      if (v4.length === 0 || v4[v4.length - 1] !== v) {
        s4.push(x);
        v4.push(v);
      }
    }
    // IPv6: the same over four-word starts, plus ::.
    const set6 = new Map<string, Uint32Array>([['0,0,0,0', new Uint32Array(4)]]);
    for (const t of tables) {
      for (let i = 0; i < t.#s6.length; i += 4) {
        const w = t.#s6.slice(i, i + 4);
        set6.set(w.join(','), w);
      }
    }
    const all6 = [...set6.values()].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]! || a[3]! - b[3]!);
    const s6: number[] = [];
    const v6: number[] = [];
    for (const w of all6) {
      for (let k = 0; k < tables.length; k++) values[k] = tables[k]!.lookup6(w);
      const v = combine(values);
      if (v6.length === 0 || v6[v6.length - 1] !== v) {
        s6.push(w[0]!, w[1]!, w[2]!, w[3]!);
        v6.push(v);
      }
    }
    const size = tables.reduce((n, t) => n + t.size, 0);
    return new RangeTable(Uint32Array.from(s4), Int32Array.from(v4), Uint32Array.from(s6), Int32Array.from(v6), [], size);
  }

  static empty(): RangeTable {
    return new RangeTable(new Uint32Array(0), new Int32Array(0), new Uint32Array(0), new Int32Array(0), [], 0);
  }

  static build(entries: readonly RangeEntry[], mode: RangeMode): RangeTable {
    const lists: number[][] = [];
    const interned = new Map<string, number>();
    const v4 = entries.filter((e) => e.net.family === 4);
    const v6 = entries.filter((e) => e.net.family === 6);
    const a = sweep<number>(v4, { max: 2 ** 32 - 1, next: (x) => x + 1, sub: (x, y) => x - y }, mode, lists, interned);
    const b = sweep<bigint>(v6, { max: (1n << 128n) - 1n, next: (x) => x + 1n, sub: (x, y) => x - y }, mode, lists, interned);
    const s6 = new Uint32Array(b.starts.length * 4);
    b.starts.forEach((s, i) => {
      s6[i * 4] = Number((s >> 96n) & 0xffffffffn);
      s6[i * 4 + 1] = Number((s >> 64n) & 0xffffffffn);
      s6[i * 4 + 2] = Number((s >> 32n) & 0xffffffffn);
      s6[i * 4 + 3] = Number(s & 0xffffffffn);
    });
    return new RangeTable(Uint32Array.from(a.starts), Int32Array.from(a.vals), s6, Int32Array.from(b.vals), lists, entries.length);
  }

  /** Value for an IPv4 address (unsigned 32-bit): an entry id (most-specific), a value for `ids` (all), or -1. */
  lookup4(ip: number): number {
    const s = this.#s4;
    const idx = this.#idx4;
    let lo: number;
    let hi: number;
    if (idx === undefined) {
      lo = 0;
      hi = s.length - 1;
    } else {
      // the intervals starting in ip's /16; the one before them starts below it, so below ip
      const top = ip >>> 16;
      lo = idx[top]!;
      hi = idx[top + 1]! - 1;
    }
    let r = lo - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= ip) {
        r = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return r < 0 ? NONE : this.#v4[r]!;
  }

  /** Value for an IPv6 address given as four 32-bit words. */
  lookup6(w: Uint32Array): number {
    const s = this.#s6;
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    let lo = 0;
    let hi = s.length / 4 - 1;
    let r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const o = mid * 4;
      const a = s[o]!;
      let le: boolean;
      if (a !== w0) le = a < w0;
      else if (s[o + 1] !== w1) le = s[o + 1]! < w1;
      else if (s[o + 2] !== w2) le = s[o + 2]! < w2;
      else le = s[o + 3]! <= w3;
      if (le) {
        r = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return r < 0 ? NONE : this.#v6[r]!;
  }

  /** Entry ids behind a looked-up value (mode `all`; in `most-specific` mode the value is the id itself). */
  ids(value: number): readonly number[] {
    if (value === NONE) return EMPTY_IDS;
    if (value >= 0) {
      // one shared array per id that was ever hit, so a hit allocates nothing the second time
      let one = this.#singles.get(value);
      if (one === undefined) this.#singles.set(value, (one = [value]));
      return one;
    }
    return this.#lists[-2 - value] ?? EMPTY_IDS;
  }

  /** Bytes held by the typed arrays (for reports). */
  get bytes(): number {
    return this.#s4.byteLength + this.#v4.byteLength + (this.#idx4?.byteLength ?? 0) + this.#s6.byteLength + this.#v6.byteLength;
  }
}

/** `idx[p]` = the first interval starting at or above p << 16 (65,537 entries, the last = s.length). */
function index16(s: Uint32Array): Uint32Array {
  const idx = new Uint32Array(65537);
  let i = 0;
  for (let p = 0; p <= 65536; p++) {
    const bound = p * 65536;
    while (i < s.length && s[i]! < bound) i++;
    idx[p] = i;
  }
  return idx;
}

/** Entry indices below this pack into a double beside a 32-bit key (2^32 · 2^21 = 2^53). */
const PACK = 2 ** 21;

/**
 * `indices` ordered by `key[index]`, ties by index. IPv4 keys (below 2^32) are packed with the index into one
 * double and sorted natively: for a feed of a million addresses that is ~10x quicker than a comparator sort,
 * and the sort runs in one piece while the pipeline waits on a reload. IPv6 (bigint) keys use the comparator.
 */
function sortedByKey<K extends number | bigint>(indices: number[], key: readonly K[]): number[] {
  if (key.length <= PACK && (key.length === 0 || typeof key[0] === 'number')) {
    const packed = new Float64Array(indices.length);
    for (let m = 0; m < indices.length; m++) {
      const i = indices[m]!;
      packed[m] = (key[i] as number) * PACK + i;
    }
    packed.sort();
    for (let m = 0; m < indices.length; m++) indices[m] = packed[m]! % PACK;
    return indices;
  }
  return indices.sort((i, j) => (key[i]! < key[j]! ? -1 : key[i]! > key[j]! ? 1 : i - j));
}

function sweep<K extends number | bigint>(
  entries: readonly RangeEntry[],
  ops: { readonly max: K; next(x: K): K; sub(x: K, y: K): K },
  mode: RangeMode,
  lists: number[][],
  interned: Map<string, number>,
): { starts: K[]; vals: number[] } {
  const n = entries.length;
  const starts: K[] = [];
  const vals: number[] = [];
  if (n === 0) return { starts, vals };
  const start = entries.map((e) => e.net.start as K);
  const end = entries.map((e) => e.net.end as K);
  const byStart = sortedByKey(Array.from({ length: n }, (_, i) => i), start);
  const endKey = end.map((e) => (e < ops.max ? ops.next(e) : e));
  const ending = sortedByKey(
    Array.from({ length: n }, (_, i) => i).filter((i) => end[i]! < ops.max),
    endKey,
  );
  const span = entries.map((_, k) => ops.sub(end[k]!, start[k]!));
  const active = new Set<number>();
  let i = 0;
  let j = 0;
  let last = NONE;
  const valueOf = (): number => {
    if (active.size === 0) return NONE;
    if (mode === 'most-specific') {
      let best = -1;
      for (const k of active) {
        if (best < 0 || span[k]! < span[best]! || (span[k] === span[best] && k > best)) best = k;
      }
      return entries[best]!.id;
    }
    if (active.size === 1) {
      for (const k of active) return entries[k]!.id;
    }
    const ids = [...active].map((k) => entries[k]!.id).sort((x, y) => x - y);
    const key = ids.join(',');
    let li = interned.get(key);
    if (li === undefined) {
      li = lists.length;
      lists.push(ids);
      interned.set(key, li);
    }
    return -2 - li;
  };
  // the keys in sweep order, read front to back (not through the index arrays: a million random reads)
  const starting = byStart.map((k) => start[k]!);
  const ended = ending.map((k) => endKey[k]!);
  while (i < n || j < ending.length) {
    const ns = i < n ? starting[i]! : undefined;
    const ne = j < ending.length ? ended[j]! : undefined;
    const pos = (ns === undefined ? ne : ne === undefined ? ns : ns < ne ? ns : ne) as K;
    while (j < ending.length && ended[j] === pos) active.delete(ending[j++]!);
    while (i < n && starting[i] === pos) active.add(byStart[i++]!);
    const v = valueOf();
    if (v !== last) {
      starts.push(pos);
      vals.push(v);
      last = v;
    }
  }
  return { starts, vals };
}
