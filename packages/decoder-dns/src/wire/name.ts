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

// Names written entirely in place (no compression pointer), by their wire bytes: a hit skips building the text
// at all. Direct-mapped by a hash of the wire bytes; a hit is confirmed byte by byte.
const WIRE_SLOTS = 8192;
const wireHash = new Int32Array(WIRE_SLOTS);
const wireLen = new Int32Array(WIRE_SLOTS).fill(-1);
const wireBytes: Uint8Array[] = new Array<Uint8Array>(WIRE_SLOTS).fill(new Uint8Array(0));
const wireText: string[] = new Array<string>(WIRE_SLOTS).fill('');
const wireLabels = new Int32Array(WIRE_SLOTS);

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

/** The name read by the last successful `readName`. */
export let lastName = '';
/** Its number of labels (0 for the root). */
export let lastLabels = 0;

// A small cache of names by where they start in the current message (compression points at the same few names
// again and again: every answer's owner is usually a pointer to the question). Reset per message.
const CACHE = 16;
const cacheAt = new Int32Array(CACHE);
const cacheName: string[] = new Array<string>(CACHE).fill('');
const cacheLabels = new Int32Array(CACHE);
let cached = 0;
let cacheBase = -1;
let cacheBytes: Uint8Array | undefined;

/** Forgets cached names: call before reading a new message. */
export function resetNames(): void {
  cached = 0;
  cacheBase = -1;
  cacheBytes = undefined;
}

/**
 * Reads the name at `pos` in message `m`, whose first byte is at `base` (compression offsets count from there) and
 * whose bytes end at `msgEnd`; the labels before any pointer must end by `end` (an RDATA's end, or `msgEnd`).
 * Returns the position just after the name in place, or a negative error; on success the name is in `lastName`.
 */
export function readName(m: Uint8Array, base: number, pos: number, end: number, msgEnd: number = end): number {
  if (cacheBytes !== m || cacheBase !== base) {
    cached = 0;
    cacheBytes = m;
    cacheBase = base;
  }
  // The whole name is one pointer to a name read before: reuse it.
  if (pos + 1 < end && (m[pos]! & 0xc0) === 0xc0) {
    const target = base + (((m[pos]! & 0x3f) << 8) | m[pos + 1]!);
    if (target < pos) {
      for (let i = 0; i < cached; i++) {
        if (cacheAt[i] === target) {
          lastName = cacheName[i]!;
          lastLabels = cacheLabels[i]!;
          return pos + 2;
        }
      }
    }
  }
  // A name entirely in place: hash its wire bytes and look it up before decoding anything.
  let q = pos;
  let wh = 0x811c9dc5;
  for (;;) {
    if (q >= end || q - pos > 255) {
      q = -1;
      break;
    }
    const len = m[q]!;
    if (len === 0) break;
    if (len & 0xc0 || q + 1 + len > end) {
      q = -1;
      break;
    }
    for (let i = q; i <= q + len; i++) wh = Math.imul(wh ^ m[i]!, 0x01000193);
    q += 1 + len;
  }
  let slot = -1;
  if (q >= 0) {
    const wl = q + 1 - pos;
    slot = (wh ^ (wh >>> 13)) & (WIRE_SLOTS - 1);
    if (wireLen[slot] === wl && wireHash[slot] === wh) {
      const b = wireBytes[slot]!;
      let i = 0;
      while (i < wl && b[i] === m[pos + i]) i++;
      if (i === wl) {
        lastName = wireText[slot]!;
        lastLabels = wireLabels[slot]!;
        if (cached < CACHE) {
          cacheAt[cached] = pos;
          cacheName[cached] = lastName;
          cacheLabels[cached] = lastLabels;
          cached++;
        }
        return q + 1;
      }
    }
  }
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
  lastName = n === 0 ? '.' : textFor(n, h ^ labels);
  lastLabels = labels;
  if (slot >= 0 && after < 0) {
    // Remember this in-place name by its wire bytes (an allocation only when a name is new to the slot).
    const wl = p - pos;
    wireLen[slot] = wl;
    wireHash[slot] = wh;
    wireBytes[slot] = new Uint8Array(m.subarray(pos, p)); // a copy: the message's buffer may be reused
    wireText[slot] = lastName;
    wireLabels[slot] = labels;
  }
  if (cached < CACHE) {
    cacheAt[cached] = pos;
    cacheName[cached] = lastName;
    cacheLabels[cached] = labels;
    cached++;
  }
  return after < 0 ? p : after;
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
