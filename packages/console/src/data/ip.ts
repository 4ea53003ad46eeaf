import { isIP } from 'node:net';

/** An address as a big integer with its family (4 or 6), or undefined when it is not an address. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  const family = isIP(text);
  if (family === 4) {
    const parts = text.split('.').map(Number);
    return { family: 4, value: BigInt(((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) };
  }
  if (family === 6) {
    let s = text.toLowerCase();
    const zone = s.indexOf('%');
    if (zone !== -1) s = s.slice(0, zone);
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    if (v4 !== null) {
      const p = v4[1]!.split('.').map(Number);
      s = `${s.slice(0, v4.index)}${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
    }
    const [head = '', tail] = s.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
    let value = 0n;
    for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
    return { family: 6, value };
  }
  return undefined;
}

/** A filter on addresses: one address, or a CIDR block (`10.10.0.0/16`, `2001:db8::/32`). */
export interface AddressFilter {
  readonly text: string;
  matches(address: string): boolean;
}

/** Parses an address or CIDR; undefined when it is neither (the caller reports it as a bad parameter). */
export function parseAddressFilter(text: string): AddressFilter | undefined {
  const slash = text.indexOf('/');
  const base = parseAddress(slash === -1 ? text : text.slice(0, slash));
  if (base === undefined) return undefined;
  const bits = base.family === 4 ? 32 : 128;
  const prefix = slash === -1 ? bits : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash !== -1 && !/^\d{1,3}$/.test(text.slice(slash + 1)))) return undefined;
  const shift = BigInt(bits - prefix);
  const net = base.value >> shift;
  return {
    text,
    matches(address: string): boolean {
      const a = parseAddress(address);
      return a !== undefined && a.family === base.family && a.value >> shift === net;
    },
  };
}

const PRIVATE: readonly AddressFilter[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::1/128'].map(
  (c) => parseAddressFilter(c)!,
);

/**
 * isInternalAddress with a memory of the addresses it has seen (an index meets the same few thousand addresses
 * over and over; parsing each once keeps loading fast).
 */
export class InternalAddresses {
  readonly #seen = new Map<string, boolean>();

  test(address: string | undefined, flagged: unknown): boolean {
    if (typeof flagged === 'boolean') return flagged;
    if (address === undefined) return false;
    let v = this.#seen.get(address);
    if (v === undefined) {
      v = isInternalAddress(address, undefined);
      if (this.#seen.size < 1_000_000) this.#seen.set(address, v);
    }
    return v;
  }
}

/**
 * Whether an address is internal: the enricher's verdict (`src_internal` / `dst_internal`) when the event has one,
 * else private, loopback, link-local and shared ranges (RFC 1918, 6598, 4193, 4291).
 */
export function isInternalAddress(address: string | undefined, flagged: boolean | undefined): boolean {
  if (flagged !== undefined) return flagged;
  if (address === undefined) return false;
  return PRIVATE.some((p) => p.matches(address));
}
