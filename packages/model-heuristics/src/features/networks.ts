/**
 * Which addresses are "ours": a list of CIDR ranges (default RFC 1918 and RFC 4193, plus link-local), matched
 * without allocating for IPv4 and with a bounded cache for IPv6.
 */

/** RFC 1918 private IPv4, RFC 4193 unique-local IPv6, and the link-local ranges of both. */
export const DEFAULT_INTERNAL_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'] as const;

/** An IPv4 address as an unsigned 32-bit number, or -1 when the string is not a dotted quad. */
export function ipv4ToInt(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** An IPv6 address as 16 bytes (embedded IPv4 and `::` allowed; a zone `%eth0` is ignored), or undefined. */
export function ipv6ToBytes(ip: string): Uint8Array | undefined {
  const zone = ip.indexOf('%');
  const text = zone >= 0 ? ip.slice(0, zone) : ip;
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = ipv4ToInt(p);
        if (v4 < 0) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >>> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

interface Range4 {
  readonly base: number;
  readonly mask: number;
}
interface Range6 {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** Thrown for a range that is not `address/prefix` (the model reports it as a config error). */
export class BadRangeError extends Error {}

function parseRange(cidr: string): { v4?: Range4; v6?: Range6 } {
  const [addr, len] = cidr.trim().split('/');
  const v4 = ipv4ToInt(addr ?? '');
  if (v4 >= 0) {
    const prefix = len === undefined ? 32 : Number(len);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new BadRangeError(`"${cidr}" has a bad IPv4 prefix length`);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { v4: { base: (v4 & mask) >>> 0, mask } };
  }
  const v6 = ipv6ToBytes(addr ?? '');
  if (v6 === undefined) throw new BadRangeError(`"${cidr}" is not an IPv4 or IPv6 address or range`);
  const prefix = len === undefined ? 128 : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) throw new BadRangeError(`"${cidr}" has a bad IPv6 prefix length`);
  return { v6: { bytes: v6, prefix } };
}

function inRange6(b: Uint8Array, r: Range6): boolean {
  let bits = r.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i]! & mask) !== (r.bytes[i]! & mask)) return false;
  }
  return true;
}

/** A set of address ranges. `has` is false for strings that are not addresses. */
export class AddressRanges {
  readonly #v4: Range4[] = [];
  readonly #v6: Range6[] = [];
  readonly #cache = new Map<string, boolean>();
  readonly source: readonly string[];

  constructor(cidrs: readonly string[]) {
    this.source = [...cidrs];
    for (const c of cidrs) {
      const r = parseRange(c);
      if (r.v4 !== undefined) this.#v4.push(r.v4);
      if (r.v6 !== undefined) this.#v6.push(r.v6);
    }
  }

  get empty(): boolean {
    return this.#v4.length === 0 && this.#v6.length === 0;
  }

  has(ip: string): boolean {
    const v4 = ipv4ToInt(ip);
    if (v4 >= 0) {
      for (const r of this.#v4) if (((v4 & r.mask) >>> 0) === r.base) return true;
      return false;
    }
    if (this.#v6.length === 0) return false;
    const cached = this.#cache.get(ip);
    if (cached !== undefined) return cached;
    const b = ipv6ToBytes(ip);
    const result = b !== undefined && this.#v6.some((r) => inRange6(b, r));
    if (this.#cache.size >= 65536) this.#cache.clear();
    this.#cache.set(ip, result);
    return result;
  }
}
