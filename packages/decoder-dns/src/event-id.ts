/**
 * Event ids for DNS events, the decoder's hot path. Core's `assignEventId` hashes an event's decoded fields one
 * by one (serialising the record arrays to JSON), which would cost more than decoding the message. Every decoded
 * field of a DNS event is a pure function of the message's bytes, its addresses, ports, transport, frame length
 * and capture time, so the id hashes exactly those, with the message's position in the capture (packet number
 * and place in the packet): MurmurHash3 x86 128 over the message (the lanes core's `murmur3x86128` gives, computed
 * here in locals with the message read four bytes at a time), then the rest folded in with the same block step and
 * finalised (`event-id.test.ts` holds this to that definition). Identical messages at different positions keep
 * distinct ids; reading the same capture again gives the same ids.
 */
const SEED = 0xd25e1e5;
const lanes = new Uint32Array(4);
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const fromCharCode = String.fromCharCode;

/** Four 32-bit values as 32 hex digits, in one string made at once (no scratch buffer, no call into C++). */
function hex4(a: number, b: number, c: number, d: number): string {
  const x = HEX;
  return fromCharCode(
    x[a >>> 28]!, x[(a >>> 24) & 15]!, x[(a >>> 20) & 15]!, x[(a >>> 16) & 15]!, x[(a >>> 12) & 15]!, x[(a >>> 8) & 15]!, x[(a >>> 4) & 15]!, x[a & 15]!,
    x[b >>> 28]!, x[(b >>> 24) & 15]!, x[(b >>> 20) & 15]!, x[(b >>> 16) & 15]!, x[(b >>> 12) & 15]!, x[(b >>> 8) & 15]!, x[(b >>> 4) & 15]!, x[b & 15]!,
    x[c >>> 28]!, x[(c >>> 24) & 15]!, x[(c >>> 20) & 15]!, x[(c >>> 16) & 15]!, x[(c >>> 12) & 15]!, x[(c >>> 8) & 15]!, x[(c >>> 4) & 15]!, x[c & 15]!,
    x[d >>> 28]!, x[(d >>> 24) & 15]!, x[(d >>> 20) & 15]!, x[(d >>> 16) & 15]!, x[(d >>> 12) & 15]!, x[(d >>> 8) & 15]!, x[(d >>> 4) & 15]!, x[d & 15]!,
  );
}

/** The four lanes as 32 hex digits. */
function hexOf(l: Uint32Array): string {
  return hex4(l[0]!, l[1]!, l[2]!, l[3]!);
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a of a short ASCII string (an address). */
function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Mixes one 32-bit value of the identity into lane `i & 3` (MurmurHash3's block step). */
function fold(i: number, v: number): void {
  const k = i & 3;
  let h = lanes[k]! ^ Math.imul(rotl(Math.imul(v, 0xcc9e2d51), 15), 0x1b873593);
  h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64 + lanes[(k + 1) & 3]!) | 0;
  lanes[k] = h;
}

export interface IdentityParts {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly proto: number;
  /** Numeric stand-ins for the addresses when the caller has them (an IPv4 address as its 32 bits), else -1. */
  readonly srcKey?: number;
  readonly dstKey?: number;
  /** The packet that carried the message: its number, capture time and length. */
  readonly packet: { readonly index: number; readonly seconds: number; readonly nanos: number; readonly originalLength: number };
  /** Place of the message among those the packet completed. */
  readonly ordinal: number;
}

/** The little-endian 32-bit word at `i` (plain byte loads: cheaper here than a DataView's getInt32). */
function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** The little-endian word of the bytes b[i, end) (1 to 4 of them; the rest read as zero). */
function tailWord(b: Uint8Array, i: number, end: number): number {
  if (end - i >= 4) return le32(b, i);
  let w = 0;
  for (let j = end - 1; j >= i; j--) w = (w << 8) | b[j]!;
  return w;
}

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/**
 * The id of the event for one message found in a capture (32 hex digits); a `FoundMessage` will do.
 */
export function dnsEventId(x: IdentityParts): string {
  const bytes = x.bytes;
  const start = x.start;
  const length = x.end - start;
  let h1 = SEED;
  let h2 = SEED;
  let h3 = SEED;
  let h4 = SEED;
  const blocks = start + (length & ~15);
  for (let i = start; i < blocks; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(le32(bytes, i), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(le32(bytes, i + 4), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(le32(bytes, i + 8), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(le32(bytes, i + 12), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tail = length & 15;
  if (tail > 0) {
    // The tail's words, zero-filled past the message.
    const end = x.end;
    const k1 = tailWord(bytes, blocks, end);
    const k2 = tail > 4 ? tailWord(bytes, blocks + 4, end) : 0;
    const k3 = tail > 8 ? tailWord(bytes, blocks + 8, end) : 0;
    const k4 = tail > 12 ? tailWord(bytes, blocks + 12, end) : 0;
    if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  }
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  h2 = Math.imul(h2, 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  h3 ^= h3 >>> 16;
  h3 = Math.imul(h3, 0x85ebca6b);
  h3 ^= h3 >>> 13;
  h3 = Math.imul(h3, 0xc2b2ae35);
  h3 ^= h3 >>> 16;
  h4 ^= h4 >>> 16;
  h4 = Math.imul(h4, 0x85ebca6b);
  h4 ^= h4 >>> 13;
  h4 = Math.imul(h4, 0xc2b2ae35);
  h4 ^= h4 >>> 16;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  // The murmur3 lanes are done; the rest of the identity is folded in, lane i & 3 for part i (each fold reads the
  // following lane as it stands then). The block steps and `fmix` are written out in this function: TurboFan inlined
  // only one or two of its nineteen helper calls (its inlining budget), and a call cost more than the step.
  const pk = x.packet;
  const sk = x.srcKey ?? -1;
  const dk = x.dstKey ?? -1;
  let k: number;
  k = Math.imul(sk === -1 ? strHash(x.src) : sk, 0xcc9e2d51);
  h1 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64 + h2) | 0;
  k = Math.imul(dk === -1 ? strHash(x.dst) : dk, 0xcc9e2d51);
  h2 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h2 = (Math.imul((h2 << 13) | (h2 >>> 19), 5) + 0xe6546b64 + h3) | 0;
  k = Math.imul(((x.srcPort << 16) | x.dstPort) >>> 0, 0xcc9e2d51);
  h3 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h3 = (Math.imul((h3 << 13) | (h3 >>> 19), 5) + 0xe6546b64 + h4) | 0;
  k = Math.imul(x.proto, 0xcc9e2d51);
  h4 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h4 = (Math.imul((h4 << 13) | (h4 >>> 19), 5) + 0xe6546b64 + h1) | 0;
  k = Math.imul(pk.originalLength, 0xcc9e2d51);
  h1 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64 + h2) | 0;
  k = Math.imul(pk.seconds >>> 0, 0xcc9e2d51);
  h2 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h2 = (Math.imul((h2 << 13) | (h2 >>> 19), 5) + 0xe6546b64 + h3) | 0;
  k = Math.imul(Math.floor(pk.seconds / 4294967296), 0xcc9e2d51);
  h3 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h3 = (Math.imul((h3 << 13) | (h3 >>> 19), 5) + 0xe6546b64 + h4) | 0;
  k = Math.imul(pk.nanos, 0xcc9e2d51);
  h4 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h4 = (Math.imul((h4 << 13) | (h4 >>> 19), 5) + 0xe6546b64 + h1) | 0;
  k = Math.imul(pk.index >>> 0, 0xcc9e2d51);
  h1 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64 + h2) | 0;
  k = Math.imul(Math.floor(pk.index / 4294967296), 0xcc9e2d51);
  h2 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h2 = (Math.imul((h2 << 13) | (h2 >>> 19), 5) + 0xe6546b64 + h3) | 0;
  k = Math.imul(x.ordinal, 0xcc9e2d51);
  h3 ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  h3 = (Math.imul((h3 << 13) | (h3 >>> 19), 5) + 0xe6546b64 + h4) | 0;
  h1 ^= 11;
  h2 ^= 11;
  h3 ^= 11;
  h4 ^= 11;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  h2 = Math.imul(h2, 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  h3 ^= h3 >>> 16;
  h3 = Math.imul(h3, 0x85ebca6b);
  h3 ^= h3 >>> 13;
  h3 = Math.imul(h3, 0xc2b2ae35);
  h3 ^= h3 >>> 16;
  h4 ^= h4 >>> 16;
  h4 = Math.imul(h4, 0x85ebca6b);
  h4 ^= h4 >>> 13;
  h4 = Math.imul(h4, 0xc2b2ae35);
  h4 ^= h4 >>> 16;
  h1 = (h1 + h2 + h3 + h4) | 0;
  return hex4(h1 >>> 0, (h2 + h1) >>> 0, (h3 + h1) >>> 0, (h4 + h1) >>> 0);
}

/** The id of a transaction event: a hash of its query's and its response's ids. */
export function transactionId(queryId: string, responseId: string): string {
  lanes[0] = strHash(queryId);
  lanes[1] = strHash(responseId);
  lanes[2] = SEED;
  lanes[3] = 0x54;
  for (let i = 0; i < 32; i += 8) {
    fold(i >> 3, parseInt(queryId.slice(i, i + 8), 16));
    fold((i >> 3) + 1, parseInt(responseId.slice(i, i + 8), 16));
  }
  for (let i = 0; i < 4; i++) lanes[i] = fmix(lanes[i]!);
  return hexOf(lanes);
}
