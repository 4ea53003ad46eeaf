/** Presentation helpers shared by the RDATA formatters: hex, base64, base32hex, quoted strings, times. */

type Slicer = (this: Uint8Array, start: number, end: number) => string;
const { base64Slice, hexSlice, latin1Slice } = Buffer.prototype as unknown as { base64Slice: Slicer; hexSlice: Slicer; latin1Slice: Slicer };

/** Lower-case hex of m[start, end), as one flat string (Node's native encoder; works on any Uint8Array). */
export function hex(m: Uint8Array, start: number, end: number): string {
  return end > start ? hexSlice.call(m, start, end) : '';
}

export function base64(m: Uint8Array, start: number, end: number): string {
  return end > start ? base64Slice.call(m, start, end) : '';
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';

/** RFC 4648 base32hex without padding, lower case (NSEC3 next hashed owner names). */
export function base32hex(m: Uint8Array, start: number, end: number): string {
  let s = '';
  let bits = 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    value = (value << 8) | m[i]!;
    bits += 8;
    while (bits >= 5) {
      s += B32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) s += B32HEX[(value << (5 - bits)) & 31];
  return s;
}

/** Bytes as the inside of a zone-file quoted string: `"` and `\` escaped, non-printable bytes as `\DDD`. */
export function quotedBody(m: Uint8Array, start: number, end: number): string {
  let s = '';
  let plainFrom = start;
  for (let i = start; i < end; i++) {
    const c = m[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    if (i > plainFrom) s += latin1(m, plainFrom, i);
    s += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : `\\${String(c).padStart(3, '0')}`;
    plainFrom = i + 1;
  }
  if (end > plainFrom) s += latin1(m, plainFrom, end);
  return s;
}

/** m[start, end) as Latin-1 text (Node's native decoder, straight from the array: no Buffer is made for it). */
export function latin1(m: Uint8Array, start: number, end: number): string {
  return end > start ? latin1Slice.call(m, start, end) : '';
}

export function ipv4(m: Uint8Array, o: number): string {
  return `${m[o]}.${m[o + 1]}.${m[o + 2]}.${m[o + 3]}`;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** RRSIG/SIG time: YYYYMMDDHHmmSS (UTC) from seconds since the epoch (RFC 4034 §3.2). */
export function dnssecTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}

export const u16 = (m: Uint8Array, o: number): number => (m[o]! << 8) | m[o + 1]!;
export const u32 = (m: Uint8Array, o: number): number => ((m[o]! << 24) | (m[o + 1]! << 16) | (m[o + 2]! << 8) | m[o + 3]!) >>> 0;
