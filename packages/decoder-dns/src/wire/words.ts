/**
 * Reading message bytes four at a time (little-endian 32-bit words), for the caches that map wire bytes to the
 * text already made from them (names, cookies): a hash of a byte range and its confirmation against a stored copy
 * cost a load per four bytes. A stored copy is a row of words in a flat Int32Array, so remembering allocates
 * nothing. `viewBytes` must have been called with the buffer before its words are read.
 */

let viewOf: Uint8Array | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));

/** Makes `m` the buffer words are read from (a new view only when the buffer changes: once per input chunk). */
export function viewBytes(m: Uint8Array): void {
  if (viewOf !== m) {
    viewOf = m;
    view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  }
}

/** The little-endian word of `m` at `i`, of the bytes before `end` only (1 to 4 of them; the rest zero). */
function wordAt(m: Uint8Array, i: number, end: number): number {
  const k = end - i;
  if (k >= 4) return view.getInt32(i, true);
  if (i + 4 <= m.length) return view.getInt32(i, true) & ((1 << (k << 3)) - 1);
  let w = m[i]!;
  if (k > 1) w |= m[i + 1]! << 8;
  if (k > 2) w |= m[i + 2]! << 16;
  return w;
}

/** A hash of the bytes m[a, b). */
export function wireHashOf(m: Uint8Array, a: number, b: number): number {
  let h = (b - a) ^ 0x2545f491;
  for (let i = a; i < b; i += 4) h = Math.imul(((h << 13) | (h >>> 19)) ^ wordAt(m, i, b), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Whether m[a, b) is what `storeWords` put at `at` in `pool` (the caller compares the lengths). */
export function sameWords(pool: Int32Array, at: number, m: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i += 4) if (pool[at++] !== wordAt(m, i, b)) return false;
  return true;
}

/** Keeps m[a, b) at `at` in `pool` (room for (b - a) / 4 words, rounded up). */
export function storeWords(pool: Int32Array, at: number, m: Uint8Array, a: number, b: number): void {
  for (let i = a; i < b; i += 4) pool[at++] = wordAt(m, i, b);
}
