/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4): labels, compression pointers, presentation form.
 *
 * A name is read with every byte bounds-checked. Compression is followed with loop protection: a pointer must
 * point before the start of the labels it ends (so every jump goes strictly backwards and a chain cannot
 * loop or revisit), and a chain has at most 127 jumps. Forward pointers, the reserved label types (0x40, 0x80)
 * and names over 255 bytes are errors, returned as negative positions (no exception, no allocation).
 *
 * Presentation form: labels joined by `.`, no trailing dot, the root as `.`; a `.` or `\` inside a label is
 * escaped with `\`, bytes outside printable ASCII as `\DDD` (decimal), as in zone files (RFC 1035 §5.1).
 */
import { sameWords, storeWords, viewBytes, wireHashOf } from './words.js';

export const NAME_PAST_END = -1;
export const NAME_BAD_LABEL = -2;
export const NAME_BAD_POINTER = -3;
export const NAME_TOO_LONG = -4;

const NAME_ERRORS: Record<number, string> = {
  [NAME_PAST_END]: 'runs past the end of the message',
  [NAME_BAD_LABEL]: 'uses a reserved label type (0x40 or 0x80)',
  [NAME_BAD_POINTER]: 'has a compression pointer that does not point backwards (a loop or a forward reference)',
  [NAME_TOO_LONG]: 'is longer than 255 bytes',
};

export function nameError(code: number): string {
  return NAME_ERRORS[code] ?? `error ${code}`;
}

// Room for 255 wire bytes with every byte escaped as \DDD.
const scratch = Buffer.allocUnsafe(1100) as Buffer & { latin1Slice(start: number, end: number): string };

// Names already made into text, across messages: DNS traffic asks for the same names again and again (and a
// response repeats its query's name), so most names need no new string. Direct-mapped by a hash of the text's
// bytes; a hit is confirmed byte by byte.
const TEXT_SLOTS = 8192;
const textHash = new Int32Array(TEXT_SLOTS);
const textLen = new Int32Array(TEXT_SLOTS).fill(-1);
const textOf: string[] = new Array<string>(TEXT_SLOTS).fill('');

// The wire bytes of cached names are kept as words (see words.ts), a 256-byte row per slot (a name is at most 255
// bytes): hashing and confirming a name costs a load and a multiply per four bytes, and remembering one allocates
// nothing.
// Names written entirely in place (no compression pointer), by their wire bytes: a hit skips building the text
// at all. Direct-mapped by a hash of the wire bytes; a hit is confirmed word by word.
const WIRE_SLOTS = 8192;
const ROW = 64;
// A slot's row: wire length, hash and label count, then the wire bytes (one row, so that a look-up of a short name
// reads one or two cache lines rather than one per array).
const WIRE_ROW = 3 + ROW;
const wireRows = new Int32Array(WIRE_SLOTS * WIRE_ROW);
for (let i = 0; i < WIRE_SLOTS; i++) wireRows[i * WIRE_ROW] = -1;
const wireText: string[] = new Array<string>(WIRE_SLOTS).fill('');

/** The presentation text in scratch[0, n) (hash `h`) as a string, from the cache when it was seen before. */
function textFor(n: number, h: number): string {
  const slot = (h ^ (h >>> 13)) & (TEXT_SLOTS - 1);
  if (textLen[slot] === n && textHash[slot] === h) {
    const t = textOf[slot]!;
    let i = 0;
    while (i < n && t.charCodeAt(i) === scratch[i]) i++;
    if (i === n) return t;
  }
  const t = scratch.latin1Slice(0, n);
  textLen[slot] = n;
  textHash[slot] = h;
  textOf[slot] = t;
  return t;
}

// Names that end in a compression pointer, by the wire bytes of their labels in place and the text of the name the
// pointer leads to (read first, through the same caches): "mx1" + example.com, "ns2" + example.com and the like
// repeat as much as whole names. Direct-mapped by a hash of both; a hit is confirmed byte by byte and by the
// suffix's text.
const PTR_SLOTS = 8192;
const ptrHash = new Int32Array(PTR_SLOTS);
const ptrLen = new Int32Array(PTR_SLOTS).fill(-1);
const ptrWords = new Int32Array(PTR_SLOTS * ROW);
const ptrSuffix: string[] = new Array<string>(PTR_SLOTS).fill('');
const ptrText: string[] = new Array<string>(PTR_SLOTS).fill('');

/** The name read by the last successful `readName`. */
export let lastName = '';
/** Its number of labels (0 for the root). */
export let lastLabels = 0;
// Its wire length (1 for the root), the compression jumps it took and a hash of it, for the pointer cache.
let lastWire = 1;
/** Its compression jumps (0 when it is all in place). */
export let lastJumps = 0;
let lastKey = 0;

// A small cache of names by where they start in the current message (compression points at the same few names
// again and again: every answer's owner is usually a pointer to the question). Reset per message.
const CACHE = 16;
const cacheAt = new Int32Array(CACHE);
const cacheName: string[] = new Array<string>(CACHE).fill('');
const cacheLabels = new Int32Array(CACHE);
const cacheWire = new Int32Array(CACHE);
const cacheJumps = new Int32Array(CACHE);
const cacheKey = new Int32Array(CACHE);
const cacheAfter = new Int32Array(CACHE);
let cached = 0;
let cacheBase = -1;
let cacheBytes: Uint8Array | undefined;

/** Forgets cached names: call before reading a new message. */
export function resetNames(): void {
  cached = 0;
  cacheBase = -1;
  cacheBytes = undefined;
}

/** Sets the last* results and remembers them for position `pos` of the current message. */
function found(pos: number, after: number, name: string, labels: number, wire: number, jumps: number, key: number): void {
  lastName = name;
  lastLabels = labels;
  lastWire = wire;
  lastJumps = jumps;
  lastKey = key;
  if (cached < CACHE) {
    cacheAt[cached] = pos;
    cacheName[cached] = name;
    cacheLabels[cached] = labels;
    cacheWire[cached] = wire;
    cacheJumps[cached] = jumps;
    cacheKey[cached] = key;
    cacheAfter[cached] = after;
    cached++;
  }
}

/**
 * Reads the name at `pos` in message `m`, whose first byte is at `base` (compression offsets count from there) and
 * whose bytes end at `msgEnd`; the labels before any pointer must end by `end` (an RDATA's end, or `msgEnd`).
 * Returns the position just after the name in place, or a negative error; on success the name is in `lastName`.
 *
 * The caches only ever answer with what the full walk (`walkName`) would give: anything they cannot vouch for
 * (errors included) is left to the walk.
 */
export function readName(m: Uint8Array, base: number, pos: number, end: number, msgEnd: number = end): number {
  if (cacheBytes !== m || cacheBase !== base) {
    cached = 0;
    cacheBytes = m;
    cacheBase = base;
  }
  viewBytes(m);
  // The name at `pos` was read before in this message (its bytes in place then ended at `cacheAfter`, which
  // must be within this call's `end`).
  for (let i = 0; i < cached; i++) {
    if (cacheAt[i] === pos) {
      const after = cacheAfter[i]!;
      if (after > end) break;
      lastName = cacheName[i]!;
      lastLabels = cacheLabels[i]!;
      lastWire = cacheWire[i]!;
      lastJumps = cacheJumps[i]!;
      lastKey = cacheKey[i]!;
      return after;
    }
  }
  // Step over the labels in place, up to the root label or a compression pointer.
  let q = pos;
  let labels = 0;
  for (;;) {
    if (q >= end || q - pos > 255) return walkName(m, base, pos, end, msgEnd, -1, 0);
    const len = m[q]!;
    if (len === 0) break;
    if (len & 0xc0) {
      if ((len & 0xc0) !== 0xc0 || q + 1 >= end) return walkName(m, base, pos, end, msgEnd, -1, 0);
      // A pointer: read the name it leads to (through the caches), then this one is the labels so far + that.
      const target = base + (((len & 0x3f) << 8) | m[q + 1]!);
      if (target >= pos) return walkName(m, base, pos, end, msgEnd, -1, 0);
      if (readName(m, base, target, msgEnd, msgEnd) < 0) return walkName(m, base, pos, end, msgEnd, -1, 0);
      const prefix = q - pos;
      if (lastJumps + 1 > 127 || prefix + lastWire > 255) return walkName(m, base, pos, end, msgEnd, -1, 0);
      if (prefix === 0) {
        found(pos, q + 2, lastName, lastLabels, lastWire, lastJumps + 1, lastKey);
        return q + 2;
      }
      const suffix = lastName;
      const key = Math.imul(wireHashOf(m, pos, q) ^ Math.imul(lastKey, 0x9e3779b1), 0x85ebca6b);
      const slot = (key ^ (key >>> 15)) & (PTR_SLOTS - 1);
      const wire = prefix + lastWire;
      const jumps = lastJumps + 1;
      const suffixLabels = lastLabels;
      if (ptrLen[slot] === prefix && ptrHash[slot] === key && ptrSuffix[slot] === suffix && sameWords(ptrWords, slot * ROW, m, pos, q)) {
        found(pos, q + 2, ptrText[slot]!, labels + suffixLabels, wire, jumps, key);
        return q + 2;
      }
      const r = walkName(m, base, pos, end, msgEnd, -1, 0);
      if (r >= 0) {
        ptrLen[slot] = prefix;
        ptrHash[slot] = key;
        storeWords(ptrWords, slot * ROW, m, pos, q); // a copy: the message's buffer may be reused
        ptrSuffix[slot] = suffix;
        ptrText[slot] = lastName;
        lastKey = key;
        if (cached > 0 && cacheAt[cached - 1] === pos) cacheKey[cached - 1] = key;
      }
      return r;
    }
    if (q + 1 + len > end) return walkName(m, base, pos, end, msgEnd, -1, 0);
    labels++;
    q += 1 + len;
  }
  // The root (the OPT record's owner, among others).
  if (q === pos) {
    found(pos, pos + 1, '.', 0, 1, 0, 0);
    return pos + 1;
  }
  // A name entirely in place: look it up by its wire bytes before decoding anything.
  const wl = q + 1 - pos;
  const wh = wireHashOf(m, pos, q + 1);
  const slot = wh & (WIRE_SLOTS - 1);
  const row = slot * WIRE_ROW;
  if (wireRows[row] === wl && wireRows[row + 1] === wh && sameWords(wireRows, row + 3, m, pos, q + 1)) {
    found(pos, q + 1, wireText[slot]!, wireRows[row + 2]!, wl, 0, wh);
    return q + 1;
  }
  return walkName(m, base, pos, end, msgEnd, slot, wh);
}

/**
 * The full walk of the name at `pos`: every label, every pointer, with all the checks, building the text. With
 * `slot` >= 0 the name is remembered in the wire cache under hash `wh` when it turned out to be all in place.
 * Exported for the test that holds `readName`'s caches to it.
 */
export function walkName(m: Uint8Array, base: number, pos: number, end: number, msgEnd: number, slot: number, wh: number): number {
  let p = pos;
  let limit = end;
  let after = -1;
  let lowest = pos;
  let n = 0;
  let h = 0x811c9dc5;
  let wire = 1;
  let labels = 0;
  let jumps = 0;
  for (;;) {
    if (p >= limit) return NAME_PAST_END;
    const len = m[p]!;
    if (len === 0) {
      p++;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= limit) return NAME_PAST_END;
      const target = base + (((len & 0x3f) << 8) | m[p + 1]!);
      if (after < 0) after = p + 2;
      if (target >= lowest || ++jumps > 127) return NAME_BAD_POINTER;
      lowest = target;
      p = target;
      limit = msgEnd;
      continue;
    }
    if (kind !== 0) return NAME_BAD_LABEL;
    const stop = p + 1 + len;
    if (stop > limit) return NAME_PAST_END;
    wire += len + 1;
    if (wire > 255) return NAME_TOO_LONG;
    if (labels > 0) scratch[n++] = 0x2e;
    labels++;
    for (let i = p + 1; i < stop; i++) {
      const c = m[i]!;
      h = Math.imul(h ^ c, 0x01000193);
      if (c > 0x20 && c < 0x7f) {
        if (c === 0x2e || c === 0x5c) scratch[n++] = 0x5c;
        scratch[n++] = c;
      } else {
        scratch[n++] = 0x5c;
        scratch[n++] = 0x30 + ((c / 100) | 0);
        scratch[n++] = 0x30 + (((c / 10) | 0) % 10);
        scratch[n++] = 0x30 + (c % 10);
      }
    }
    p = stop;
  }
  const name = n === 0 ? '.' : textFor(n, h ^ labels);
  if (slot >= 0 && after < 0) {
    // Remember this in-place name by its wire bytes (an allocation only when a name is new to the slot).
    const wl = p - pos;
    const row = slot * WIRE_ROW;
    wireRows[row] = wl;
    wireRows[row + 1] = wh;
    wireRows[row + 2] = labels;
    storeWords(wireRows, row + 3, m, pos, p); // a copy: the message's buffer may be reused
    wireText[slot] = name;
  }
  const r = after < 0 ? p : after;
  found(pos, r, name, labels, wire, jumps, slot >= 0 ? wh : h);
  return r;
}

/** Skips the name at `pos` without building its text; same bounds rules for the part in place. */
export function skipName(m: Uint8Array, pos: number, end: number): number {
  let p = pos;
  let wire = 1;
  for (;;) {
    if (p >= end) return NAME_PAST_END;
    const len = m[p]!;
    if (len === 0) return p + 1;
    const kind = len & 0xc0;
    if (kind === 0xc0) return p + 2 <= end ? p + 2 : NAME_PAST_END;
    if (kind !== 0) return NAME_BAD_LABEL;
    wire += len + 1;
    if (wire > 255) return NAME_TOO_LONG;
    p += 1 + len;
  }
}
