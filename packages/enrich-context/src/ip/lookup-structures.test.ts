import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { Ip4Cache } from '../ip4-cache.js';
import { MISS } from '../lookup-cache.js';
import { type Network, parseNetwork } from './network.js';
import { IPV4, IpParser, formatV4, formatV6 } from './parse-ip.js';
import { type RangeEntry, RangeTable } from './range-table.js';

const p = new IpParser();
const net = (t: string): Network => {
  const n = parseNetwork(t);
  if (typeof n === 'string') throw new Error(n);
  return n;
};
const ask = (table: RangeTable, ip: string) => (p.parse(ip) === IPV4 ? table.lookup4(p.v4) : table.lookup6(p.v6));

/** The answer by definition: of the ranges holding the address, the smallest, the later of two equal ones. */
function linear(entries: readonly RangeEntry[], ip: string): number {
  const f = p.parse(ip);
  const x = f === IPV4 ? BigInt(p.v4) : (BigInt(p.v6[0]!) << 96n) | (BigInt(p.v6[1]!) << 64n) | (BigInt(p.v6[2]!) << 32n) | BigInt(p.v6[3]!);
  let best = -1;
  let bestSpan = 0n;
  for (const e of entries) {
    if ((e.net.family === 4) !== (f === IPV4)) continue;
    const s = BigInt(e.net.start);
    const t = BigInt(e.net.end);
    if (x < s || x > t) continue;
    if (best < 0 || t - s <= bestSpan) {
      best = e.id;
      bestSpan = t - s;
    }
  }
  return best;
}

/** Random IPv4 ranges clustered in a few /8s (so they nest, overlap and share /16s), some IPv6 ones. */
function randomEntries(seed: number, n: number): { entries: RangeEntry[]; probes: string[] } {
  const rnd = prng(seed);
  const entries: RangeEntry[] = [];
  const probes = ['0.0.0.0', '255.255.255.255', '10.0.0.0', '10.255.255.255', '::', '::ffff:10.1.2.3'];
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.1) {
      const len = 32 + Math.floor(rnd() * 97);
      const text = `2001:db8:${Math.floor(rnd() * 8).toString(16)}::${Math.floor(rnd() * 65536).toString(16)}/${len}`;
      const e = net(text);
      entries.push({ net: e, id: i });
      probes.push(formatV6(e.start as bigint), formatV6(e.end as bigint), formatV6((e.end as bigint) + 1n));
      continue;
    }
    const base = [10, 172, 192][Math.floor(rnd() * 3)]! * 2 ** 24 + Math.floor(rnd() * 2 ** 12) * 2 ** 12;
    const text = rnd() < 0.8 ? `${formatV4(base + Math.floor(rnd() * 4096))}/${16 + Math.floor(rnd() * 17)}` : `${formatV4(base)}-${formatV4(base + Math.floor(rnd() * 200000))}`;
    const e = net(text);
    entries.push({ net: e, id: i });
    const s = e.start as number;
    const t = e.end as number;
    probes.push(formatV4(s), formatV4(t), formatV4(Math.min(2 ** 32 - 1, t + 1)), formatV4(Math.max(0, s - 1)), formatV4(s + Math.floor(rnd() * (t - s + 1))));
    // the edges of the /16 the range starts in, where the index splits the table
    probes.push(formatV4(Math.floor(s / 65536) * 65536), formatV4(Math.floor(s / 65536) * 65536 + 65535));
  }
  return { entries, probes };
}

describe('RangeTable with its /16 index', () => {
  it('answers the longest prefix exactly as a linear scan does, on tables small (no index) and large (indexed)', () => {
    for (const [seed, n] of [
      [1, 20],
      [2, 3000],
    ] as const) {
      const { entries, probes } = randomEntries(seed, n);
      const t = RangeTable.build(entries, 'most-specific');
      for (const ip of probes) expect(ask(t, ip), `${ip} (${n} ranges)`).toBe(linear(entries, ip));
    }
  });

  it('answers every range holding an address in mode all, as a linear scan does, duplicates and 0/255.255.255.255 included', () => {
    const { entries, probes } = randomEntries(3, 3000);
    // the same range twice, ranges touching the ends of the space, and one range holding everything
    entries.push({ net: net('10.0.0.0/8'), id: 3000 }, { net: net('10.0.0.0/8'), id: 3001 }, { net: net('0.0.0.0/1'), id: 3002 });
    entries.push({ net: net('255.255.255.0/24'), id: 3003 }, { net: net('0.0.0.0/0'), id: 3004 }, { net: net('255.255.255.255'), id: 3005 });
    const t = RangeTable.build(entries, 'all');
    const holding = (ip: string): number[] => {
      const f = p.parse(ip);
      const x = f === IPV4 ? BigInt(p.v4) : (BigInt(p.v6[0]!) << 96n) | (BigInt(p.v6[1]!) << 64n) | (BigInt(p.v6[2]!) << 32n) | BigInt(p.v6[3]!);
      return entries.filter((e) => (e.net.family === 4) === (f === IPV4) && x >= BigInt(e.net.start) && x <= BigInt(e.net.end)).map((e) => e.id).sort((a, b) => a - b);
    };
    for (const ip of probes) expect([...t.ids(ask(t, ip))].sort((a, b) => a - b), ip).toEqual(holding(ip));
  });

  it('combines tables into one whose answer at every address is the combination of theirs', () => {
    const a = randomEntries(3, 2000);
    const b = randomEntries(4, 50);
    const c = randomEntries(5, 500);
    const ta = RangeTable.build(a.entries, 'most-specific');
    const tb = RangeTable.build(b.entries, 'most-specific');
    const tc = RangeTable.build(c.entries, 'most-specific');
    const combos: string[] = [];
    const ids = new Map<string, number>();
    const both = RangeTable.combine([ta, tb, tc], (v) => {
      const key = v.join(',');
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = combos.push(key) - 1));
      return id;
    });
    for (const ip of [...a.probes, ...b.probes, ...c.probes, '1.2.3.4', '2001:db9::1']) {
      expect(combos[ask(both, ip)], ip).toBe([ask(ta, ip), ask(tb, ip), ask(tc, ip)].join(','));
    }
  });
});

describe('Ip4Cache', () => {
  it('keeps the two most recently used addresses of a set, caches misses, counts hits and misses, and knows 0.0.0.0', () => {
    const c = new Ip4Cache<string>(4);
    // addresses that land in the same set: search by the cache's own behaviour (a third one evicts)
    expect(c.get(0)).toBeUndefined();
    c.set(0, 'zero');
    expect(c.get(0)).toBe('zero');
    c.set(7, MISS);
    expect(c.get(7)).toBe(MISS);
    expect(c.hits).toBe(2);
    expect(c.misses).toBe(1);
    const sameSet: number[] = [];
    for (let ip = 2; sameSet.length < 2; ip++) if (c.setOf(ip) === c.setOf(1)) sameSet.push(ip);
    const [x, y] = sameSet as [number, number];
    const d = new Ip4Cache<number>(4);
    d.set(1, 1);
    d.set(x, x);
    expect(d.get(1)).toBe(1); // both fit; 1 is now the most recent
    d.set(y, y); // evicts x, the least recent of the set
    expect(d.get(x)).toBeUndefined();
    expect(d.get(1)).toBe(1);
    expect(d.get(y)).toBe(y);
    expect(d.size).toBe(2);
  });

  it('never answers for an address it was not given (random differential against a Map)', () => {
    const rnd = prng(11);
    const c = new Ip4Cache<number>(64);
    const truth = new Map<number, number>();
    for (let i = 0; i < 20000; i++) {
      const ip = Math.floor(rnd() * (rnd() < 0.5 ? 100 : 2 ** 32));
      const v = c.get(ip);
      if (v === undefined) {
        c.set(ip, ip ^ 0x5a5a);
        truth.set(ip, ip ^ 0x5a5a);
      } else {
        expect(v).toBe(truth.get(ip));
      }
    }
    expect(c.hits + c.misses).toBe(20000);
    // a working set smaller than the cache stays in it: a second pass over 100 addresses mostly hits
    const w = new Ip4Cache<number>(256);
    for (let ip = 0; ip < 100; ip++) w.set(ip * 7919, ip);
    let hits = 0;
    for (let ip = 0; ip < 100; ip++) if (w.get(ip * 7919) === ip) hits++;
    expect(hits).toBeGreaterThan(95);
    expect(w.hits).toBe(hits);
  });
});
