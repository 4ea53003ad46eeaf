/**
 * Format detection for the netflow decoder. Everything here is synchronous and reads only the probe's bytes:
 * export datagrams (v1/v5/v7/v9/IPFIX headers that add up), nfdump CSV headers, nfcapd file magic, and packet
 * captures whose first UDP payloads are export packets (a capture of DNS traffic scores low, so the DNS decoder
 * gets it).
 */
import { decodeIp, decodeLink, decodeUdp, isLayerError } from '@sightline/capture';
import { u16, u32 } from './wire/bytes.js';

export type NetflowFormat = 'packets' | 'pcap' | 'nfdump-csv' | 'nfcapd';

/** nfdump's file magic (LE uint16 0xA50C) and the layout versions of nfdump 1.6 (1) and 1.7 (2). */
export const NFCAPD_MAGIC = 0xa50c;

/** How plausible it is that `b` (from `o`, `avail` bytes available) starts an export packet: 0, or its length. */
export function exportPacketLength(b: Uint8Array, o: number, avail: number, exact: boolean): number {
  if (avail < 4) return 0;
  const version = u16(b, o);
  const count = u16(b, o + 2);
  switch (version) {
    case 1:
    case 5:
    case 7: {
      const head = version === 1 ? 16 : 24;
      const rec = version === 7 ? 52 : 48;
      const max = version === 1 ? 24 : version === 5 ? 30 : 28;
      if (count === 0 || count > max) return 0;
      const len = head + rec * count;
      if (!exact) return len;
      return avail === len || (avail > len && allZeroFrom(b, o + len, o + avail)) ? len : 0;
    }
    case 9: {
      if (avail < 24) return 0;
      // The first flowset must be a template (0), options template (1) or data (>= 256) with a sane length.
      const id = u16(b, o + 20);
      const len = u16(b, o + 22);
      if (!(id === 0 || id === 1 || id >= 256) || len < 4 || (exact && 20 + len > avail)) return 0;
      if (count > 8192) return 0;
      return exact ? avail : 20 + len;
    }
    case 10: {
      const len = count; // IPFIX: the second field is the message length
      if (len < 16 || (exact && len > avail)) return 0;
      if (avail >= 20) {
        const id = u16(b, o + 16);
        const slen = u16(b, o + 18);
        if (!(id === 2 || id === 3 || id >= 256) || slen < 4 || 16 + slen > len) return 0;
      }
      return len;
    }
    default:
      return 0;
  }
}

function allZeroFrom(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

const CSV_HEADERS = ['ts,te,td,sa,da,sp,dp,pr', 'firstseen,duration,proto,srcaddr,srcport,dstaddr,dstport'];

/** Which of the decoder's formats the probe is, with a confidence. */
export function sniffNetflow(head: Uint8Array, framing: 'stream' | 'datagram'): { format: NetflowFormat; confidence: number } | undefined {
  if (head.length < 4) return undefined;
  if (framing === 'datagram') {
    return exportPacketLength(head, 0, head.length, true) > 0 ? { format: 'packets', confidence: 0.95 } : undefined;
  }
  const le16 = head[0]! | (head[1]! << 8);
  if (le16 === NFCAPD_MAGIC) {
    const layout = head[2]! | (head[3]! << 8);
    return layout === 1 || layout === 2 ? { format: 'nfcapd', confidence: 0.99 } : undefined;
  }
  const pcap = sniffCaptureExports(head);
  if (pcap !== undefined) return pcap;
  const start = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 200)).toString('latin1').replace(/^\uFEFF/, '').toLowerCase();
  if (CSV_HEADERS.some((h) => start.startsWith(h))) return { format: 'nfdump-csv', confidence: 0.99 };
  // A file of raw export payloads (flowbeat-style .dat files): one or more packets back to back.
  const len = exportPacketLength(head, 0, head.length, false);
  if (len > 0) return { format: 'packets', confidence: len <= head.length ? 0.85 : 0.6 };
  return undefined;
}

/** Minimal synchronous pcap / pcapng walk over the probe: the share of UDP payloads that are export packets. */
function sniffCaptureExports(head: Uint8Array): { format: 'pcap'; confidence: number } | undefined {
  const magicLe = u32le(head, 0);
  const magicBe = u32(head, 0);
  let frames: { link: number; data: Uint8Array }[] = [];
  const pcapMagic = (m: number): boolean => m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xa1b2cd34;
  if (pcapMagic(magicLe) || pcapMagic(magicBe)) {
    if (head.length < 24) return { format: 'pcap', confidence: 0.3 };
    const le = pcapMagic(magicLe);
    const rd = (o: number): number => (le ? u32le(head, o) : u32(head, o));
    const link = rd(20) & 0xffff;
    const recHead = (le ? magicLe : magicBe) === 0xa1b2cd34 ? 24 : 16;
    for (let o = 24; o + recHead <= head.length && frames.length < 64; ) {
      const incl = rd(o + 8);
      if (incl > 262144 || o + recHead + incl > head.length) break;
      frames.push({ link, data: head.subarray(o + recHead, o + recHead + incl) });
      o += recHead + incl;
    }
  } else if (magicLe === 0x0a0d0d0a) {
    frames = pcapngFrames(head);
  } else return undefined;
  let udp = 0;
  let exports = 0;
  for (const f of frames) {
    const l = decodeLink(f.link, f.data);
    if (isLayerError(l) || l.ipVersion === 0) continue;
    const ip = decodeIp(f.data, l.offset);
    if (isLayerError(ip) || ip.protocol !== 17 || (ip.fragment !== undefined && ip.fragment.offset > 0)) continue;
    const u = decodeUdp(ip.payload);
    if (isLayerError(u)) continue;
    udp++;
    if (exportPacketLength(u.payload, 0, u.payload.length, true) > 0 || (u.truncated && exportPacketLength(u.payload, 0, u.payload.length, false) > 0)) exports++;
  }
  if (exports === 0) return { format: 'pcap', confidence: udp === 0 && frames.length === 0 ? 0.05 : 0.02 };
  const share = exports / udp;
  return { format: 'pcap', confidence: share >= 0.5 ? 0.95 : share >= 0.2 ? 0.6 : 0.3 };
}

function u32le(b: Uint8Array, o: number): number {
  return o + 4 <= b.length ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0 : 0;
}

function pcapngFrames(b: Uint8Array): { link: number; data: Uint8Array }[] {
  const frames: { link: number; data: Uint8Array }[] = [];
  const links: number[] = [];
  let le = true;
  for (let o = 0; o + 12 <= b.length && frames.length < 64; ) {
    if (u32le(b, o) === 0x0a0d0d0a) {
      le = u32le(b, o + 8) === 0x1a2b3c4d;
      links.length = 0;
    }
    const rd = (p: number): number => (le ? u32le(b, p) : u32(b, p));
    const type = rd(o);
    const len = rd(o + 4);
    if (len < 12 || len % 4 !== 0 || o + len > b.length) break;
    if (type === 1 && len >= 20) links.push(le ? b[o + 8]! | (b[o + 9]! << 8) : u16(b, o + 8));
    else if (type === 6 && len >= 32) {
      const iface = rd(o + 8);
      const cap = rd(o + 20);
      const link = links[iface];
      if (link !== undefined && 28 + cap <= len) frames.push({ link, data: b.subarray(o + 28, o + 28 + cap) });
    }
    o += len;
  }
  return frames;
}
