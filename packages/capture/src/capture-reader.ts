import type { InputSource, Issue } from '@sightline/core';

/** One packet as recorded in a capture file. */
export interface CapturedPacket {
  /** 1-based number of the packet in the capture (as Wireshark numbers frames). */
  readonly index: number;
  /** Byte offset of the packet's record in the (decompressed) capture. */
  readonly offset: number;
  /** Capture time: whole UTC seconds and the nanoseconds past them. */
  readonly seconds: number;
  readonly nanos: number;
  /** Link-layer type (LINKTYPE_* from tcpdump.org), per interface in pcapng. */
  readonly linkType: number;
  readonly interfaceId: number;
  /** The captured bytes (a view; valid for as long as the packet is referenced). */
  readonly data: Uint8Array;
  /** The packet's length on the wire (may be more than `data.length` when the capture was cut by a snaplen). */
  readonly originalLength: number;
}

export interface CaptureBatch {
  readonly packets: CapturedPacket[];
  readonly issues: Issue[];
}

export interface CaptureReaderOptions {
  /** Longest record accepted; a longer declared length means a corrupt capture. Default 256 KiB. */
  readonly maxPacketBytes?: number;
  /** Packets per batch. Default 1024. */
  readonly batchPackets?: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_MAGIC_MODIFIED = 0xa1b2cd34; // Kuznetzov's patched libpcap: 24-byte record headers
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

/** Which capture format the bytes start with, if any. */
export function sniffCapture(head: Uint8Array): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  const le = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  for (const m of [le, be]) if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_MODIFIED) return 'pcap';
  if (le === PCAPNG_SHB) return 'pcapng';
  return undefined;
}

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (1e6 by default). */
  unitsPerSecond: bigint;
  unitsPerSecondNum: number;
  offsetSeconds: number;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** The pcap/pcapng parser behind `readCapture` and `readCaptureBytes`: fed chunks in order, yields batches. */
function captureParser(name: string, options: CaptureReaderOptions): { feed(chunk: Uint8Array, offset: number): Generator<CaptureBatch>; finish(): CaptureBatch | undefined } {
  const maxPacket = options.maxPacketBytes ?? 256 * 1024;
  const batchSize = options.batchPackets ?? 1024;
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = 0; // offset in the input of buf[0]
  let format: CaptureFormat | undefined;
  let packets: CapturedPacket[] = [];
  let issues: Issue[] = [];
  let index = 0;
  let stopped = false;
  let headerDone = false;

  // pcap state
  let little = true;
  let nanosRes = false;
  let recordHeader = 16;
  let pcapIface: Iface | undefined;
  // pcapng state
  let ifaces: Iface[] = [];

  const issue = (code: Issue['code'], message: string, at: number, raw?: Uint8Array): void => {
    issues.push(raw === undefined ? { code, message, source: name, offset: at } : { code, message, source: name, offset: at, raw: Uint8Array.from(raw.subarray(0, 256)) });
  };

  // Plain byte arithmetic (callers check the bounds first): cheaper than Buffer's checked readers on the hot path.
  const u32 = (p: number): number => {
    const b = buf;
    return little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  };
  const u16 = (p: number): number => (little ? buf[p]! | (buf[p + 1]! << 8) : (buf[p]! << 8) | buf[p + 1]!);

  /** Parses what is complete in buf from `pos`; returns the new position. */
  const parse = (pos: number): number => {
    while (!stopped) {
      if (!headerDone) {
        if (buf.length - pos < 4) return pos;
        const f = sniffCapture(buf.subarray(pos, pos + 4));
        if (f === undefined) {
          issue('SL_CAPTURE_NOT_A_CAPTURE', `${name} does not start with a pcap or pcapng header`, bufStart + pos, buf.subarray(pos, pos + 64));
          stopped = true;
          return pos;
        }
        format = f;
        if (f === 'pcap') {
          if (buf.length - pos < 24) return pos;
          const magicLe = buf.readUInt32LE(pos);
          little = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS || magicLe === PCAP_MAGIC_MODIFIED;
          const magic = u32(pos);
          nanosRes = magic === PCAP_MAGIC_NS;
          recordHeader = magic === PCAP_MAGIC_MODIFIED ? 24 : 16;
          const snaplen = u32(pos + 16);
          pcapIface = { linkType: u32(pos + 20) & 0xffff, snaplen, unitsPerSecond: nanosRes ? 1_000_000_000n : 1_000_000n, unitsPerSecondNum: nanosRes ? 1e9 : 1e6, offsetSeconds: 0 };
          headerDone = true;
          pos += 24;
          continue;
        }
        headerDone = true; // pcapng: the SHB is parsed as a block
      }

      if (format === 'pcap') {
        if (buf.length - pos < recordHeader) return pos;
        const sec = u32(pos);
        const frac = u32(pos + 4);
        const incl = u32(pos + 8);
        const orig = u32(pos + 12);
        if (incl > maxPacket) {
          issue('SL_CAPTURE_CORRUPT', `packet record at offset ${bufStart + pos} declares ${incl} captured bytes (limit ${maxPacket}); the rest of the capture cannot be read reliably`, bufStart + pos, buf.subarray(pos, pos + recordHeader));
          stopped = true;
          return pos;
        }
        if (buf.length - pos < recordHeader + incl) return pos;
        index++;
        const iface = pcapIface!;
        packets.push({
          index,
          offset: bufStart + pos,
          seconds: sec,
          nanos: nanosRes ? Math.min(frac, 999_999_999) : Math.min(frac, 999_999) * 1000,
          linkType: iface.linkType,
          interfaceId: 0,
          data: buf.subarray(pos + recordHeader, pos + recordHeader + incl),
          originalLength: Math.max(orig, incl),
        });
        pos += recordHeader + incl;
        if (packets.length >= batchSize) return pos;
        continue;
      }

      // pcapng block
      if (buf.length - pos < 12) return pos;
      const typeLe = buf.readUInt32LE(pos);
      if (typeLe === PCAPNG_SHB) {
        if (buf.length - pos < 12) return pos;
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === PCAPNG_BYTE_ORDER) little = true;
        else if (bom === 0x4d3c2b1a) little = false;
        else {
          issue('SL_CAPTURE_CORRUPT', `pcapng section header at offset ${bufStart + pos} has an unknown byte-order magic`, bufStart + pos, buf.subarray(pos, pos + 12));
          stopped = true;
          return pos;
        }
      }
      const type = u32(pos);
      const len = u32(pos + 4);
      if (len < 12 || len % 4 !== 0 || len > maxPacket + 64 * 1024) {
        issue('SL_CAPTURE_CORRUPT', `pcapng block at offset ${bufStart + pos} (type ${type}) has an impossible length ${len}`, bufStart + pos, buf.subarray(pos, pos + 12));
        stopped = true;
        return pos;
      }
      if (buf.length - pos < len) return pos;
      if (u32(pos + len - 4) !== len) {
        issue('SL_CAPTURE_CORRUPT', `pcapng block at offset ${bufStart + pos} (type ${type}): its trailing length does not match ${len}`, bufStart + pos, buf.subarray(pos, pos + Math.min(len, 64)));
        stopped = true;
        return pos;
      }
      const body = pos + 8;
      const end = pos + len - 4;
      switch (type) {
        case PCAPNG_SHB:
          ifaces = [];
          break;
        case 1: {
          // Interface description block
          if (end - body < 8) {
            issue('SL_CAPTURE_MALFORMED_PACKET', `pcapng interface block at offset ${bufStart + pos} is too short`, bufStart + pos);
            break;
          }
          const iface: Iface = { linkType: u16(body), snaplen: u32(body + 4), unitsPerSecond: 1_000_000n, unitsPerSecondNum: 1e6, offsetSeconds: 0 };
          for (let o = body + 8; o + 4 <= end; ) {
            const code = u16(o);
            const olen = u16(o + 2);
            if (code === 0 || o + 4 + olen > end) break;
            if (code === 9 && olen >= 1) {
              const v = buf[o + 4]!;
              const exp = v & 0x7f;
              if (v & 0x80) {
                if (exp <= 62) iface.unitsPerSecond = 1n << BigInt(exp);
              } else if (exp <= 18) iface.unitsPerSecond = 10n ** BigInt(exp);
              iface.unitsPerSecondNum = Number(iface.unitsPerSecond);
            } else if (code === 14 && olen >= 8) {
              iface.offsetSeconds = Number(little ? buf.readBigInt64LE(o + 4) : buf.readBigInt64BE(o + 4));
            }
            o += 4 + ((olen + 3) & ~3);
          }
          ifaces.push(iface);
          break;
        }
        case 6:
        case 2: {
          // Enhanced (6) and obsolete (2) packet blocks
          const hdr = 20;
          if (end - body < hdr) {
            issue('SL_CAPTURE_MALFORMED_PACKET', `pcapng packet block at offset ${bufStart + pos} is too short`, bufStart + pos);
            break;
          }
          const ifId = type === 6 ? u32(body) : u16(body);
          const hi = u32(body + 4);
          const lo = u32(body + 8);
          const cap = u32(body + 12);
          const orig = u32(body + 16);
          const iface = ifaces[ifId];
          index++;
          if (iface === undefined) {
            issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${index} at offset ${bufStart + pos} names interface ${ifId}, which was not described`, bufStart + pos, buf.subarray(pos, pos + 32));
            break;
          }
          if (body + hdr + cap > end) {
            issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${index} at offset ${bufStart + pos} declares ${cap} captured bytes but its block holds ${end - body - hdr}`, bufStart + pos, buf.subarray(pos, pos + 32));
            break;
          }
          const { seconds, nanos } = splitTime(hi, lo, iface);
          packets.push({ index, offset: bufStart + pos, seconds, nanos, linkType: iface.linkType, interfaceId: ifId, data: buf.subarray(body + hdr, body + hdr + cap), originalLength: Math.max(orig, cap) });
          break;
        }
        case 3: {
          // Simple packet block: interface 0, no timestamp
          const iface = ifaces[0];
          index++;
          if (iface === undefined || end - body < 4) {
            issue('SL_CAPTURE_MALFORMED_PACKET', `simple packet block ${index} at offset ${bufStart + pos} without an interface`, bufStart + pos);
            break;
          }
          const orig = u32(body);
          const cap = Math.min(orig, end - body - 4, iface.snaplen === 0 ? Infinity : iface.snaplen);
          packets.push({ index, offset: bufStart + pos, seconds: 0, nanos: 0, linkType: iface.linkType, interfaceId: 0, data: buf.subarray(body + 4, body + 4 + cap), originalLength: orig });
          break;
        }
        default:
          break; // name resolution, statistics, secrets, custom blocks: not packets
      }
      pos += len;
      if (packets.length >= batchSize) return pos;
    }
    return pos;
  };

  /** Parses buf from `pos` as far as complete records go (or, with `until`, until a record starts at or after it). */
  function* run(pos: number, until = Infinity): Generator<CaptureBatch, number> {
    for (;;) {
      const next = pos >= until ? pos : parse(pos);
      if (packets.length > 0 || issues.length > 0) {
        yield { packets, issues };
        packets = [];
        issues = [];
      }
      if (next === pos || stopped) return next;
      pos = next;
    }
  }

  function* feed(chunk: Uint8Array, offset: number): Generator<CaptureBatch> {
    if (stopped) return; // the caller drains the source so its byte count stays true
    const data = asBuffer(chunk);
    let pos = 0;
    if (buf.length > 0 && data.length > 0) {
      // A record straddles the chunks: join the leftover with only as much of the new chunk as one record can
      // need, finish the records that started in the leftover, then read the rest of the chunk in place (no copy
      // of the whole chunk).
      const leftover = buf.length;
      const head = Math.min(data.length, maxPacket + 64 * 1024 + 64);
      buf = Buffer.concat([buf, data.subarray(0, head)]);
      pos = yield* run(0, leftover);
      if (stopped) return;
      if (pos >= leftover) {
        bufStart += leftover;
        buf = data;
        pos -= leftover;
      } else if (head < data.length) {
        // Not even one record was completed with the head (a record longer than the head): join it all.
        buf = Buffer.concat([buf.subarray(pos), data.subarray(head)]);
        bufStart += pos;
        pos = 0;
      }
    } else if (buf.length === 0) {
      buf = data;
      bufStart = offset;
    }
    pos = yield* run(pos);
    if (pos > 0) {
      bufStart += pos;
      buf = buf.subarray(pos);
    }
  }

  function finish(): CaptureBatch | undefined {
    if (!stopped) {
      if (!headerDone && buf.length === 0) {
        issues.push({ code: 'SL_CAPTURE_NOT_A_CAPTURE', message: `${name} is empty`, source: name, offset: 0 });
      } else if (buf.length > 0) {
        issue(headerDone ? 'SL_CAPTURE_TRUNCATED' : 'SL_CAPTURE_NOT_A_CAPTURE', headerDone ? `the capture ends in the middle of a record (${buf.length} bytes left at offset ${bufStart})` : `${name} is too short for a capture header`, bufStart, buf);
      }
    }
    stopped = true;
    return packets.length > 0 || issues.length > 0 ? { packets, issues } : undefined;
  }

  return { feed, finish };
}

/**
 * Reads the packets of a pcap or pcapng capture from a stream source, a batch at a time, in memory bounded by one
 * record whatever the file's size. Corrupt or truncated records become coded issues with their offset; reading
 * stops at corruption it cannot step over (an impossible record length), after everything before it was read.
 *
 * pcap: both byte orders, micro- and nanosecond timestamps, the "modified" variant. pcapng: sections (each with
 * its own byte order), several interfaces with their own link types and timestamp resolutions/offsets, enhanced,
 * simple and obsolete packet blocks; other blocks are skipped.
 */
export async function* readCapture(source: InputSource, options: CaptureReaderOptions = {}): AsyncGenerator<CaptureBatch> {
  const parser = captureParser(source.name, options);
  for await (const chunk of source.chunks()) yield* parser.feed(chunk.bytes, chunk.offset);
  const last = parser.finish();
  if (last !== undefined) yield last;
}

/**
 * The same reader over bytes already in memory, synchronously: every complete packet in `bytes` and the issues,
 * in one batch. With `partial`, bytes that end in the middle of a record are not an issue (a probe's head of a
 * longer capture, as decoders see in `sniff`).
 */
export function readCaptureBytes(bytes: Uint8Array, options: CaptureReaderOptions & { readonly name?: string; readonly partial?: boolean } = {}): CaptureBatch {
  const parser = captureParser(options.name ?? 'capture', options);
  const packets: CapturedPacket[] = [];
  const issues: Issue[] = [];
  for (const b of parser.feed(bytes, 0)) {
    packets.push(...b.packets);
    issues.push(...b.issues);
  }
  if (options.partial !== true) {
    const last = parser.finish();
    if (last !== undefined) {
      packets.push(...last.packets);
      issues.push(...last.issues);
    }
  }
  return { packets, issues };
}

function splitTime(hi: number, lo: number, iface: Iface): { seconds: number; nanos: number } {
  const perSec = iface.unitsPerSecondNum;
  if (perSec <= 1e6) {
    const units = hi * 4294967296 + lo; // exact below 2^53: microsecond timestamps until the year 2255
    const seconds = Math.floor(units / perSec);
    return { seconds: seconds + iface.offsetSeconds, nanos: Math.round(((units - seconds * perSec) * 1e9) / perSec) };
  }
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  const seconds = units / iface.unitsPerSecond;
  const rest = units - seconds * iface.unitsPerSecond;
  return { seconds: Number(seconds) + iface.offsetSeconds, nanos: Number((rest * 1_000_000_000n) / iface.unitsPerSecond) };
}
