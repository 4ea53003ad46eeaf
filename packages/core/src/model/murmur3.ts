/**
 * MurmurHash3 x86 128-bit (Austin Appleby's public-domain algorithm) over a byte range, without allocating.
 * Used for event ids: fast, well distributed, 128 bits so a billion events a day never collide in practice.
 * Returns the four 32-bit lanes in `out` (h1..h4). `start` (default 0) hashes bytes[start, start + length) without
 * making a view of them.
 */
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** murmur3's 32-bit finaliser (fmix32): every input bit affects every output bit. Signed; `>>> 0` for unsigned. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

export function murmur3x86128(bytes: Uint8Array, length: number, seed: number, out: Uint32Array, start = 0): void {
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const blocks = start + (length & ~15);
  let k1: number;
  let k2: number;
  let k3: number;
  let k4: number;
  for (let i = start; i < blocks; i += 16) {
    k1 = Math.imul(rotl(Math.imul(u32(bytes, i), C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(u32(bytes, i + 4), C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(u32(bytes, i + 8), C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(u32(bytes, i + 12), C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tail = length & 15;
  const t = blocks;
  k1 = 0;
  k2 = 0;
  k3 = 0;
  k4 = 0;
  // Tail: up to 15 bytes, little-endian into four lanes, mixed lane by lane as far as the tail reaches.
  for (let j = 0; j < tail; j++) {
    const v = bytes[t + j]! << ((j & 3) * 8);
    if (j < 4) k1 ^= v;
    else if (j < 8) k2 ^= v;
    else if (j < 12) k3 ^= v;
    else k4 ^= v;
  }
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}
