/**
 * Finds a frame's IP and transport headers without allocating: for decoders' hot paths, which look at every
 * packet but decode only the few they want. The common shapes (Ethernet with VLAN tags, SLL/SLL2, raw IP,
 * loopback; IPv4 or IPv6 carrying UDP or TCP directly) are located here; anything else (fragments, IPv6
 * extension headers, malformed headers, other link types) is answered `LOCATE_COMPLEX`, for the caller to take
 * apart with `decodeLink` / `decodeIp`, which explain what they find.
 */
import { LINKTYPE } from './layers.js';

/** Not IP (ARP, LLDP…): nothing for a decoder of IP traffic. */
export const LOCATE_NOT_IP = 0;
/** Unfragmented UDP or TCP over IPv4/IPv6 without extension headers: `out` is filled in. */
export const LOCATE_TRANSPORT = 1;
/** Needs the full decoders: fragments, extension headers, other protocols, malformed or unsupported frames. */
export const LOCATE_COMPLEX = 2;

/** Filled in by `locatePacket`; reuse one object for every packet. */
export interface PacketLocation {
  ipVersion: 4 | 6;
  /** Offset of the IP header in the frame. */
  ipOffset: number;
  /** 6 TCP or 17 UDP. */
  protocol: number;
  /** Offset of the UDP/TCP header. */
  transportOffset: number;
  /** End of the IP packet in the frame: its declared length, or the captured bytes when the capture cut it. */
  ipEnd: number;
  /** The capture cut the IP packet short of its declared length. */
  truncated: boolean;
  srcPort: number;
  dstPort: number;
}

export function newPacketLocation(): PacketLocation {
  return { ipVersion: 4, ipOffset: 0, protocol: 0, transportOffset: 0, ipEnd: 0, truncated: false, srcPort: 0, dstPort: 0 };
}

/** Offset of the network layer in d[s, e) (absolute), -1 not IP, -2 complex. */
function networkOffset(linkType: number, d: Uint8Array, s: number, e: number): number {
  const n = e - s;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (n < 14) return -2;
      let o = s + 12;
      let type = (d[o]! << 8) | d[o + 1]!;
      let tags = 0;
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        if (e < o + 6 || ++tags > 8) return -2;
        o += 4;
        type = (d[o]! << 8) | d[o + 1]!;
      }
      // Other ether types: ARP and the like carry no IP; PPPoE, MPLS… may (the full decoder knows them).
      return type === 0x0800 || type === 0x86dd ? o + 2 : type === 0x0806 || type === 0x88cc || type === 0x888e || type === 0x8035 ? -1 : -2;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.DLT_RAW_12:
    case LINKTYPE.DLT_RAW_14:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return s;
    case LINKTYPE.LINUX_SLL: {
      if (n < 16) return -2;
      const type = (d[s + 14]! << 8) | d[s + 15]!;
      return type === 0x0800 || type === 0x86dd ? s + 16 : -1;
    }
    case LINKTYPE.LINUX_SLL2: {
      if (n < 20) return -2;
      const type = (d[s]! << 8) | d[s + 1]!;
      return type === 0x0800 || type === 0x86dd ? s + 20 : -1;
    }
    default:
      return -2;
  }
}

/**
 * Locates the transport header of `d` (a frame of link type `linkType`). Returns `LOCATE_TRANSPORT` with `out`
 * filled in, `LOCATE_NOT_IP`, or `LOCATE_COMPLEX` (use `decodeLink`/`decodeIp`).
 */
export function locatePacket(linkType: number, d: Uint8Array, out: PacketLocation): number {
  return locateFrame(linkType, d, 0, d.length, out);
}

/**
 * `locatePacket` for a frame that is the range `d[start, end)` of a larger buffer (a `CaptureCursor`'s packet):
 * the offsets in `out` are positions in `d`.
 */
export function locateFrame(linkType: number, d: Uint8Array, start: number, end: number, out: PacketLocation): number {
  const o = networkOffset(linkType, d, start, end);
  if (o === -1) return LOCATE_NOT_IP;
  if (o < 0 || end < o + 1) return LOCATE_COMPLEX;
  const v = d[o]! >> 4;
  if (v === 4) {
    if (end < o + 20) return LOCATE_COMPLEX;
    const ihl = (d[o]! & 0x0f) * 4;
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    const protocol = d[o + 9]!;
    if (ihl < 20 || total < ihl || end < o + ihl + 4) return LOCATE_COMPLEX;
    if (((d[o + 6]! << 8) | d[o + 7]!) & 0x3fff) return LOCATE_COMPLEX; // MF or a fragment offset
    if (protocol !== 17 && protocol !== 6) return LOCATE_COMPLEX;
    out.ipVersion = 4;
    out.ipOffset = o;
    out.protocol = protocol;
    out.transportOffset = o + ihl;
    const ipEnd = o + total;
    out.truncated = end < ipEnd;
    out.ipEnd = out.truncated ? end : ipEnd;
  } else if (v === 6) {
    if (end < o + 44) return LOCATE_COMPLEX;
    const protocol = d[o + 6]!;
    if (protocol !== 17 && protocol !== 6) return LOCATE_COMPLEX;
    out.ipVersion = 6;
    out.ipOffset = o;
    out.protocol = protocol;
    out.transportOffset = o + 40;
    const ipEnd = o + 40 + ((d[o + 4]! << 8) | d[o + 5]!);
    out.truncated = end < ipEnd;
    out.ipEnd = out.truncated ? end : ipEnd;
  } else return LOCATE_COMPLEX;
  const t = out.transportOffset;
  out.srcPort = (d[t]! << 8) | d[t + 1]!;
  out.dstPort = (d[t + 2]! << 8) | d[t + 3]!;
  return LOCATE_TRANSPORT;
}
