import type { FlowActivity } from '../activity.js';

/** One exported flow record (a flow or an active-timeout segment of one). */
export interface FlowRecord {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly proto: number;
  readonly tcpFlags: number;
  readonly tos: number;
  readonly bytes: number;
  readonly packets: number;
  readonly first: number;
  readonly last: number;
  readonly inputIf: number;
  readonly outputIf: number;
  readonly srcAs: number;
  readonly dstAs: number;
  readonly srcMask: number;
  readonly dstMask: number;
  readonly nextHop: string;
  readonly endReason: number;
}

export type FlowFormat = 'v9' | 'ipfix';

const TEMPLATE_ID = 256;
// NetFlow v9 field types and lengths of the template (RFC 3954 §8).
const V9_FIELDS: readonly [number, number][] = [
  [8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [5, 1], [1, 8], [2, 8], [22, 4], [21, 4], [10, 2], [14, 2], [16, 4], [17, 4], [9, 1], [13, 1], [15, 4], [61, 1],
];
// IPFIX information elements of the template (IANA registry ids).
const IPFIX_FIELDS: readonly [number, number][] = [
  [8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 2], [5, 1], [1, 8], [2, 8], [152, 8], [153, 8], [10, 4], [14, 4], [16, 4], [17, 4], [9, 1], [13, 1], [15, 4], [61, 1], [136, 1],
];
const recordLength = (fields: readonly [number, number][]): number => fields.reduce((n, [, l]) => n + l, 0);

function ip4(buf: Buffer, o: number, ip: string): void {
  let part = 0;
  let k = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46;
    if (c === 46) {
      buf[o + k++] = part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
}

function internal(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('172.16.') || ip.startsWith('192.168.');
}

function asOf(ip: string): number {
  if (internal(ip)) return 0;
  let h = 0;
  for (let i = 0; i < ip.length; i++) h = (h * 31 + ip.charCodeAt(i)) >>> 0;
  return 64496 + (h % 16); // documentation ASNs (RFC 5398)
}

/**
 * Turns connections into exported records as a router's flow cache would: records leave the cache when the flow
 * ends (after an idle delay) or every `activeTimeoutMs` for long flows; each record then goes to `emit` with
 * its export time.
 */
export function exportRecords(f: FlowActivity, activeTimeoutMs: number, exportDelayMs: number, emit: (time: number, r: FlowRecord) => void): void {
  const duration = Math.max(0, f.end - f.start);
  const segments = Math.max(1, Math.ceil(duration / activeTimeoutMs));
  let bytesLeft = f.bytes;
  let packetsLeft = f.packets;
  for (let s = 0; s < segments; s++) {
    const first = f.start + s * activeTimeoutMs;
    const last = s === segments - 1 ? f.end : first + activeTimeoutMs - 1;
    const share = segments === 1 ? 1 : (last - first + 1) / (duration + 1);
    const bytes = s === segments - 1 ? bytesLeft : Math.min(bytesLeft, Math.round(f.bytes * share));
    const packets = s === segments - 1 ? packetsLeft : Math.min(packetsLeft - (segments - 1 - s), Math.max(1, Math.round(f.packets * share)));
    bytesLeft -= bytes;
    packetsLeft -= packets;
    const activeEnd = s < segments - 1;
    emit(last + (activeEnd ? 1 + (exportDelayMs >> 4) : exportDelayMs), {
      src: f.src,
      dst: f.dst,
      srcPort: f.srcPort,
      dstPort: f.dstPort,
      proto: f.proto,
      tcpFlags: f.tcpFlags,
      tos: f.tos,
      bytes: Math.max(0, bytes),
      packets: Math.max(1, packets),
      first,
      last,
      inputIf: f.inputIf,
      outputIf: f.outputIf,
      srcAs: asOf(f.src),
      dstAs: asOf(f.dst),
      srcMask: internal(f.src) ? 24 : 16,
      dstMask: internal(f.dst) ? 24 : 16,
      nextHop: internal(f.dst) ? '0.0.0.0' : '10.0.0.254',
      endReason: activeEnd ? 2 : f.proto === 6 ? 3 : 1,
    });
  }
}

/**
 * Builds NetFlow v9 or IPFIX export packets from records: a template in the first packet and every
 * `templateEvery` packets after it (as real exporters refresh them), sequence numbers as each protocol defines
 * them, uptime-relative times for v9 and absolute milliseconds for IPFIX.
 */
export class ExportPacketBuilder {
  readonly format: FlowFormat;
  readonly #bootMs: number;
  readonly #domain: number;
  readonly #templateEvery: number;
  readonly #fields: readonly [number, number][];
  readonly #recLen: number;
  #packets = 0;
  #records = 0;

  constructor(format: FlowFormat, bootMs: number, options: { domainId?: number; templateEvery?: number } = {}) {
    this.format = format;
    this.#bootMs = bootMs;
    this.#domain = options.domainId ?? 1;
    this.#templateEvery = options.templateEvery ?? 20;
    this.#fields = format === 'v9' ? V9_FIELDS : IPFIX_FIELDS;
    this.#recLen = recordLength(this.#fields);
  }

  /** Records per packet so that packets stay under 1400 bytes. */
  get maxRecords(): number {
    return Math.floor((1400 - 20 - 4 - 8 - this.#fields.length * 4) / this.#recLen);
  }

  build(exportTime: number, records: readonly FlowRecord[]): Buffer {
    const v9 = this.format === 'v9';
    const withTemplate = this.#packets % this.#templateEvery === 0;
    const headerLen = v9 ? 20 : 16;
    const templateLen = withTemplate ? 4 + 4 + this.#fields.length * 4 : 0;
    const dataLen = 4 + records.length * this.#recLen;
    const dataPad = v9 ? (4 - (dataLen % 4)) % 4 : 0;
    const total = headerLen + templateLen + dataLen + dataPad;
    const b = Buffer.alloc(total);
    const secs = Math.floor(exportTime / 1000);
    if (v9) {
      b.writeUInt16BE(9, 0);
      b.writeUInt16BE(records.length + (withTemplate ? 1 : 0), 2);
      b.writeUInt32BE((exportTime - this.#bootMs) >>> 0, 4);
      b.writeUInt32BE(secs, 8);
      b.writeUInt32BE(this.#packets >>> 0, 12);
      b.writeUInt32BE(this.#domain, 16);
    } else {
      b.writeUInt16BE(10, 0);
      b.writeUInt16BE(total, 2);
      b.writeUInt32BE(secs, 4);
      b.writeUInt32BE(this.#records >>> 0, 8);
      b.writeUInt32BE(this.#domain, 12);
    }
    let o = headerLen;
    if (withTemplate) {
      b.writeUInt16BE(v9 ? 0 : 2, o);
      b.writeUInt16BE(templateLen, o + 2);
      b.writeUInt16BE(TEMPLATE_ID, o + 4);
      b.writeUInt16BE(this.#fields.length, o + 6);
      o += 8;
      for (const [id, len] of this.#fields) {
        b.writeUInt16BE(id, o);
        b.writeUInt16BE(len, o + 2);
        o += 4;
      }
    }
    b.writeUInt16BE(TEMPLATE_ID, o);
    b.writeUInt16BE(dataLen + dataPad, o + 2);
    o += 4;
    for (const r of records) o = v9 ? this.#v9Record(b, o, r) : this.#ipfixRecord(b, o, r);
    this.#packets++;
    this.#records += records.length;
    return b;
  }

  #v9Record(b: Buffer, o: number, r: FlowRecord): number {
    ip4(b, o, r.src);
    ip4(b, o + 4, r.dst);
    b.writeUInt16BE(r.srcPort, o + 8);
    b.writeUInt16BE(r.dstPort, o + 10);
    b[o + 12] = r.proto;
    b[o + 13] = r.tcpFlags & 0xff;
    b[o + 14] = r.tos;
    b.writeBigUInt64BE(BigInt(r.bytes), o + 15);
    b.writeBigUInt64BE(BigInt(r.packets), o + 23);
    b.writeUInt32BE((r.first - this.#bootMs) >>> 0, o + 31);
    b.writeUInt32BE((r.last - this.#bootMs) >>> 0, o + 35);
    b.writeUInt16BE(r.inputIf, o + 39);
    b.writeUInt16BE(r.outputIf, o + 41);
    b.writeUInt32BE(r.srcAs, o + 43);
    b.writeUInt32BE(r.dstAs, o + 47);
    b[o + 51] = r.srcMask;
    b[o + 52] = r.dstMask;
    ip4(b, o + 53, r.nextHop);
    b[o + 57] = 0; // ingress
    return o + 58;
  }

  #ipfixRecord(b: Buffer, o: number, r: FlowRecord): number {
    ip4(b, o, r.src);
    ip4(b, o + 4, r.dst);
    b.writeUInt16BE(r.srcPort, o + 8);
    b.writeUInt16BE(r.dstPort, o + 10);
    b[o + 12] = r.proto;
    b.writeUInt16BE(r.tcpFlags, o + 13);
    b[o + 15] = r.tos;
    b.writeBigUInt64BE(BigInt(r.bytes), o + 16);
    b.writeBigUInt64BE(BigInt(r.packets), o + 24);
    b.writeBigUInt64BE(BigInt(r.first), o + 32);
    b.writeBigUInt64BE(BigInt(r.last), o + 40);
    b.writeUInt32BE(r.inputIf, o + 48);
    b.writeUInt32BE(r.outputIf, o + 52);
    b.writeUInt32BE(r.srcAs, o + 56);
    b.writeUInt32BE(r.dstAs, o + 60);
    b[o + 64] = r.srcMask;
    b[o + 65] = r.dstMask;
    ip4(b, o + 66, r.nextHop);
    b[o + 70] = 0;
    b[o + 71] = r.endReason;
    return o + 72;
  }
}
