/**
 * More frame builders for fixtures, beside `udpFrame`: TCP segments and IP fragments (IPv4 and IPv6), so tests
 * and benchmarks can make captures of DNS over TCP, out-of-order and retransmitted segments, and fragmented
 * datagrams. Real tools read what they write (tshark checks them in the DNS decoder's tests).
 */
import { checksum, ipv4Bytes, ipv6Bytes, mac } from './pcap-writer.js';

export interface TcpFrameSpec {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack?: number;
  /** TCP flag letters: S (SYN), A (ACK), F (FIN), R (RST), P (PSH). Default 'A' when ack is given, else ''. */
  readonly flags?: string;
  readonly payload?: Uint8Array;
  readonly window?: number;
  readonly srcMac?: string;
  readonly dstMac?: string;
  readonly ttl?: number;
  readonly ipId?: number;
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20 };

/** An Ethernet frame carrying an IPv4 or IPv6 TCP segment (checksums filled in). */
export function tcpFrame(spec: TcpFrameSpec): Uint8Array {
  const v6 = spec.src.includes(':');
  const payload = spec.payload ?? new Uint8Array(0);
  const tcpLen = 20 + payload.length;
  const ipHeader = v6 ? 40 : 20;
  const out = new Uint8Array(14 + ipHeader + tcpLen);
  out.set(mac(spec.dstMac ?? '02:00:00:00:00:02'), 0);
  out.set(mac(spec.srcMac ?? '02:00:00:00:00:01'), 6);
  out.set(v6 ? [0x86, 0xdd] : [0x08, 0x00], 12);
  const ip = 14;
  const src = v6 ? ipv6Bytes(spec.src) : ipv4Bytes(spec.src);
  const dst = v6 ? ipv6Bytes(spec.dst) : ipv4Bytes(spec.dst);
  if (v6) {
    out.set([0x60, 0, 0, 0, tcpLen >> 8, tcpLen & 255, 6, spec.ttl ?? 64], ip);
    out.set(src, ip + 8);
    out.set(dst, ip + 24);
  } else {
    const total = 20 + tcpLen;
    const id = spec.ipId ?? 0;
    out.set([0x45, 0, total >> 8, total & 255, (id >> 8) & 255, id & 255, 0x40, 0, spec.ttl ?? 64, 6, 0, 0], ip);
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    const c = checksum(out, ip, ip + 20);
    out[ip + 10] = c >> 8;
    out[ip + 11] = c & 255;
  }
  const t = ip + ipHeader;
  const flags = [...(spec.flags ?? (spec.ack === undefined ? '' : 'A'))].reduce((f, ch) => f | (FLAG_BITS[ch] ?? 0), 0);
  const seq = spec.seq >>> 0;
  const ack = (spec.ack ?? 0) >>> 0;
  const win = spec.window ?? 65535;
  out.set([spec.srcPort >> 8, spec.srcPort & 255, spec.dstPort >> 8, spec.dstPort & 255], t);
  out.set([seq >>> 24, (seq >>> 16) & 255, (seq >>> 8) & 255, seq & 255, ack >>> 24, (ack >>> 16) & 255, (ack >>> 8) & 255, ack & 255], t + 4);
  out.set([0x50, flags, win >> 8, win & 255, 0, 0, 0, 0], t + 12);
  out.set(payload, t + 20);
  const pseudo = new Uint8Array((v6 ? 40 : 12) + tcpLen);
  if (v6) {
    pseudo.set(src, 0);
    pseudo.set(dst, 16);
    pseudo.set([0, 0, tcpLen >> 8, tcpLen & 255, 0, 0, 0, 6], 32);
  } else {
    pseudo.set(src, 0);
    pseudo.set(dst, 4);
    pseudo.set([0, 6, tcpLen >> 8, tcpLen & 255], 8);
  }
  pseudo.set(out.subarray(t, t + tcpLen), v6 ? 40 : 12);
  const c = checksum(pseudo, 0, pseudo.length);
  out[t + 16] = c >> 8;
  out[t + 17] = c & 255;
  return out;
}

/**
 * Splits an Ethernet frame carrying an unfragmented IPv4 or IPv6 packet into fragments whose fragmentable part
 * holds at most `maxFragmentBytes` (rounded down to a multiple of 8). IPv6 fragments get a fragment header with
 * `id`. Returns the frames in order (first fragment first); shuffle them for out-of-order tests.
 */
export function ipFragments(frame: Uint8Array, maxFragmentBytes: number, id = 0x1234): Uint8Array[] {
  const etherType = (frame[12]! << 8) | frame[13]!;
  const ip = 14;
  const step = Math.max(8, maxFragmentBytes & ~7);
  const out: Uint8Array[] = [];
  if (etherType === 0x0800) {
    const ihl = (frame[ip]! & 0x0f) * 4;
    const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
    const body = frame.subarray(ip + ihl, ip + total);
    for (let off = 0; off < body.length; off += step) {
      const part = body.subarray(off, Math.min(body.length, off + step));
      const more = off + part.length < body.length;
      const f = new Uint8Array(ip + ihl + part.length);
      f.set(frame.subarray(0, ip + ihl), 0);
      f.set(part, ip + ihl);
      const len = ihl + part.length;
      f[ip + 2] = len >> 8;
      f[ip + 3] = len & 255;
      f[ip + 4] = (id >> 8) & 255;
      f[ip + 5] = id & 255;
      const fo = (off / 8) | (more ? 0x2000 : 0);
      f[ip + 6] = fo >> 8;
      f[ip + 7] = fo & 255;
      f[ip + 10] = 0;
      f[ip + 11] = 0;
      const c = checksum(f, ip, ip + ihl);
      f[ip + 10] = c >> 8;
      f[ip + 11] = c & 255;
      out.push(f);
    }
    return out;
  }
  if (etherType === 0x86dd) {
    const next = frame[ip + 6]!;
    const plen = (frame[ip + 4]! << 8) | frame[ip + 5]!;
    const body = frame.subarray(ip + 40, ip + 40 + plen);
    for (let off = 0; off < body.length; off += step) {
      const part = body.subarray(off, Math.min(body.length, off + step));
      const more = off + part.length < body.length;
      const f = new Uint8Array(ip + 48 + part.length);
      f.set(frame.subarray(0, ip + 40), 0);
      const len = 8 + part.length;
      f[ip + 4] = len >> 8;
      f[ip + 5] = len & 255;
      f[ip + 6] = 44;
      const fo = off | (more ? 1 : 0);
      f.set([next, 0, fo >> 8, fo & 255, id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255], ip + 40);
      f.set(part, ip + 48);
      out.push(f);
    }
    return out;
  }
  throw new RangeError(`ipFragments: ether type 0x${etherType.toString(16)} is not IP`);
}
