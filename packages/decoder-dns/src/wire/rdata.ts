/**
 * RDATA in presentation form (zone-file syntax, RFC 1035 §5 and each type's RFC), names without their trailing
 * dot. Every type is read with bounds checks against the record's own length; a type whose data does not fit its
 * layout is not guessed at: `formatRdata` returns undefined with the reason in `rdataError`, and the caller keeps
 * the bytes in RFC 3597's generic form (`\# <length> <hex>`), which is also the form of every unknown type.
 */
import { ipv6String } from '@sightline/capture';
import { ipv4Text, ipv6Text } from './ip-text.js';
import { lastName, nameError, readName } from './name.js';
import { base32hex, base64, dnssecTime, hex, ipv4, quotedBody, u16, u32 } from './text.js';
import { rcodeName, svcParamKeyName, typeName } from './types.js';

/** Why the last `formatRdata` call returned undefined. */
export let rdataError = '';

/** RFC 3597 generic form: `\# <length> <hex>` (`\# 0` when empty). */
export function genericRdata(m: Uint8Array, start: number, end: number): string {
  return end > start ? `\\# ${end - start} ${hex(m, start, end)}` : '\\# 0';
}

function fail(reason: string): undefined {
  rdataError = reason;
  return undefined;
}

let pos = 0;
/** Where the current message starts in its buffer (compression offsets count from there). */
let base = 0;

/** A name inside RDATA at `p` (compression allowed into the message); sets `pos` past it. */
function name(m: Uint8Array, p: number, end: number, msgEnd: number): string | undefined {
  const next = readName(m, base, p, end, msgEnd);
  if (next < 0) return fail(`the name in the data ${nameError(next)}`);
  if (next > end) return fail('the name in the data runs past the record');
  pos = next;
  return lastName;
}

/** A <character-string> (length byte + bytes) as a quoted string; sets `pos` past it. */
function charString(m: Uint8Array, p: number, end: number): string | undefined {
  if (p >= end) return fail('a character string is missing');
  const len = m[p]!;
  if (p + 1 + len > end) return fail('a character string runs past the record');
  pos = p + 1 + len;
  return `"${quotedBody(m, p + 1, p + 1 + len)}"`;
}

function fixed(len: number, want: number, what: string): boolean {
  if (len === want) return true;
  rdataError = `${what} data has ${len} bytes, expected ${want}`;
  return false;
}

/** Type bitmap (NSEC, NSEC3, CSYNC; RFC 4034 §4.1.2) as type mnemonics. */
function typeBitmap(m: Uint8Array, p: number, end: number): string | undefined {
  const out: string[] = [];
  let lastWindow = -1;
  while (p < end) {
    if (p + 2 > end) return fail('the type bitmap is cut short');
    const window = m[p]!;
    const len = m[p + 1]!;
    if (len < 1 || len > 32 || p + 2 + len > end || window <= lastWindow) return fail('the type bitmap is malformed');
    lastWindow = window;
    for (let i = 0; i < len; i++) {
      const byte = m[p + 2 + i]!;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) out.push(typeName(window * 256 + i * 8 + bit));
    }
    p += 2 + len;
  }
  return out.join(' ');
}

/** LOC size/precision byte: mantissa * 10^exponent centimetres, as metres. */
function locSize(b: number): string | undefined {
  const mant = b >> 4;
  const exp = b & 15;
  if (mant > 9 || exp > 9) return undefined;
  const cm = mant * 10 ** exp;
  return `${cm >= 100 ? String(cm / 100) : (cm / 100).toFixed(2)}m`;
}

function locAngle(v: number, pos: string, neg: string): string {
  let x = v - 2 ** 31;
  const hemi = x < 0 ? neg : pos;
  x = Math.abs(x);
  const ms = x % 1000;
  x = Math.floor(x / 1000);
  const s = x % 60;
  x = Math.floor(x / 60);
  const min = x % 60;
  const deg = Math.floor(x / 60);
  return `${deg} ${min} ${s}.${String(ms).padStart(3, '0')} ${hemi}`;
}

function svcb(m: Uint8Array, start: number, end: number, msgEnd: number): string | undefined {
  if (end - start < 3) return fail(`SVCB data has ${end - start} bytes, less than the minimum of 3`);
  const priority = u16(m, start);
  const target = name(m, start + 2, end, msgEnd);
  if (target === undefined) return undefined;
  let s = `${priority} ${target}`;
  let p = pos;
  while (p < end) {
    if (p + 4 > end) return fail('an SVCB parameter is cut short');
    const key = u16(m, p);
    const len = u16(m, p + 2);
    const v = p + 4;
    const ve = v + len;
    if (ve > end) return fail(`SVCB parameter ${svcParamKeyName(key)} runs past the record`);
    let value: string | undefined;
    switch (key) {
      case 0: {
        if (len % 2 !== 0) return fail('SVCB mandatory list has an odd length');
        const keys: string[] = [];
        for (let i = v; i < ve; i += 2) keys.push(svcParamKeyName(u16(m, i)));
        value = keys.join(',');
        break;
      }
      case 1: {
        const ids: string[] = [];
        for (let i = v; i < ve; ) {
          const l = m[i]!;
          if (l === 0 || i + 1 + l > ve) return fail('SVCB alpn list has an invalid length');
          ids.push(quotedBody(m, i + 1, i + 1 + l).replace(/,/g, '\\,'));
          i += 1 + l;
        }
        if (ids.length === 0) return fail('SVCB alpn list is empty');
        value = ids.join(',');
        break;
      }
      case 2:
        if (len !== 0) return fail('SVCB no-default-alpn has a value');
        break;
      case 3:
        if (len !== 2) return fail(`SVCB port has ${len} bytes, expected 2`);
        value = String(u16(m, v));
        break;
      case 4: {
        if (len === 0 || len % 4 !== 0) return fail(`SVCB ipv4hint has ${len} bytes, not a multiple of 4`);
        const a: string[] = [];
        for (let i = v; i < ve; i += 4) a.push(ipv4(m, i));
        value = a.join(',');
        break;
      }
      case 5:
        value = base64(m, v, ve);
        break;
      case 6: {
        if (len === 0 || len % 16 !== 0) return fail(`SVCB ipv6hint has ${len} bytes, not a multiple of 16`);
        const a: string[] = [];
        for (let i = v; i < ve; i += 16) a.push(ipv6String(m, i));
        value = a.join(',');
        break;
      }
      default:
        value = len === 0 ? undefined : `"${quotedBody(m, v, ve)}"`;
    }
    s += value === undefined ? ` ${svcParamKeyName(key)}` : ` ${svcParamKeyName(key)}=${value}`;
    p = ve;
  }
  return s;
}

/**
 * The presentation form of the RDATA of `type` at [start, end) in the message that starts at `msgStart` in `m` and
 * ends at `msgEnd`, or undefined (reason in `rdataError`) when the bytes do not fit the type. Unknown types get
 * the generic form.
 */
export function formatRdata(m: Uint8Array, msgStart: number, type: number, start: number, end: number, msgEnd: number): string | undefined {
  base = msgStart;
  const len = end - start;
  switch (type) {
    case 1: // A
      return fixed(len, 4, 'A') ? ipv4Text(m, start) : undefined;
    case 28: // AAAA
      return fixed(len, 16, 'AAAA') ? ipv6Text(m, start) : undefined;
    case 2: // NS
    case 3: // MD
    case 4: // MF
    case 5: // CNAME
    case 7: // MB
    case 8: // MG
    case 9: // MR
    case 12: // PTR
    case 39: // DNAME
    case 23: { // NSAP-PTR
      const n = name(m, start, end, msgEnd);
      if (n === undefined) return undefined;
      return pos === end ? n : fail(`${typeName(type)} data has ${end - pos} bytes after the name`);
    }
    case 6: { // SOA
      const mname = name(m, start, end, msgEnd);
      if (mname === undefined) return undefined;
      const rname = name(m, pos, end, msgEnd);
      if (rname === undefined) return undefined;
      if (end - pos !== 20) return fail(`SOA data has ${end - pos} bytes after its names, expected 20`);
      const p = pos;
      return `${mname} ${rname} ${u32(m, p)} ${u32(m, p + 4)} ${u32(m, p + 8)} ${u32(m, p + 12)} ${u32(m, p + 16)}`;
    }
    case 15: // MX
    case 18: // AFSDB
    case 21: // RT
    case 36: { // KX
      if (len < 3) return fail(`${typeName(type)} data has ${len} bytes`);
      const n = name(m, start + 2, end, msgEnd);
      if (n === undefined) return undefined;
      return pos === end ? `${u16(m, start)} ${n}` : fail(`${typeName(type)} data has bytes after the name`);
    }
    case 14: // MINFO
    case 17: { // RP
      const a = name(m, start, end, msgEnd);
      if (a === undefined) return undefined;
      const b = name(m, pos, end, msgEnd);
      if (b === undefined) return undefined;
      return pos === end ? `${a} ${b}` : fail(`${typeName(type)} data has bytes after its names`);
    }
    case 16: // TXT
    case 99: { // SPF
      if (len === 0) return fail(`${typeName(type)} data is empty`);
      const parts: string[] = [];
      for (let p = start; p < end; p = pos) {
        const s = charString(m, p, end);
        if (s === undefined) return undefined;
        parts.push(s);
      }
      return parts.join(' ');
    }
    case 13: { // HINFO
      const cpu = charString(m, start, end);
      if (cpu === undefined) return undefined;
      const os = charString(m, pos, end);
      if (os === undefined) return undefined;
      return pos === end ? `${cpu} ${os}` : fail('HINFO data has bytes after its strings');
    }
    case 11: { // WKS
      if (len < 5) return fail(`WKS data has ${len} bytes, less than 5`);
      const ports: number[] = [];
      for (let i = start + 5; i < end; i++) {
        const byte = m[i]!;
        for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) ports.push((i - start - 5) * 8 + bit);
      }
      return `${ipv4(m, start)} ${m[start + 4]}${ports.length > 0 ? ` ${ports.join(' ')}` : ''}`;
    }
    case 29: { // LOC
      if (len !== 16) return fail(`LOC data has ${len} bytes, expected 16`);
      if (m[start] !== 0) return fail(`LOC version ${m[start]} is not 0`);
      const size = locSize(m[start + 1]!);
      const hp = locSize(m[start + 2]!);
      const vp = locSize(m[start + 3]!);
      if (size === undefined || hp === undefined || vp === undefined) return fail('LOC size or precision is not a valid mantissa/exponent');
      const alt = (u32(m, start + 12) - 10_000_000) / 100;
      return `${locAngle(u32(m, start + 4), 'N', 'S')} ${locAngle(u32(m, start + 8), 'E', 'W')} ${alt.toFixed(2)}m ${size} ${hp} ${vp}`;
    }
    case 33: { // SRV
      if (len < 7) return fail(`SRV data has ${len} bytes, less than 7`);
      const target = name(m, start + 6, end, msgEnd);
      if (target === undefined) return undefined;
      return pos === end ? `${u16(m, start)} ${u16(m, start + 2)} ${u16(m, start + 4)} ${target}` : fail('SRV data has bytes after the target');
    }
    case 35: { // NAPTR
      if (len < 4) return fail(`NAPTR data has ${len} bytes`);
      const flags = charString(m, start + 4, end);
      if (flags === undefined) return undefined;
      const services = charString(m, pos, end);
      if (services === undefined) return undefined;
      const regexp = charString(m, pos, end);
      if (regexp === undefined) return undefined;
      const replacement = name(m, pos, end, msgEnd);
      if (replacement === undefined) return undefined;
      return pos === end ? `${u16(m, start)} ${u16(m, start + 2)} ${flags} ${services} ${regexp} ${replacement}` : fail('NAPTR data has bytes after the replacement');
    }
    case 257: { // CAA
      if (len < 2) return fail(`CAA data has ${len} bytes`);
      const tagLen = m[start + 1]!;
      if (tagLen === 0 || start + 2 + tagLen > end) return fail('CAA tag length is invalid');
      return `${m[start]} ${quotedBody(m, start + 2, start + 2 + tagLen)} "${quotedBody(m, start + 2 + tagLen, end)}"`;
    }
    case 43: // DS
    case 59: // CDS
    case 32769: // DLV
    case 32768: // TA
      if (len < 4) return fail(`${typeName(type)} data has ${len} bytes, less than 4`);
      return `${u16(m, start)} ${m[start + 2]} ${m[start + 3]} ${len > 4 ? hex(m, start + 4, end) : '-'}`;
    case 48: // DNSKEY
    case 60: // CDNSKEY
    case 25: // KEY
      if (len < 4) return fail(`${typeName(type)} data has ${len} bytes, less than 4`);
      return `${u16(m, start)} ${m[start + 2]} ${m[start + 3]} ${len > 4 ? base64(m, start + 4, end) : '-'}`;
    case 46: // RRSIG
    case 24: { // SIG
      if (len < 19) return fail(`${typeName(type)} data has ${len} bytes, less than 19`);
      const signer = name(m, start + 18, end, msgEnd);
      if (signer === undefined) return undefined;
      return `${typeName(u16(m, start))} ${m[start + 2]} ${m[start + 3]} ${u32(m, start + 4)} ${dnssecTime(u32(m, start + 8))} ${dnssecTime(u32(m, start + 12))} ${u16(m, start + 16)} ${signer} ${pos < end ? base64(m, pos, end) : '-'}`;
    }
    case 47: { // NSEC
      const next = name(m, start, end, msgEnd);
      if (next === undefined) return undefined;
      const types = typeBitmap(m, pos, end);
      if (types === undefined) return undefined;
      return types === '' ? next : `${next} ${types}`;
    }
    case 50: { // NSEC3
      if (len < 5) return fail(`NSEC3 data has ${len} bytes`);
      const saltLen = m[start + 4]!;
      const h = start + 5 + saltLen;
      if (h >= end) return fail('NSEC3 salt runs past the record');
      const hashLen = m[h]!;
      if (hashLen === 0 || h + 1 + hashLen > end) return fail('NSEC3 next hashed owner runs past the record');
      const types = typeBitmap(m, h + 1 + hashLen, end);
      if (types === undefined) return undefined;
      const salt = saltLen === 0 ? '-' : hex(m, start + 5, h);
      const s = `${m[start]} ${m[start + 1]} ${u16(m, start + 2)} ${salt} ${base32hex(m, h + 1, h + 1 + hashLen)}`;
      return types === '' ? s : `${s} ${types}`;
    }
    case 51: { // NSEC3PARAM
      if (len < 5) return fail(`NSEC3PARAM data has ${len} bytes`);
      const saltLen = m[start + 4]!;
      if (start + 5 + saltLen !== end) return fail('NSEC3PARAM salt length does not match the record');
      return `${m[start]} ${m[start + 1]} ${u16(m, start + 2)} ${saltLen === 0 ? '-' : hex(m, start + 5, end)}`;
    }
    case 44: // SSHFP
      if (len < 2) return fail(`SSHFP data has ${len} bytes`);
      return `${m[start]} ${m[start + 1]} ${hex(m, start + 2, end)}`;
    case 52: // TLSA
    case 53: // SMIMEA
      if (len < 3) return fail(`${typeName(type)} data has ${len} bytes`);
      return `${m[start]} ${m[start + 1]} ${m[start + 2]} ${hex(m, start + 3, end)}`;
    case 49: // DHCID
    case 61: // OPENPGPKEY
      return len > 0 ? base64(m, start, end) : fail(`${typeName(type)} data is empty`);
    case 64: // SVCB
    case 65: // HTTPS
      return svcb(m, start, end, msgEnd);
    case 256: // URI
      if (len < 4) return fail(`URI data has ${len} bytes`);
      return `${u16(m, start)} ${u16(m, start + 2)} "${quotedBody(m, start + 4, end)}"`;
    case 108: // EUI48
    case 109: { // EUI64
      if (!fixed(len, type === 108 ? 6 : 8, typeName(type))) return undefined;
      const parts: string[] = [];
      for (let i = start; i < end; i++) parts.push(hex(m, i, i + 1));
      return parts.join('-');
    }
    case 250: { // TSIG
      const alg = name(m, start, end, msgEnd);
      if (alg === undefined) return undefined;
      let p = pos;
      if (p + 10 > end) return fail('TSIG data is cut short');
      const signed = u16(m, p) * 4294967296 + u32(m, p + 2);
      const fudge = u16(m, p + 6);
      const macLen = u16(m, p + 8);
      p += 10;
      if (p + macLen + 6 > end) return fail('TSIG MAC runs past the record');
      const mac = macLen > 0 ? base64(m, p, p + macLen) : '-';
      p += macLen;
      const origId = u16(m, p);
      const error = u16(m, p + 2);
      const otherLen = u16(m, p + 4);
      p += 6;
      if (p + otherLen !== end) return fail('TSIG other data length does not match the record');
      return `${alg} ${signed} ${fudge} ${macLen} ${mac} ${origId} ${rcodeName(error)} ${otherLen}${otherLen > 0 ? ` ${base64(m, p, end)}` : ''}`;
    }
    default:
      return genericRdata(m, start, end);
  }
}
