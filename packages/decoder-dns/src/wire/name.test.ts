import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { encodeMessage, rdata } from './encode.js';
import { lastName, readName, resetNames, walkName } from './name.js';

/** readName's answer (position or error, and the text) for the name at `pos`. */
function cachedRead(m: Uint8Array, pos: number, end: number, msgEnd: number): [number, string] {
  const r = readName(m, 0, pos, end, msgEnd);
  return [r, r < 0 ? '' : lastName];
}

/** The full walk's answer, with no cache involved. */
function walked(m: Uint8Array, pos: number, end: number, msgEnd: number): [number, string] {
  const r = walkName(m, 0, pos, end, msgEnd, -1, 0);
  return [r, r < 0 ? '' : lastName];
}

describe('readName: the caches answer exactly what the full walk answers', () => {
  it('at every position of compressed messages and of mutated copies, read in any order, with any RDATA end', () => {
    const rand = prng(11);
    const words = ['www', 'mail', 'ns1', 'ns2', 'mx', 'edge', 'a\\.b', 'x y', 'example', 'com', 'net', 'l'.repeat(60)]; // (long labels: names near the 255-byte limit)
    const nameOf = (): string => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => words[Math.floor(rand() * words.length)]).join('.');
    let compared = 0;
    for (let k = 0; k < 300; k++) {
      const q = nameOf();
      const base = encodeMessage({
        id: k,
        response: true,
        questions: [{ name: q, type: 1 }],
        answers: [
          { name: q, type: 5, ttl: 1, rdata: rdata.name(`${nameOf()}.${q}`) },
          { name: q, type: 15, ttl: 1, rdata: rdata.mx(10, `${nameOf()}.${q}`) },
        ],
        authorities: [{ name: q.split('.').slice(-1)[0]!, type: 2, ttl: 1, rdata: rdata.name(`ns1.${q}`) }],
      });
      for (let v = 0; v < 6; v++) {
        const m = Uint8Array.from(base);
        // Mutations: bytes set to label lengths, pointers (backwards and forwards) and random values.
        for (let j = 0; j < v; j++) {
          const at = 12 + Math.floor(rand() * (m.length - 12));
          const pick = rand();
          m[at] = pick < 0.3 ? 0xc0 : pick < 0.5 ? Math.floor(rand() * 64) : Math.floor(rand() * 256);
          if (pick < 0.3 && at + 1 < m.length) m[at + 1] = Math.floor(rand() * m.length);
        }
        for (let pass = 0; pass < 3; pass++) {
          resetNames();
          const order = Array.from({ length: m.length - 12 }, (_, i) => 12 + i);
          if (pass > 0) order.sort(() => rand() - 0.5);
          for (const pos of order) {
            const end = pass === 2 ? Math.min(m.length, pos + Math.floor(rand() * 40)) : m.length;
            expect(cachedRead(m, pos, end, m.length), `message ${k} variant ${v} pass ${pass} at ${pos}`).toEqual(walked(m, pos, end, m.length));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });
});

describe('readName: compressed names at the 255-byte limit', () => {
  it('a name that is 255 bytes through a pointer is read; at 256 bytes it is too long, cached suffix or not', () => {
    // Question name at 12: four labels, 3 * 51 + 48 + 1 = 202 wire bytes (with the root label).
    const q = [...[50, 50, 50].flatMap((n) => [n, ...Array.from({ length: n }, () => 0x61)]), 47, ...Array.from({ length: 47 }, () => 0x62), 0];
    for (const [prefix, ok] of [[53, true], [54, false]] as const) {
      const label = [prefix - 1, ...Array.from({ length: prefix - 1 }, () => 0x63)];
      const m = Uint8Array.from([...Array.from({ length: 12 }, () => 0), ...q, ...label, 0xc0, 12]);
      const at = 12 + q.length;
      for (const warm of [false, true]) {
        resetNames();
        if (warm) expect(readName(m, 0, 12, m.length)).toBe(at);
        const r = readName(m, 0, at, m.length);
        expect(r >= 0, `prefix ${prefix}, suffix ${warm ? 'cached' : 'not cached'}`).toBe(ok);
        expect(r).toBe(walkName(m, 0, at, m.length, m.length, -1, 0));
      }
    }
  });
});
