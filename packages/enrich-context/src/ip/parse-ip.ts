/**
 * Address parsing without allocation: an IPv4 address becomes one unsigned 32-bit number, an IPv6 address four
 * 32-bit words (most significant first). IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are read as IPv4, so
 * one range table answers both spellings. A zone id (`fe80::1%eth0`) is ignored.
 */
export const NOT_IP = 0;
export const IPV4 = 4;
export const IPV6 = 6;
export type IpFamily = typeof NOT_IP | typeof IPV4 | typeof IPV6;

/** Reusable parser: `parse` fills `v4` or `v6` and returns the family. One per consumer; not re-entrant. */
export class IpParser {
  v4 = 0;
  readonly v6 = new Uint32Array(4);
  readonly #groups = new Uint16Array(8);

  parse(s: string): IpFamily {
    if (s.length === 0 || s.length > 64) return NOT_IP;
    if (s.indexOf(':') < 0) {
      const v = parseV4(s, 0, s.length);
      if (v < 0) return NOT_IP;
      this.v4 = v;
      return IPV4;
    }
    if (!this.#parseV6(s)) return NOT_IP;
    const w = this.v6;
    if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) {
      this.v4 = w[3]!;
      return IPV4;
    }
    return IPV6;
  }

  #parseV6(s: string): boolean {
    let end = s.indexOf('%');
    if (end < 0) end = s.length;
    const g = this.#groups;
    let n = 0; // groups written
    let gap = -1; // index in g where '::' stands
    let i = 0;
    if (s.charCodeAt(0) === 58 /* : */) {
      if (s.charCodeAt(1) !== 58) return false;
      gap = 0;
      i = 2;
      if (i === end) return this.#finish(n, gap);
    }
    for (;;) {
      // one group: hex digits, or a dotted IPv4 tail
      let v = 0;
      let digits = 0;
      const start = i;
      while (i < end) {
        const c = s.charCodeAt(i);
        const h = hexValue(c);
        if (h < 0) break;
        v = (v << 4) | h;
        digits++;
        i++;
      }
      if (i < end && s.charCodeAt(i) === 46 /* . */) {
        if (n > 6) return false;
        const v4 = parseV4(s, start, end);
        if (v4 < 0) return false;
        g[n++] = v4 >>> 16;
        g[n++] = v4 & 0xffff;
        return this.#finish(n, gap);
      }
      if (digits === 0 || digits > 4 || n >= 8) return false;
      g[n++] = v;
      if (i === end) return this.#finish(n, gap);
      if (s.charCodeAt(i) !== 58) return false;
      i++;
      if (i < end && s.charCodeAt(i) === 58) {
        if (gap >= 0) return false;
        gap = n;
        i++;
        if (i === end) return this.#finish(n, gap);
      } else if (i === end) {
        return false;
      }
    }
  }

  #finish(n: number, gap: number): boolean {
    const g = this.#groups;
    if (gap < 0) {
      if (n !== 8) return false;
    } else {
      if (n > 7) return false;
      const tail = n - gap;
      const move = 8 - n;
      for (let k = tail - 1; k >= 0; k--) g[gap + move + k] = g[gap + k]!;
      for (let k = 0; k < move; k++) g[gap + k] = 0;
    }
    const w = this.v6;
    w[0] = ((g[0]! << 16) | g[1]!) >>> 0;
    w[1] = ((g[2]! << 16) | g[3]!) >>> 0;
    w[2] = ((g[4]! << 16) | g[5]!) >>> 0;
    w[3] = ((g[6]! << 16) | g[7]!) >>> 0;
    return true;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Dotted-quad IPv4 in s[from, to) as an unsigned number, or -1. */
export function parseV4(s: string, from: number, to: number): number {
  let acc = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return -1;
      acc = acc * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return acc * 256 + part;
}

/** Four 32-bit words to one bigint (for building tables, not for lookups). */
export function wordsToBigInt(w: ArrayLike<number>): bigint {
  return (BigInt(w[0]!) << 96n) | (BigInt(w[1]!) << 64n) | (BigInt(w[2]!) << 32n) | BigInt(w[3]!);
}

export function formatV4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text of a 128-bit address. */
export function formatV6(v: bigint): string {
  const g: number[] = [];
  for (let k = 7; k >= 0; k--) g.push(Number((v >> BigInt(k * 16)) & 0xffffn));
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatV4(Number(v & 0xffffffffn))}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
