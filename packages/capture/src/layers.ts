import type { CapturedPacket } from './capture-cursor.js';

/** Link-layer types this reader decodes (LINKTYPE_* values). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  DLT_RAW_12: 12,
  DLT_RAW_14: 14,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
  PPP: 9,
  FDDI: 10,
  PPP_HDLC: 50,
  C_HDLC: 104,
} as const;

export interface LayerError {
  readonly error: { readonly code: 'SL_CAPTURE_UNSUPPORTED_LINK' | 'SL_CAPTURE_MALFORMED_PACKET'; readonly message: string };
}

export function isLayerError<T extends object>(v: T | LayerError): v is LayerError {
  return 'error' in v;
}

const fail = (code: LayerError['error']['code'], message: string): LayerError => ({ error: { code, message } });

/** Where the network layer starts in a link-layer frame, and which protocol it is. */
export interface NetworkStart {
  /** 4 or 6 for IP; 0 for something else (ARP, …) that carries no IP. */
  readonly ipVersion: 0 | 4 | 6;
  readonly offset: number;
  readonly etherType: number;
  /** 802.1Q VLAN ids, outermost first. */
  readonly vlans: readonly number[];
  readonly srcMac?: string;
  readonly dstMac?: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function macString(b: Uint8Array, o: number): string {
  return `${HEX[b[o]!]}:${HEX[b[o + 1]!]}:${HEX[b[o + 2]!]}:${HEX[b[o + 3]!]}:${HEX[b[o + 4]!]}:${HEX[b[o + 5]!]}`;
}

function fromEtherType(etherType: number, offset: number, vlans: number[], extra: { srcMac?: string; dstMac?: string } = {}): NetworkStart {
  const ipVersion = etherType === 0x0800 ? 4 : etherType === 0x86dd ? 6 : 0;
  return { ipVersion, offset, etherType, vlans, ...extra };
}

const PPP_PROTOCOLS: Record<number, number> = { 0x0021: 0x0800, 0x0057: 0x86dd };

/** Where IP starts after a PPP header (optional HDLC address/control 0xff 0x03, then a 1- or 2-byte protocol). */
function ppp(d: Uint8Array, o: number): NetworkStart | LayerError {
  if (d.length >= o + 2 && d[o] === 0xff && d[o + 1] === 0x03) o += 2;
  if (d.length < o + 1) return fail('SL_CAPTURE_MALFORMED_PACKET', 'PPP header cut short');
  // Protocol field compression: an odd first byte is a 1-byte protocol.
  const protocol = d[o]! & 1 ? d[o]! : d.length >= o + 2 ? (d[o]! << 8) | d[o + 1]! : -1;
  if (protocol < 0) return fail('SL_CAPTURE_MALFORMED_PACKET', 'PPP protocol cut short');
  const size = d[o]! & 1 ? 1 : 2;
  return fromEtherType(PPP_PROTOCOLS[protocol] ?? 0, o + size, []);
}

/** Decodes the link layer of a frame: Ethernet (802.1Q / QinQ), Linux SLL and SLL2, raw IP, BSD loopback/NULL, PPP, Cisco HDLC, FDDI. */
export function decodeLink(linkType: number, d: Uint8Array): NetworkStart | LayerError {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (d.length < 14) return fail('SL_CAPTURE_MALFORMED_PACKET', `Ethernet frame of ${d.length} bytes is shorter than its header`);
      let o = 12;
      let type = (d[o]! << 8) | d[o + 1]!;
      const vlans: number[] = [];
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        if (d.length < o + 6) return fail('SL_CAPTURE_MALFORMED_PACKET', 'VLAN tag cut short');
        vlans.push(((d[o + 2]! << 8) | d[o + 3]!) & 0x0fff);
        o += 4;
        type = (d[o]! << 8) | d[o + 1]!;
        if (vlans.length > 8) return fail('SL_CAPTURE_MALFORMED_PACKET', 'more than 8 VLAN tags');
      }
      const macs = { dstMac: macString(d, 0), srcMac: macString(d, 6) };
      if (type === 0x8864) {
        // PPPoE session (RFC 2516): 6-byte header, then a PPP protocol number.
        if (d.length < o + 10) return fail('SL_CAPTURE_MALFORMED_PACKET', 'PPPoE header cut short');
        return fromEtherType(PPP_PROTOCOLS[(d[o + 8]! << 8) | d[o + 9]!] ?? 0, o + 10, vlans, macs);
      }
      if (type === 0x8847 || type === 0x8848) {
        // MPLS: 4-byte labels until the bottom-of-stack bit, then IP (told by its version nibble).
        let p = o + 2;
        for (let labels = 0; ; labels++) {
          if (d.length < p + 4 || labels > 16) return fail('SL_CAPTURE_MALFORMED_PACKET', 'MPLS label stack cut short');
          const bottom = (d[p + 2]! & 1) === 1;
          p += 4;
          if (bottom) break;
        }
        const v = d.length > p ? d[p]! >> 4 : 0;
        return { ipVersion: v === 4 || v === 6 ? v : 0, offset: p, etherType: v === 4 ? 0x0800 : v === 6 ? 0x86dd : 0, vlans, ...macs };
      }
      return fromEtherType(type, o + 2, vlans, macs);
    }
    case LINKTYPE.LINUX_SLL: {
      if (d.length < 16) return fail('SL_CAPTURE_MALFORMED_PACKET', 'Linux cooked (SLL) header cut short');
      const type = (d[14]! << 8) | d[15]!;
      const addrLen = (d[4]! << 8) | d[5]!;
      return fromEtherType(type, 16, [], addrLen === 6 ? { srcMac: macString(d, 6) } : {});
    }
    case LINKTYPE.LINUX_SLL2: {
      if (d.length < 20) return fail('SL_CAPTURE_MALFORMED_PACKET', 'Linux cooked v2 (SLL2) header cut short');
      const type = (d[0]! << 8) | d[1]!;
      const addrLen = d[11]!;
      return fromEtherType(type, 20, [], addrLen === 6 ? { srcMac: macString(d, 12) } : {});
    }
    case LINKTYPE.RAW:
    case LINKTYPE.DLT_RAW_12:
    case LINKTYPE.DLT_RAW_14: {
      if (d.length < 1) return fail('SL_CAPTURE_MALFORMED_PACKET', 'empty raw IP packet');
      const v = d[0]! >> 4;
      return v === 4 || v === 6 ? { ipVersion: v, offset: 0, etherType: v === 4 ? 0x0800 : 0x86dd, vlans: [] } : fail('SL_CAPTURE_MALFORMED_PACKET', `raw IP packet with version ${v}`);
    }
    case LINKTYPE.IPV4:
      return { ipVersion: 4, offset: 0, etherType: 0x0800, vlans: [] };
    case LINKTYPE.IPV6:
      return { ipVersion: 6, offset: 0, etherType: 0x86dd, vlans: [] };
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (d.length < 4) return fail('SL_CAPTURE_MALFORMED_PACKET', 'loopback header cut short');
      // NULL: address family in the capturing host's byte order; LOOP: network byte order.
      const be = (d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!;
      const le = d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24);
      const af = linkType === LINKTYPE.LOOP ? be : le < 256 ? le : be;
      if (af === 2) return { ipVersion: 4, offset: 4, etherType: 0x0800, vlans: [] };
      if (af === 24 || af === 28 || af === 30 || af === 10) return { ipVersion: 6, offset: 4, etherType: 0x86dd, vlans: [] };
      return { ipVersion: 0, offset: 4, etherType: 0, vlans: [] };
    }
    case LINKTYPE.PPP:
    case LINKTYPE.PPP_HDLC:
      return ppp(d, 0);
    case LINKTYPE.C_HDLC: {
      if (d.length < 4) return fail('SL_CAPTURE_MALFORMED_PACKET', 'Cisco HDLC header cut short');
      return fromEtherType((d[2]! << 8) | d[3]!, 4, []);
    }
    case LINKTYPE.FDDI: {
      // Frame control, destination, source (13 bytes), then 802.2 LLC; IP comes in SNAP (AA AA 03, OUI 0).
      if (d.length < 21) return fail('SL_CAPTURE_MALFORMED_PACKET', 'FDDI header cut short');
      if (d[13] !== 0xaa || d[14] !== 0xaa || d[15] !== 0x03) return { ipVersion: 0, offset: 13, etherType: 0, vlans: [] };
      return fromEtherType((d[19]! << 8) | d[20]!, 21, []);
    }
    default:
      return fail('SL_CAPTURE_UNSUPPORTED_LINK', `link-layer type ${linkType} is not supported`);
  }
}

export function ipv4String(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** RFC 5952 canonical text of an IPv6 address: lower case, no leading zeros, the longest zero run (2+) as `::`. */
export function ipv6String(b: Uint8Array, o: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d), written with the embedded IPv4 address as RFC 5952 §5 recommends.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${ipv4String(b, o + 12)}`;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += g[i]!.toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** An IP packet's header facts and its upper-layer bytes. */
export interface IpPacket {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** Upper-layer protocol after IPv6 extension headers (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
  readonly protocol: number;
  readonly ttl: number;
  /** IPv4 TOS / IPv6 traffic class. */
  readonly tos: number;
  /** Offset of the IP header in the frame. */
  readonly headerOffset: number;
  /** Total length of the IP packet as its header declares it. */
  readonly totalLength: number;
  /** The upper-layer bytes (bounded by the declared length and by what was captured). */
  readonly payload: Uint8Array;
  /** Set when this packet is a fragment (its payload is then only part of the upper-layer datagram). */
  readonly fragment?: { readonly id: number; readonly offset: number; readonly more: boolean };
  /** The captured packet was cut (snaplen) before the declared end. */
  readonly truncated: boolean;
}

const EXT_HEADERS = new Set([0, 43, 60, 135, 139, 140, 253, 254]);

/** Decodes an IPv4 or IPv6 header (with IPv6 extension headers) starting at `o`. */
export function decodeIp(d: Uint8Array, o: number): IpPacket | LayerError {
  if (d.length < o + 1) return fail('SL_CAPTURE_MALFORMED_PACKET', 'no IP header');
  const version = d[o]! >> 4;
  if (version === 4) {
    if (d.length < o + 20) return fail('SL_CAPTURE_MALFORMED_PACKET', `IPv4 header cut short (${d.length - o} bytes)`);
    const ihl = (d[o]! & 0x0f) * 4;
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    if (ihl < 20 || d.length < o + ihl) return fail('SL_CAPTURE_MALFORMED_PACKET', `IPv4 header length ${ihl} is invalid`);
    if (total < ihl) return fail('SL_CAPTURE_MALFORMED_PACKET', `IPv4 total length ${total} is shorter than its header (${ihl})`);
    const flagsFrag = (d[o + 6]! << 8) | d[o + 7]!;
    const more = (flagsFrag & 0x2000) !== 0;
    const fragOffset = (flagsFrag & 0x1fff) * 8;
    const end = Math.min(d.length, o + total);
    const base = {
      version: 4 as const,
      src: ipv4String(d, o + 12),
      dst: ipv4String(d, o + 16),
      protocol: d[o + 9]!,
      ttl: d[o + 8]!,
      tos: d[o + 1]!,
      headerOffset: o,
      totalLength: total,
      payload: d.subarray(o + ihl, end),
      truncated: d.length < o + total,
    };
    return more || fragOffset > 0 ? { ...base, fragment: { id: (d[o + 4]! << 8) | d[o + 5]!, offset: fragOffset, more } } : base;
  }
  if (version === 6) {
    if (d.length < o + 40) return fail('SL_CAPTURE_MALFORMED_PACKET', `IPv6 header cut short (${d.length - o} bytes)`);
    const payloadLength = (d[o + 4]! << 8) | d[o + 5]!;
    let next = d[o + 6]!;
    let p = o + 40;
    const end = Math.min(d.length, o + 40 + payloadLength);
    let fragment: IpPacket['fragment'];
    for (let hops = 0; hops < 16 && (EXT_HEADERS.has(next) || next === 44 || next === 51); hops++) {
      if (p + 8 > end) return fail('SL_CAPTURE_MALFORMED_PACKET', `IPv6 extension header ${next} cut short`);
      if (next === 44) {
        const fo = (d[p + 2]! << 8) | d[p + 3]!;
        fragment = { id: ((d[p + 4]! << 24) | (d[p + 5]! << 16) | (d[p + 6]! << 8) | d[p + 7]!) >>> 0, offset: fo & 0xfff8, more: (fo & 1) === 1 };
        next = d[p]!;
        p += 8;
      } else {
        const len = next === 51 ? (d[p + 1]! + 2) * 4 : (d[p + 1]! + 1) * 8;
        next = d[p]!;
        p += len;
      }
    }
    if (p > end) return fail('SL_CAPTURE_MALFORMED_PACKET', 'IPv6 extension headers run past the packet');
    const tc = ((d[o]! & 0x0f) << 4) | (d[o + 1]! >> 4);
    const base = {
      version: 6 as const,
      src: ipv6String(d, o + 8),
      dst: ipv6String(d, o + 24),
      protocol: next,
      ttl: d[o + 7]!,
      tos: tc,
      headerOffset: o,
      totalLength: 40 + payloadLength,
      payload: d.subarray(p, end),
      truncated: d.length < o + 40 + payloadLength,
    };
    return fragment === undefined ? base : { ...base, fragment };
  }
  return fail('SL_CAPTURE_MALFORMED_PACKET', `IP version ${version}`);
}

export interface UdpDatagram {
  readonly srcPort: number;
  readonly dstPort: number;
  /** The UDP payload, bounded by the UDP length field and by what was captured. */
  readonly payload: Uint8Array;
  /** Length field of the UDP header (header + payload). */
  readonly length: number;
  readonly truncated: boolean;
}

/** Decodes a UDP header at the start of an IP payload. */
export function decodeUdp(p: Uint8Array): UdpDatagram | LayerError {
  if (p.length < 8) return fail('SL_CAPTURE_MALFORMED_PACKET', `UDP header cut short (${p.length} bytes)`);
  const length = (p[4]! << 8) | p[5]!;
  // Length 0 is used for jumbograms (RFC 2675); otherwise it must cover the header.
  if (length !== 0 && length < 8) return fail('SL_CAPTURE_MALFORMED_PACKET', `UDP length ${length} is shorter than its header`);
  const end = length === 0 ? p.length : Math.min(p.length, length);
  return { srcPort: (p[0]! << 8) | p[1]!, dstPort: (p[2]! << 8) | p[3]!, payload: p.subarray(8, end), length, truncated: length > p.length };
}

export interface TcpSegmentHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly payload: Uint8Array;
}

/** Decodes a TCP header at the start of an IP payload (no reassembly: see the DNS decoder for streams). */
export function decodeTcp(p: Uint8Array): TcpSegmentHeader | LayerError {
  if (p.length < 20) return fail('SL_CAPTURE_MALFORMED_PACKET', `TCP header cut short (${p.length} bytes)`);
  const off = (p[12]! >> 4) * 4;
  if (off < 20 || off > p.length) return fail('SL_CAPTURE_MALFORMED_PACKET', `TCP data offset ${off} is invalid`);
  return {
    srcPort: (p[0]! << 8) | p[1]!,
    dstPort: (p[2]! << 8) | p[3]!,
    seq: ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0,
    ack: ((p[8]! << 24) | (p[9]! << 16) | (p[10]! << 8) | p[11]!) >>> 0,
    flags: ((p[12]! & 1) << 8) | p[13]!,
    window: (p[14]! << 8) | p[15]!,
    payload: p.subarray(off),
  };
}

/** A UDP datagram found in a captured packet, with its addresses and capture time. */
export interface UdpPacket {
  readonly packet: CapturedPacket;
  readonly ip: IpPacket;
  readonly udp: UdpDatagram;
}

/** Link, IP and UDP of a captured packet in one call; undefined when it is not (unfragmented) UDP over IP. */
export function udpOf(packet: CapturedPacket): UdpPacket | LayerError | undefined {
  const link = decodeLink(packet.linkType, packet.data);
  if (isLayerError(link)) return link;
  if (link.ipVersion === 0) return undefined;
  const ip = decodeIp(packet.data, link.offset);
  if (isLayerError(ip)) return ip;
  if (ip.protocol !== 17 || (ip.fragment !== undefined && ip.fragment.offset > 0)) return undefined;
  if (ip.fragment !== undefined) return undefined; // first fragment: needs reassembly
  const udp = decodeUdp(ip.payload);
  if (isLayerError(udp)) return udp;
  return { packet, ip, udp };
}
