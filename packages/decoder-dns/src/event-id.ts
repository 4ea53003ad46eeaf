/**
 * Event ids for DNS events, the decoder's hot path. Core's `assignEventId` hashes an event's decoded fields one
 * by one (serialising the record arrays to JSON), which would cost more than decoding the message. Every decoded
 * field of a DNS event is a pure function of the message's bytes, its addresses, ports, transport, frame length
 * and capture time, so the id hashes exactly those, with the message's position in the capture (packet number
 * and place in the packet): MurmurHash3 x86 128 (core's) over the message, then the rest folded in with the same
 * block step and finalised. Identical messages at different positions keep distinct ids; reading the same capture
 * again gives the same ids.
 */
import { murmur3x86128 } from '@sightline/core';

const SEED = 0xd25e1e5;
const lanes = new Uint32Array(4);
const text = Buffer.alloc(32) as Buffer & { latin1Slice(start: number, end: number): string };
// Two hex digits per byte value, as one 16-bit write (little-endian: the first digit in the low byte).
const text16 = new Uint16Array(text.buffer, text.byteOffset, 16);
const PAIRS = Uint16Array.from({ length: 256 }, (_, i) => {
  const d = '0123456789abcdef';
  return d.charCodeAt(i >> 4) | (d.charCodeAt(i & 15) << 8);
});

/** The four lanes as 32 hex digits, written into a scratch buffer and read out as one string. */
function hexOf(l: Uint32Array): string {
  for (let i = 0; i < 4; i++) {
    const v = l[i]!;
    text16[i * 4] = PAIRS[v >>> 24]!;
    text16[i * 4 + 1] = PAIRS[(v >>> 16) & 255]!;
    text16[i * 4 + 2] = PAIRS[(v >>> 8) & 255]!;
    text16[i * 4 + 3] = PAIRS[v & 255]!;
  }
  return text.latin1Slice(0, 32);
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

/** The id of the event for one message found in a capture (32 hex digits); a `FoundMessage` will do. */
export function dnsEventId(x: IdentityParts): string {
  murmur3x86128(x.bytes, x.end - x.start, SEED, lanes, x.start);
  const pk = x.packet;
  const sk = x.srcKey ?? -1;
  const dk = x.dstKey ?? -1;
  fold(0, sk === -1 ? strHash(x.src) : sk);
  fold(1, dk === -1 ? strHash(x.dst) : dk);
  fold(2, ((x.srcPort << 16) | x.dstPort) >>> 0);
  fold(3, x.proto);
  fold(4, pk.originalLength);
  fold(5, pk.seconds >>> 0);
  fold(6, Math.floor(pk.seconds / 4294967296));
  fold(7, pk.nanos);
  fold(8, pk.index >>> 0);
  fold(9, Math.floor(pk.index / 4294967296));
  fold(10, x.ordinal);
  let h1 = lanes[0]! ^ 11;
  let h2 = lanes[1]! ^ 11;
  let h3 = lanes[2]! ^ 11;
  let h4 = lanes[3]! ^ 11;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  lanes[0] = h1;
  lanes[1] = (h2 + h1) | 0;
  lanes[2] = (h3 + h1) | 0;
  lanes[3] = (h4 + h1) | 0;
  return hexOf(lanes);
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
