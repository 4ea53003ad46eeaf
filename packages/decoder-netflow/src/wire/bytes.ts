/** Big-endian reads over a byte array. Callers check bounds first (every caller knows the end of its set). */

export function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Unsigned integer of 1 to 8 bytes (reduced-size encoding, RFC 7011 §6.2). Exact up to 2^53. */
export function uint(b: Uint8Array, o: number, len: number): number {
  switch (len) {
    case 1:
      return b[o]!;
    case 2:
      return (b[o]! << 8) | b[o + 1]!;
    case 4:
      return u32(b, o);
    case 8:
      return u32(b, o) * 4294967296 + u32(b, o + 4);
    default: {
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + b[o + i]!;
      return v;
    }
  }
}

/** Two's-complement signed integer of 1 to 8 bytes. */
export function sint(b: Uint8Array, o: number, len: number): number {
  const v = uint(b, o, len);
  const half = 2 ** (8 * len - 1);
  return v >= half ? v - 2 * half : v;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(b: Uint8Array, o: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX[b[o + i]!]!;
  return s;
}

/** Text of a string element: UTF-8, with the NUL padding some exporters add removed. */
const utf8 = new TextDecoder('utf-8', { fatal: false });
export function text(b: Uint8Array, o: number, len: number): string {
  let end = o + len;
  while (end > o && b[end - 1] === 0) end--;
  let ascii = end - o <= 256; // short ASCII strings in one call; long ones (up to 64 KiB) through the decoder
  for (let i = o; ascii && i < end; i++) if (b[i]! >= 0x80 || b[i] === 0) ascii = false;
  if (ascii) return String.fromCharCode.apply(null, b.subarray(o, end) as unknown as number[]);
  return utf8.decode(b.subarray(o, end)).replace(/\u0000/g, '');
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET = 2208988800;

/** An RFC 5905 NTP timestamp (dateTimeMicroseconds/-Nanoseconds, RFC 7011 §6.1.9) as Unix epoch milliseconds. */
export function ntpMillis(b: Uint8Array, o: number): number {
  const seconds = u32(b, o);
  const fraction = u32(b, o + 4);
  return (seconds - NTP_UNIX_OFFSET) * 1000 + Math.floor((fraction * 1000) / 4294967296);
}
