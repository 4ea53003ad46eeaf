import { IPV4, IPV6, IpParser, wordsToBigInt } from './parse-ip.js';

/** An address range from a reference file: IPv4 as numbers, IPv6 as bigints, `end` inclusive. */
export type Network =
  | { readonly family: 4; readonly start: number; readonly end: number; readonly prefix: number | undefined }
  | { readonly family: 6; readonly start: bigint; readonly end: bigint; readonly prefix: number | undefined };

const MAX6 = (1n << 128n) - 1n;
const parser = new IpParser();

function address(text: string): { family: 4; v: number } | { family: 6; v: bigint } | undefined {
  const f = parser.parse(text.trim());
  if (f === IPV4) return { family: 4, v: parser.v4 };
  if (f === IPV6) return { family: 6, v: wordsToBigInt(parser.v6) };
  return undefined;
}

/**
 * Reads `192.0.2.7`, `192.0.2.0/24`, `2001:db8::/32` or a range `192.0.2.10-192.0.2.20`. Host bits below a
 * prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`). Returns a message instead when the text is none of these.
 */
export function parseNetwork(text: string): Network | string {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash >= 0) {
    const a = address(t.slice(0, slash));
    const lenText = t.slice(slash + 1).trim();
    if (a === undefined) return `"${t}" is not an address/prefix`;
    if (!/^\d{1,3}$/.test(lenText)) return `"${t}" has no prefix length after the /`;
    let len = Number(lenText);
    const mappedV4 = a.family === 4 && t.slice(0, slash).includes(':');
    if (mappedV4) len -= 96; // ::ffff:192.0.2.0/120 is 192.0.2.0/24
    if (a.family === 4) {
      if (len < 0 || len > 32) return `"${t}": prefix length must be 0-32 for IPv4`;
      const size = 2 ** (32 - len);
      const start = Math.floor(a.v / size) * size;
      return { family: 4, start, end: start + size - 1, prefix: len };
    }
    if (len < 0 || len > 128) return `"${t}": prefix length must be 0-128 for IPv6`;
    const host = len === 128 ? 0n : (1n << BigInt(128 - len)) - 1n;
    const start = a.v & (MAX6 ^ host);
    return { family: 6, start, end: start | host, prefix: len };
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = address(t.slice(0, dash));
    const b = address(t.slice(dash + 1));
    if (a === undefined && b === undefined) return `"${t}" is not an IP address, CIDR prefix or range`;
    if (a === undefined || b === undefined) return `"${t}" is not a range of two addresses`;
    if (a.family !== b.family) return `"${t}" mixes IPv4 and IPv6`;
    if (a.v > b.v) return `"${t}": the range ends before it starts`;
    return a.family === 4 ? { family: 4, start: a.v, end: b.v as number, prefix: undefined } : { family: 6, start: a.v, end: b.v as bigint, prefix: undefined };
  }
  const a = address(t);
  if (a === undefined) return `"${t}" is not an IP address, CIDR prefix or range`;
  return a.family === 4 ? { family: 4, start: a.v, end: a.v, prefix: 32 } : { family: 6, start: a.v, end: a.v, prefix: 128 };
}

export function isAddressText(text: string): boolean {
  return parser.parse(text) !== 0;
}
