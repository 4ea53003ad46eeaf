/**
 * The pcap / pcapng record parser, as a cursor: fed the input's chunks in order, `next()` steps from one packet
 * record to the next and leaves the record's facts in the cursor's own fields, with the captured bytes as a range
 * of `bytes` (`bytes[start, end)`), a chunk of the input. Nothing is allocated per packet: decoders that look at
 * every packet of a large capture read it through the cursor; `readCapture` makes packet objects from it.
 *
 * pcap: both byte orders, micro- and nanosecond timestamps, the "modified" variant. pcapng: sections (each with
 * its own byte order), several interfaces with their own link types and timestamp resolutions/offsets, enhanced,
 * simple and obsolete packet blocks; other blocks are skipped. Corrupt or truncated records become coded issues
 * with their offset; reading stops at corruption it cannot step over (an impossible record length).
 */
import type { Issue } from '@sightline/core';

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

export interface CaptureReaderOptions {
  /** Longest record accepted; a longer declared length means a corrupt capture. Default 256 KiB. */
  readonly maxPacketBytes?: number;
  /** Packets per batch (`readCapture`). Default 1024. */
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
  return formatAt(head, 0);
}

function formatAt(b: Uint8Array, p: number): CaptureFormat | undefined {
  const le = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  const be = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || le === PCAP_MAGIC_MODIFIED) return 'pcap';
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || be === PCAP_MAGIC_MODIFIED) return 'pcap';
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

const EMPTY = Buffer.alloc(0);

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

// What one parsing step found.
const NEED_MORE = 0;
const PACKET = 1;
const OTHER = 2;

/**
 * Steps through the packet records of a pcap or pcapng input without allocating per packet. Use: `feed` a chunk,
 * call `next()` until it returns false (each true leaves one packet in the fields below, valid until the next
 * call), `feed` the next chunk, …, then `finish()`. Issues collect until `takeIssues()`.
 */
export class CaptureCursor {
  /** The current packet: its number (1-based), the offset of its record, capture time, link type, interface. */
  index = 0;
  offset = 0;
  seconds = 0;
  nanos = 0;
  linkType = 0;
  interfaceId = 0;
  /** The captured bytes are `bytes[start, end)` (a chunk of the input: read them before feeding the next one). */
  bytes: Uint8Array = EMPTY;
  start = 0;
  end = 0;
  /** The packet's length on the wire. */
  originalLength = 0;

  readonly #name: string;
  readonly #maxPacket: number;
  #buf: Buffer = EMPTY;
  #pos = 0;
  /** Offset in the input of #buf[0]. */
  #bufStart = 0;
  #fed = false;
  // A record straddled two chunks: #buf holds the leftover joined with the head of #pending; records that start at
  // or after #boundary are read from #pending itself (no copy of the whole chunk).
  #pending: Buffer | undefined;
  #pendingHead = 0;
  #boundary = 0; // (an integer always: a double here would make every offset derived from the cursor a double)
  #issues: Issue[] = [];
  #stopped = false;
  #headerDone = false;
  #format: CaptureFormat | undefined;
  // pcap state
  #little = true;
  #nanosRes = false;
  #recordHeader = 16;
  #pcapIface: Iface | undefined;
  // pcapng state
  #ifaces: Iface[] = [];

  constructor(name: string, options: CaptureReaderOptions = {}) {
    this.#name = name;
    this.#maxPacket = options.maxPacketBytes ?? 256 * 1024;
  }

  /** The format, once the header was read. */
  get format(): CaptureFormat | undefined {
    return this.#format;
  }

  /** Reading stopped for good (not a capture, or corruption it cannot step over). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Issues raised since the last call. */
  takeIssues(): Issue[] {
    const out = this.#issues;
    if (out.length > 0) this.#issues = [];
    return out;
  }

  /** The current packet as an object of its own (its bytes a view of the chunk). */
  packet(): CapturedPacket {
    return { index: this.index, offset: this.offset, seconds: this.seconds, nanos: this.nanos, linkType: this.linkType, interfaceId: this.interfaceId, data: (this.bytes as Buffer).subarray(this.start, this.end), originalLength: this.originalLength };
  }

  /** Hands over the next chunk of the input (call after `next()` returned false). */
  feed(chunk: Uint8Array, offset: number): void {
    if (this.#stopped) return; // the caller drains the source so its byte count stays true
    const data = asBuffer(chunk);
    if (!this.#fed) {
      this.#fed = true;
      this.#bufStart = offset;
      this.#buf = data;
      this.#pos = 0;
      return;
    }
    if (data.length === 0) return;
    const rest = this.#buf.length - this.#pos;
    if (rest === 0) {
      this.#bufStart += this.#buf.length;
      this.#buf = data;
      this.#pos = 0;
      return;
    }
    // A record straddles the chunks: join the leftover with only as much of the new chunk as one record can need.
    const head = Math.min(data.length, this.#maxPacket + 64 * 1024 + 64);
    this.#bufStart += this.#pos;
    this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), data.subarray(0, head)]);
    this.#pos = 0;
    this.#pending = data;
    this.#pendingHead = head;
    this.#boundary = rest;
  }

  /** Steps to the next complete packet record: true with the packet in the fields, false when more input is needed (or reading stopped). */
  next(): boolean {
    for (;;) {
      if (this.#stopped) return false;
      if (this.#pending !== undefined && this.#pos >= this.#boundary) {
        // The records that began in the leftover are done: go on in the new chunk itself.
        this.#bufStart += this.#boundary;
        this.#pos -= this.#boundary;
        this.#buf = this.#pending;
        this.#pending = undefined;
        this.#boundary = 0;
      }
      const r = this.#format === 'pcap' ? this.#pcapRecord() : this.#step();
      if (r === PACKET) return true;
      if (r === OTHER) continue;
      if (this.#pending !== undefined) {
        const pending = this.#pending;
        this.#pending = undefined;
        this.#boundary = 0;
        if (this.#pendingHead < pending.length) {
          // Not even one record was completed with the head (a record longer than the head): join it all.
          this.#bufStart += this.#pos;
          this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), pending.subarray(this.#pendingHead)]);
          this.#pos = 0;
          continue;
        }
      }
      return false;
    }
  }

  /** At the end of the input: a record cut short, or an input that was no capture, becomes an issue. */
  finish(): void {
    if (!this.#stopped) {
      const rest = this.#buf.length - this.#pos;
      if (!this.#headerDone && rest === 0) {
        this.#issues.push({ code: 'SL_CAPTURE_NOT_A_CAPTURE', message: `${this.#name} is empty`, source: this.#name, offset: 0 });
      } else if (rest > 0) {
        const at = this.#bufStart + this.#pos;
        this.#issue(this.#headerDone ? 'SL_CAPTURE_TRUNCATED' : 'SL_CAPTURE_NOT_A_CAPTURE', this.#headerDone ? `the capture ends in the middle of a record (${rest} bytes left at offset ${at})` : `${this.#name} is too short for a capture header`, at, this.#buf.subarray(this.#pos));
      }
    }
    this.#stopped = true;
  }

  #issue(code: Issue['code'], message: string, at: number, raw?: Uint8Array): void {
    this.#issues.push(raw === undefined ? { code, message, source: this.#name, offset: at } : { code, message, source: this.#name, offset: at, raw: Uint8Array.from(raw.subarray(0, 256)) });
  }

  // Plain byte arithmetic (callers check the bounds first): cheaper than Buffer's checked readers on the hot path.
  #u32(p: number): number {
    const b = this.#buf;
    return this.#little ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0 : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  #u16(p: number): number {
    const b = this.#buf;
    return this.#little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }

  /** One pcap packet record at #pos. */
  #pcapRecord(): number {
    const buf = this.#buf;
    const pos = this.#pos;
    const rh = this.#recordHeader;
    if (buf.length - pos < rh) return NEED_MORE;
    const incl = this.#u32(pos + 8);
    if (incl > this.#maxPacket) {
      this.#issue('SL_CAPTURE_CORRUPT', `packet record at offset ${this.#bufStart + pos} declares ${incl} captured bytes (limit ${this.#maxPacket}); the rest of the capture cannot be read reliably`, this.#bufStart + pos, buf.subarray(pos, pos + rh));
      this.#stopped = true;
      return NEED_MORE;
    }
    const start = pos + rh;
    const end = start + incl;
    if (buf.length < end) return NEED_MORE;
    const frac = this.#u32(pos + 4);
    const orig = this.#u32(pos + 12);
    this.index++;
    this.offset = this.#bufStart + pos;
    this.seconds = this.#u32(pos);
    this.nanos = this.#nanosRes ? (frac < 999_999_999 ? frac : 999_999_999) : (frac < 999_999 ? frac : 999_999) * 1000;
    this.linkType = this.#pcapIface!.linkType;
    this.interfaceId = 0;
    this.bytes = buf;
    this.start = start;
    this.end = end;
    this.originalLength = orig > incl ? orig : incl;
    this.#pos = end;
    return PACKET;
  }

  /** The file header, or one pcapng block, at #pos. */
  #step(): number {
    const buf = this.#buf;
    const pos = this.#pos;
    if (!this.#headerDone) {
      if (buf.length - pos < 4) return NEED_MORE;
      const f = formatAt(buf, pos);
      if (f === undefined) {
        this.#issue('SL_CAPTURE_NOT_A_CAPTURE', `${this.#name} does not start with a pcap or pcapng header`, this.#bufStart + pos, buf.subarray(pos, pos + 64));
        this.#stopped = true;
        return NEED_MORE;
      }
      if (f === 'pcap') {
        if (buf.length - pos < 24) return NEED_MORE;
        const magicLe = buf.readUInt32LE(pos);
        this.#little = magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS || magicLe === PCAP_MAGIC_MODIFIED;
        const magic = this.#u32(pos);
        this.#nanosRes = magic === PCAP_MAGIC_NS;
        this.#recordHeader = magic === PCAP_MAGIC_MODIFIED ? 24 : 16;
        const snaplen = this.#u32(pos + 16);
        this.#pcapIface = { linkType: this.#u32(pos + 20) & 0xffff, snaplen, unitsPerSecond: this.#nanosRes ? 1_000_000_000n : 1_000_000n, unitsPerSecondNum: this.#nanosRes ? 1e9 : 1e6, offsetSeconds: 0 };
        this.#format = f;
        this.#headerDone = true;
        this.#pos = pos + 24;
        return OTHER;
      }
      this.#format = f;
      this.#headerDone = true; // pcapng: the SHB is parsed as a block
    }
    return this.#pcapngBlock();
  }

  #pcapngBlock(): number {
    const buf = this.#buf;
    const pos = this.#pos;
    const at = this.#bufStart + pos;
    if (buf.length - pos < 12) return NEED_MORE;
    const typeLe = buf.readUInt32LE(pos);
    if (typeLe === PCAPNG_SHB) {
      const bom = buf.readUInt32LE(pos + 8);
      if (bom === PCAPNG_BYTE_ORDER) this.#little = true;
      else if (bom === 0x4d3c2b1a) this.#little = false;
      else {
        this.#issue('SL_CAPTURE_CORRUPT', `pcapng section header at offset ${at} has an unknown byte-order magic`, at, buf.subarray(pos, pos + 12));
        this.#stopped = true;
        return NEED_MORE;
      }
    }
    const type = this.#u32(pos);
    const len = this.#u32(pos + 4);
    if (len < 12 || len % 4 !== 0 || len > this.#maxPacket + 64 * 1024) {
      this.#issue('SL_CAPTURE_CORRUPT', `pcapng block at offset ${at} (type ${type}) has an impossible length ${len}`, at, buf.subarray(pos, pos + 12));
      this.#stopped = true;
      return NEED_MORE;
    }
    if (buf.length - pos < len) return NEED_MORE;
    if (this.#u32(pos + len - 4) !== len) {
      this.#issue('SL_CAPTURE_CORRUPT', `pcapng block at offset ${at} (type ${type}): its trailing length does not match ${len}`, at, buf.subarray(pos, pos + Math.min(len, 64)));
      this.#stopped = true;
      return NEED_MORE;
    }
    this.#pos = pos + len;
    const body = pos + 8;
    const end = pos + len - 4;
    switch (type) {
      case PCAPNG_SHB:
        this.#ifaces = [];
        return OTHER;
      case 1: {
        // Interface description block
        if (end - body < 8) {
          this.#issue('SL_CAPTURE_MALFORMED_PACKET', `pcapng interface block at offset ${at} is too short`, at);
          return OTHER;
        }
        const iface: Iface = { linkType: this.#u16(body), snaplen: this.#u32(body + 4), unitsPerSecond: 1_000_000n, unitsPerSecondNum: 1e6, offsetSeconds: 0 };
        for (let o = body + 8; o + 4 <= end; ) {
          const code = this.#u16(o);
          const olen = this.#u16(o + 2);
          if (code === 0 || o + 4 + olen > end) break;
          if (code === 9 && olen >= 1) {
            const v = buf[o + 4]!;
            const exp = v & 0x7f;
            if (v & 0x80) {
              if (exp <= 62) iface.unitsPerSecond = 1n << BigInt(exp);
            } else if (exp <= 18) iface.unitsPerSecond = 10n ** BigInt(exp);
            iface.unitsPerSecondNum = Number(iface.unitsPerSecond);
          } else if (code === 14 && olen >= 8) {
            iface.offsetSeconds = Number(this.#little ? buf.readBigInt64LE(o + 4) : buf.readBigInt64BE(o + 4));
          }
          o += 4 + ((olen + 3) & ~3);
        }
        this.#ifaces.push(iface);
        return OTHER;
      }
      case 6:
      case 2: {
        // Enhanced (6) and obsolete (2) packet blocks
        const hdr = 20;
        if (end - body < hdr) {
          this.#issue('SL_CAPTURE_MALFORMED_PACKET', `pcapng packet block at offset ${at} is too short`, at);
          return OTHER;
        }
        const ifId = type === 6 ? this.#u32(body) : this.#u16(body);
        const cap = this.#u32(body + 12);
        const orig = this.#u32(body + 16);
        const iface = this.#ifaces[ifId];
        this.index++;
        if (iface === undefined) {
          this.#issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${this.index} at offset ${at} names interface ${ifId}, which was not described`, at, buf.subarray(pos, pos + 32));
          return OTHER;
        }
        if (body + hdr + cap > end) {
          this.#issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${this.index} at offset ${at} declares ${cap} captured bytes but its block holds ${end - body - hdr}`, at, buf.subarray(pos, pos + 32));
          return OTHER;
        }
        this.#setTime(this.#u32(body + 4), this.#u32(body + 8), iface);
        this.#setPacket(at, iface.linkType, ifId, body + hdr, body + hdr + cap, Math.max(orig, cap));
        return PACKET;
      }
      case 3: {
        // Simple packet block: interface 0, no timestamp
        const iface = this.#ifaces[0];
        this.index++;
        if (iface === undefined || end - body < 4) {
          this.#issue('SL_CAPTURE_MALFORMED_PACKET', `simple packet block ${this.index} at offset ${at} without an interface`, at);
          return OTHER;
        }
        const orig = this.#u32(body);
        const cap = Math.min(orig, end - body - 4, iface.snaplen === 0 ? Infinity : iface.snaplen);
        this.seconds = 0;
        this.nanos = 0;
        this.#setPacket(at, iface.linkType, 0, body + 4, body + 4 + cap, orig);
        return PACKET;
      }
      default:
        return OTHER; // name resolution, statistics, secrets, custom blocks: not packets
    }
  }

  #setPacket(at: number, linkType: number, interfaceId: number, start: number, end: number, originalLength: number): void {
    this.offset = at;
    this.linkType = linkType;
    this.interfaceId = interfaceId;
    this.bytes = this.#buf;
    this.start = start;
    this.end = end;
    this.originalLength = originalLength;
  }

  #setTime(hi: number, lo: number, iface: Iface): void {
    const perSec = iface.unitsPerSecondNum;
    if (perSec <= 1e6) {
      const units = hi * 4294967296 + lo; // exact below 2^53: microsecond timestamps until the year 2255
      const seconds = Math.floor(units / perSec);
      this.seconds = seconds + iface.offsetSeconds;
      this.nanos = Math.round(((units - seconds * perSec) * 1e9) / perSec);
      return;
    }
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    const seconds = units / iface.unitsPerSecond;
    const rest = units - seconds * iface.unitsPerSecond;
    this.seconds = Number(seconds) + iface.offsetSeconds;
    this.nanos = Number((rest * 1_000_000_000n) / iface.unitsPerSecond);
  }
}
