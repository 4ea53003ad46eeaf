/**
 * Builds captures: Ethernet/IPv4/IPv6/UDP frames and pcap or pcapng files. For the project's own test fixtures,
 * the simulator and benchmarks (real tools read what it writes: tshark, tcpdump).
 */

/** @internal */
export function ipv4Bytes(ip: string): number[] {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return parts;
}

/** @internal */
export function ipv6Bytes(ip: string): number[] {
  let [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined ? [] : tail === '' ? [] : tail.split(':');
  const missing = 8 - h.length - t.length;
  if (tail === undefined && h.length !== 8) throw new RangeError(`not an IPv6 address: ${ip}`);
  const groups = [...h, ...Array(tail === undefined ? 0 : missing).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [(g >> 8) & 255, g & 255]);
}

/** @internal */
export function checksum(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (bytes[i]! << 8) | (i + 1 < end ? bytes[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface UdpFrameSpec {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  readonly srcMac?: string;
  readonly dstMac?: string;
  /** 802.1Q VLAN ids to insert, outermost first. */
  readonly vlans?: readonly number[];
  readonly ttl?: number;
  readonly ipId?: number;
}

/** @internal */
export const mac = (m: string): number[] => m.split(':').map((x) => parseInt(x, 16));

/** An Ethernet frame carrying an IPv4 or IPv6 UDP datagram (checksums filled in). */
export function udpFrame(spec: UdpFrameSpec): Uint8Array {
  const v6 = spec.src.includes(':');
  const udpLen = 8 + spec.payload.length;
  const ipHeader = v6 ? 40 : 20;
  const vlans = spec.vlans ?? [];
  const eth = 14 + 4 * vlans.length;
  const out = new Uint8Array(eth + ipHeader + udpLen);
  out.set(mac(spec.dstMac ?? '02:00:00:00:00:02'), 0);
  out.set(mac(spec.srcMac ?? '02:00:00:00:00:01'), 6);
  let o = 12;
  for (const v of vlans) {
    out.set([0x81, 0x00, (v >> 8) & 0x0f, v & 255], o);
    o += 4;
  }
  out.set(v6 ? [0x86, 0xdd] : [0x08, 0x00], o);
  const ip = eth;
  const src = v6 ? ipv6Bytes(spec.src) : ipv4Bytes(spec.src);
  const dst = v6 ? ipv6Bytes(spec.dst) : ipv4Bytes(spec.dst);
  if (v6) {
    out.set([0x60, 0, 0, 0, udpLen >> 8, udpLen & 255, 17, spec.ttl ?? 64], ip);
    out.set(src, ip + 8);
    out.set(dst, ip + 24);
  } else {
    const total = 20 + udpLen;
    const id = spec.ipId ?? 0;
    out.set([0x45, 0, total >> 8, total & 255, (id >> 8) & 255, id & 255, 0x40, 0, spec.ttl ?? 64, 17, 0, 0], ip);
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    const c = checksum(out, ip, ip + 20);
    out[ip + 10] = c >> 8;
    out[ip + 11] = c & 255;
  }
  const u = ip + ipHeader;
  out.set([spec.srcPort >> 8, spec.srcPort & 255, spec.dstPort >> 8, spec.dstPort & 255, udpLen >> 8, udpLen & 255, 0, 0], u);
  out.set(spec.payload, u + 8);
  // UDP checksum over the pseudo-header (zero means "none" for IPv4, and is not allowed for IPv6).
  const pseudo = new Uint8Array((v6 ? 40 : 12) + udpLen);
  if (v6) {
    pseudo.set(src, 0);
    pseudo.set(dst, 16);
    pseudo.set([0, 0, udpLen >> 8, udpLen & 255, 0, 0, 0, 17], 32);
  } else {
    pseudo.set(src, 0);
    pseudo.set(dst, 4);
    pseudo.set([0, 17, udpLen >> 8, udpLen & 255], 8);
  }
  pseudo.set(out.subarray(u, u + udpLen), v6 ? 40 : 12);
  const c = checksum(pseudo, 0, pseudo.length) || 0xffff;
  out[u + 6] = c >> 8;
  out[u + 7] = c & 255;
  return out;
}

export interface PcapRecord {
  /** Capture time, UTC epoch milliseconds (fractions kept to the microsecond or nanosecond). */
  readonly timeMs: number;
  readonly data: Uint8Array;
  readonly originalLength?: number;
}

/** A classic pcap file (little-endian; microsecond or nanosecond timestamps). */
export function pcapFile(records: Iterable<PcapRecord>, options: { linkType?: number; nanoseconds?: boolean; snaplen?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(options.nanoseconds === true ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(options.snaplen ?? 262144, 16);
  header.writeUInt32LE(options.linkType ?? 1, 20);
  parts.push(header);
  for (const r of records) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(r.timeMs / 1000);
    const frac = options.nanoseconds === true ? Math.round((r.timeMs - sec * 1000) * 1e6) : Math.round((r.timeMs - sec * 1000) * 1e3);
    h.writeUInt32LE(sec, 0);
    h.writeUInt32LE(frac, 4);
    h.writeUInt32LE(r.data.length, 8);
    h.writeUInt32LE(r.originalLength ?? r.data.length, 12);
    parts.push(h, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
  }
  return Buffer.concat(parts);
}

/** A pcapng file with one section and one interface (little-endian; timestamps in microseconds by default). */
export function pcapngFile(records: Iterable<PcapRecord>, options: { linkType?: number; nanoseconds?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeUInt16LE(0, 14);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  parts.push(shb);
  const opts = options.nanoseconds === true ? Buffer.from([9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  const idbLen = 20 + opts.length;
  const idb = Buffer.alloc(idbLen);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(idbLen, 4);
  idb.writeUInt16LE(options.linkType ?? 1, 8);
  idb.writeUInt32LE(0, 12);
  opts.copy(idb, 16);
  idb.writeUInt32LE(idbLen, idbLen - 4);
  parts.push(idb);
  const perSec = options.nanoseconds === true ? 1_000_000_000n : 1_000_000n;
  for (const r of records) {
    const padded = (r.data.length + 3) & ~3;
    const len = 32 + padded;
    const b = Buffer.alloc(len);
    const units = (BigInt(Math.floor(r.timeMs)) * perSec) / 1000n + BigInt(Math.round((r.timeMs % 1) * Number(perSec / 1000n)));
    b.writeUInt32LE(6, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(0, 8);
    b.writeUInt32LE(Number(units >> 32n), 12);
    b.writeUInt32LE(Number(units & 0xffffffffn), 16);
    b.writeUInt32LE(r.data.length, 20);
    b.writeUInt32LE(r.originalLength ?? r.data.length, 24);
    b.set(r.data, 28);
    b.writeUInt32LE(len, len - 4);
    parts.push(b);
  }
  return Buffer.concat(parts);
}
