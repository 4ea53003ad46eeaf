/**
 * IPv4 addresses as text, cached. A capture's DNS traffic involves few resolvers, clients and answer addresses,
 * and building the same short strings for every message is a large part of decoding it.
 */
import { ipv4String, ipv6String } from '@sightline/capture';

// Direct-mapped by a multiplicative hash of the address (its top 16 bits). 65,536 slots (under 1 MiB): with 8,192 a
// capture's clients, resolvers and answer addresses (a few thousand in the benchmark's) evicted each other so often
// that a quarter of the look-ups made a new string.
const SLOTS = 65536;
const keys = new Uint32Array(SLOTS);
const set = new Uint8Array(SLOTS);
const texts: string[] = new Array<string>(SLOTS).fill('');

/** `a.b.c.d` for the 4 bytes at `o`. */
export function ipv4Text(d: Uint8Array, o: number): string {
  const k = ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
  const slot = Math.imul(k, 0x9e3779b1) >>> 16;
  if (set[slot] === 1 && keys[slot] === k) return texts[slot]!;
  const text = ipv4String(d, o);
  keys[slot] = k;
  set[slot] = 1;
  texts[slot] = text;
  return text;
}

const SLOTS6 = 16384;
const keys6 = new Int32Array(SLOTS6 * 4);
const set6 = new Uint8Array(SLOTS6);
const texts6: string[] = new Array<string>(SLOTS6).fill('');

/** RFC 5952 text for the 16 bytes at `o`. */
export function ipv6Text(d: Uint8Array, o: number): string {
  const a = (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
  const b = (d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!;
  const c = (d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!;
  const e = (d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!;
  const h = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(e, 0xc2b2ae35), 0x27d4eb2f);
  const slot = (h ^ (h >>> 15)) & (SLOTS6 - 1);
  const k = slot * 4;
  if (set6[slot] === 1 && keys6[k] === a && keys6[k + 1] === b && keys6[k + 2] === c && keys6[k + 3] === e) return texts6[slot]!;
  const text = ipv6String(d, o);
  keys6[k] = a;
  keys6[k + 1] = b;
  keys6[k + 2] = c;
  keys6[k + 3] = e;
  set6[slot] = 1;
  texts6[slot] = text;
  return text;
}
