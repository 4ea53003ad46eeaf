/**
 * MurmurHash3 x86 128-bit (Austin Appleby's public-domain algorithm) over a byte range, without allocating.
 * Used for event ids: fast, well distributed, 128 bits so a billion events a day never collide in practice.
 * Returns the four 32-bit lanes in `out` (h1..h4). `start` (default 0) hashes bytes[start, start + length) without
 * making a view of them.
 *
 * The body reads each 32-bit block word with one load rather than four byte loads and shifts (about half the
 * instructions): from a `Uint32Array` over the bytes' buffer when the range is 4-byte aligned on a little-endian
 * machine, else from a `DataView` (little-endian reads on any machine). Both views are kept for the last buffer
 * seen, so a caller hashing ranges of one buffer (a packet, a chunk of a file) makes them once.
 */
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** True when a `Uint32Array` reads bytes little-endian, as MurmurHash3 x86 does. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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

let wordsBuffer: ArrayBufferLike | undefined;
let wordsView: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let dataBuffer: ArrayBufferLike | undefined;
let dataView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

export function murmur3x86128(bytes: Uint8Array, length: number, seed: number, out: Uint32Array, start = 0): void {
  if (length < 16) {
    murmurTail(bytes, start, length, seed >>> 0, seed >>> 0, seed >>> 0, seed >>> 0, out);
    return;
  }
  if (start < 0 || start + length > bytes.length) {
    // Out of range (a caller's error): read as the byte-wise version always did, missing bytes as zeros.
    murmurBytes(bytes, length, seed, out, start);
    return;
  }
  const buffer = bytes.buffer;
  const at = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && (at & 3) === 0) {
    if (buffer !== wordsBuffer) {
      wordsView = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
      wordsBuffer = buffer;
    }
    murmur3x86128Words(wordsView, at >>> 2, bytes, start, length, seed, out);
    return;
  }
  if (buffer !== dataBuffer) {
    dataView = new DataView(buffer);
    dataBuffer = buffer;
  }
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const v = dataView;
  for (let i = at, end = at + (length & ~15); i < end; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(v.getUint32(i, true), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(v.getUint32(i + 4, true), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(v.getUint32(i + 8, true), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(v.getUint32(i + 12, true), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  murmurTail(bytes, start + (length & ~15), length, h1, h2, h3, h4, out);
}

/**
 * The same hash of `bytes[start, start + length)`, its blocks read from `words` (a little-endian `Uint32Array`
 * over the same memory, `word` the index of the word at `start`): for a caller hashing its own aligned buffer.
 */
export function murmur3x86128Words(words: Uint32Array, word: number, bytes: Uint8Array, start: number, length: number, seed: number, out: Uint32Array): void {
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  for (let i = word, end = word + ((length >>> 4) << 2); i < end; i += 4) {
    h1 ^= Math.imul(rotl(Math.imul(words[i]!, C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(words[i + 1]!, C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(words[i + 2]!, C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(words[i + 3]!, C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  murmurTail(bytes, start + (length & ~15), length, h1, h2, h3, h4, out);
}

/** The byte-wise body, for a range that runs past the array (bytes it does not have read as zeros). */
function murmurBytes(bytes: Uint8Array, length: number, seed: number, out: Uint32Array, start: number): void {
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const blocks = start + (length & ~15);
  for (let i = start; i < blocks; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(partialWord(bytes, i, 4), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(partialWord(bytes, i + 4, 4), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(partialWord(bytes, i + 8, 4), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(partialWord(bytes, i + 12, 4), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  murmurTail(bytes, blocks, length, h1, h2, h3, h4, out);
}

/** The little-endian word of the `n` bytes from `i` (only the first four when `n` is more). */
function partialWord(b: Uint8Array, i: number, n: number): number {
  if (n >= 4) return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
  let k = b[i]!;
  if (n > 1) k |= b[i + 1]! << 8;
  if (n > 2) k |= b[i + 2]! << 16;
  return k;
}

/** The tail (up to 15 bytes from `t`, little-endian into four lanes, mixed lane by lane) and the finalisation. */
function murmurTail(bytes: Uint8Array, t: number, length: number, h1: number, h2: number, h3: number, h4: number, out: Uint32Array): void {
  const tail = length & 15;
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(partialWord(bytes, t + 12, tail - 12), C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(partialWord(bytes, t + 8, tail - 8), C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(partialWord(bytes, t + 4, tail - 4), C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(partialWord(bytes, t, tail), C1), 15), C2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[0] = h1;
  out[1] = (h2 + h1) | 0;
  out[2] = (h3 + h1) | 0;
  out[3] = (h4 + h1) | 0;
}
