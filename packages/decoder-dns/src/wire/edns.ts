/**
 * EDNS(0) (RFC 6891): the OPT pseudo-record's header fields and its options, of which client subnet (RFC 7871),
 * cookies (RFC 7873), NSID (RFC 5001), TCP keepalive (RFC 7828), padding (RFC 7830) and extended errors
 * (RFC 8914) are decoded; other options are kept in hex. A malformed option is reported and kept raw.
 */
import { ipv6String } from '@sightline/capture';
import { hex, ipv4, latin1, u16 } from './text.js';
import { ednsOptionName } from './types.js';
import { sameWords, storeWords, viewBytes, wireHashOf } from './words.js';

// Cookies as text, by their bytes: a client sends the same cookie to a server for a long time (RFC 7873 §4.1) and
// the server's reply repeats it, so most cookies need no new string. Direct-mapped; a hit is confirmed word by word.
const COOKIE_SLOTS = 2048;
const COOKIE_ROW = 10; // words: cookies are at most 40 bytes
const cookieHash = new Int32Array(COOKIE_SLOTS);
const cookieLen = new Int32Array(COOKIE_SLOTS).fill(-1);
const cookieWords = new Int32Array(COOKIE_SLOTS * COOKIE_ROW);
const cookieText: string[] = new Array<string>(COOKIE_SLOTS).fill('');

/** hex(m, v, ve) for a cookie, from the cache when the same bytes were seen before. */
function cookieHex(m: Uint8Array, v: number, ve: number): string {
  const n = ve - v;
  if (n > COOKIE_ROW * 4) return hex(m, v, ve);
  viewBytes(m);
  const h = wireHashOf(m, v, ve);
  const slot = h & (COOKIE_SLOTS - 1);
  const at = slot * COOKIE_ROW;
  if (cookieLen[slot] === n && cookieHash[slot] === h && sameWords(cookieWords, at, m, v, ve)) return cookieText[slot]!;
  const text = hex(m, v, ve);
  cookieLen[slot] = n;
  cookieHash[slot] = h;
  storeWords(cookieWords, at, m, v, ve);
  cookieText[slot] = text;
  return text;
}

function problem(e: Edns, text: string): void {
  (e.problems ??= []).push(text);
}

export interface Edns {
  readonly udpSize: number;
  /** Upper 8 bits of the 12-bit response code. */
  readonly extendedRcode: number;
  readonly version: number;
  readonly dnssecOk: boolean;
  /** The other 15 flag bits (should be 0). */
  readonly z: number;
  /** Option names in order, joined by `,` (`COOKIE`, `ECS,COOKIE`, `OPT65001`…); empty without options. */
  options: string;
  /** `address/source-prefix` (the address as sent: only its prefix bytes, zero-filled). */
  clientSubnet?: string;
  clientSubnetScope?: number;
  /** Client cookie followed by the server cookie, hex. */
  cookie?: string;
  nsid?: string;
  /** Idle timeout in units of 100 ms; null when the option is present without one. */
  keepalive?: number | null;
  padding?: number;
  /** Extended DNS error: `code` or `code text`. */
  extendedError?: string;
  /** Options other than the above: `NAME=hex`. */
  other?: string[];
  /** What was wrong with the options, if anything. */
  problems?: string[];
}

/** Reads the OPT record's class, TTL and RDATA at [start, end). */
export function readEdns(m: Uint8Array, cls: number, ttl: number, start: number, end: number): Edns {
  const e: Edns = { udpSize: cls, extendedRcode: ttl >>> 24, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, z: ttl & 0x7fff, options: '' };
  let p = start;
  while (p < end) {
    if (p + 4 > end) {
      problem(e, `an EDNS option header is cut short (${end - p} bytes left)`);
      break;
    }
    const code = u16(m, p);
    const len = u16(m, p + 2);
    const v = p + 4;
    const ve = v + len;
    const nameOf = ednsOptionName(code);
    e.options = e.options === '' ? nameOf : `${e.options},${nameOf}`;
    if (ve > end) {
      problem(e, `EDNS option ${nameOf} declares ${len} bytes but ${end - v} remain`);
      break;
    }
    switch (code) {
      case 8: {
        if (len < 4) {
          problem(e, `EDNS client subnet option has ${len} bytes, less than 4`);
          break;
        }
        const family = u16(m, v);
        const source = m[v + 2]!;
        const scope = m[v + 3]!;
        const addrLen = len - 4;
        const size = family === 1 ? 4 : family === 2 ? 16 : 0;
        if (size === 0) {
          problem(e, `EDNS client subnet family ${family} is neither IPv4 (1) nor IPv6 (2)`);
          break;
        }
        if (source > size * 8 || scope > size * 8) {
          problem(e, `EDNS client subnet prefix ${source}/${scope} is longer than an ${family === 1 ? 'IPv4' : 'IPv6'} address`);
          break;
        }
        if (addrLen !== Math.ceil(source / 8)) {
          problem(e, `EDNS client subnet carries ${addrLen} address bytes for a /${source} prefix (RFC 7871 wants ${Math.ceil(source / 8)})`);
          if (addrLen > size) break;
        }
        const full = new Uint8Array(size);
        full.set(m.subarray(v + 4, ve));
        e.clientSubnet = `${family === 1 ? ipv4(full, 0) : ipv6String(full, 0)}/${source}`;
        if (scope !== 0) e.clientSubnetScope = scope;
        break;
      }
      case 10:
        if (len !== 8 && (len < 16 || len > 40)) problem(e, `EDNS cookie has ${len} bytes (8, or 16 to 40, expected)`);
        e.cookie = cookieHex(m, v, ve);
        break;
      case 3:
        e.nsid = hex(m, v, ve);
        break;
      case 11:
        if (len === 0) e.keepalive = null;
        else if (len === 2) e.keepalive = u16(m, v);
        else problem(e, `EDNS TCP keepalive has ${len} bytes (0 or 2 expected)`);
        break;
      case 12:
        e.padding = len;
        break;
      case 15:
        if (len < 2) problem(e, `EDNS extended error has ${len} bytes`);
        else e.extendedError = len > 2 ? `${u16(m, v)} ${latin1(m, v + 2, ve)}` : String(u16(m, v));
        break;
      default:
        (e.other ??= []).push(`${nameOf}=${hex(m, v, ve)}`);
    }
    p = ve;
  }
  return e;
}
