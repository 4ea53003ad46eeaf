import { murmur3x86128 } from '@sightline/core';
import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { type IdentityParts, dnsEventId } from './event-id.js';

// The id as specified (event-id.ts's header): core's MurmurHash3 x86 128 of the message, then the identity's
// other parts folded into lane i & 3 with the same block step, then finalised. Written plainly, lane by lane in
// a Uint32Array, to hold the decoder's inlined version to it.
function reference(x: IdentityParts): string {
  const lanes = new Uint32Array(4);
  murmur3x86128(x.bytes, x.end - x.start, 0xd25e1e5, lanes, x.start);
  const rotl = (v: number, r: number): number => (v << r) | (v >>> (32 - r));
  const fmix = (h: number): number => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  const strHash = (s: string): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  };
  const fold = (i: number, v: number): void => {
    const k = i & 3;
    let h = lanes[k]! ^ Math.imul(rotl(Math.imul(v, 0xcc9e2d51), 15), 0x1b873593);
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64 + lanes[(k + 1) & 3]!) | 0;
    lanes[k] = h;
  };
  const p = x.packet;
  const parts = [
    (x.srcKey ?? -1) === -1 ? strHash(x.src) : x.srcKey!,
    (x.dstKey ?? -1) === -1 ? strHash(x.dst) : x.dstKey!,
    ((x.srcPort << 16) | x.dstPort) >>> 0,
    x.proto,
    p.originalLength,
    p.seconds >>> 0,
    Math.floor(p.seconds / 4294967296),
    p.nanos,
    p.index >>> 0,
    Math.floor(p.index / 4294967296),
    x.ordinal,
  ];
  parts.forEach((v, i) => fold(i, v));
  const h = Array.from(lanes, (v) => v ^ parts.length);
  h[0] = (h[0]! + h[1]! + h[2]! + h[3]!) | 0;
  for (let i = 1; i < 4; i++) h[i] = (h[i]! + h[0]!) | 0;
  for (let i = 0; i < 4; i++) h[i] = fmix(h[i]!);
  h[0] = (h[0]! + h[1]! + h[2]! + h[3]!) | 0;
  for (let i = 1; i < 4; i++) h[i] = (h[i]! + h[0]!) | 0;
  return h.map((v) => (v >>> 0).toString(16).padStart(8, '0')).join('');
}

describe('dnsEventId', () => {
  it('is the specified hash for messages of every length up to 300 bytes, at any offset, IPv4 keys or address text', () => {
    const rand = prng(5);
    const int = (n: number): number => Math.floor(rand() * n);
    let checked = 0;
    for (let len = 0; len <= 300; len++) {
      for (const keyed of [true, false]) {
        const start = int(9);
        const buf = Uint8Array.from({ length: start + len + int(5) }, () => int(256));
        // Sometimes a Buffer view into a larger pool at an odd offset, as the capture's chunks are.
        const bytes = rand() < 0.5 ? buf : Buffer.from(Buffer.concat([Buffer.alloc(3), buf]).buffer, 3, buf.length);
        const x: IdentityParts = {
          bytes,
          start,
          end: start + len,
          src: keyed ? '10.0.0.1' : '2001:db8::1',
          dst: keyed ? '255.255.255.255' : 'fe80::2',
          srcPort: int(65536),
          dstPort: 53,
          proto: rand() < 0.5 ? 17 : 6,
          ...(keyed ? { srcKey: 0x0a000001, dstKey: 0xffffffff } : {}),
          packet: { index: rand() < 0.1 ? 2 ** 33 + int(1000) : int(1e6), seconds: rand() < 0.1 ? 2 ** 32 + int(1e6) : 1.7e9 + int(1e6), nanos: int(1e9), originalLength: len + 42 },
          ordinal: int(3),
        };
        expect(dnsEventId(x), `length ${len}`).toBe(reference(x));
        checked++;
      }
    }
    expect(checked).toBe(602);
  });
});
