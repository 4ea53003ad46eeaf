import { createSocket, type Socket } from 'node:dgram';
import { type WriteStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { udpFrame } from '@sightline/capture';
import type { ActivitySink, DnsActivity, FlowActivity, Label, ProxyActivity } from './activity.js';
import { ATTACK_TYPES, type AttackInstance, type AttackSpec, planAttacks } from './attacks.js';
import { topDomainsCsv } from './catalog.js';
import { encodeQuery, encodeResponse } from './emit/dns-wire.js';
import { ExportPacketBuilder, type FlowFormat, type FlowRecord, exportRecords } from './emit/netflow.js';
import { dnsEvent, flowEvent, proxyEvent } from './emit/odm.js';
import { proxySgHeader, proxySgLine, squidLine } from './emit/proxy-log.js';
import { Timeline } from './emit/timeline.js';
import { buildNetwork } from './network.js';
import { DEFAULT_RATES, Traffic, type TrafficRates } from './traffic.js';

export interface SimulationOptions {
  readonly seed: number;
  /** First simulated moment, UTC epoch ms (default Monday 2026-01-05 00:00Z). */
  readonly start?: number;
  /** How long to simulate, in days (fractions allowed). */
  readonly days: number;
  readonly workstations: number;
  readonly rates?: Partial<TrafficRates>;
  /** Attacks to plant (default: one of each type at intensity 1). Empty: none. */
  readonly attacks?: readonly AttackSpec[];
  readonly outDir: string;
  /** NetFlow export format written as a pcap of export packets; `none` to skip. Default v9. */
  readonly flows?: FlowFormat | 'none';
  /** DNS capture container; `none` to skip. Default pcap. */
  readonly dns?: 'pcap' | 'pcapng' | 'none';
  /** Proxy log formats. Default ['proxysg']. */
  readonly proxy?: readonly ('proxysg' | 'squid')[];
  /** Also write every event as an open-data-model NDJSON file (`events.ndjson`): what a perfect decoder would give. */
  readonly odm?: boolean;
  /**
   * Cut the flow, DNS and proxy outputs into one file per period of this many ms (as nfcapd -t 300, tcpdump -G or
   * log rotation do), named with the period's start (`flows-v9-20260105T0100Z.pcap`); `files` then holds globs.
   */
  readonly rotateMs?: number;
  /** Also send the export packets over UDP to a collector (e.g. 127.0.0.1:2055). */
  readonly udp?: { readonly host: string; readonly port: number };
  readonly activeTimeoutMs?: number;
  readonly onProgress?: (p: { simulatedMs: number; totalMs: number; flowRecords: number; dnsMessages: number; proxyLines: number }) => void;
}

export interface SimulationResult {
  readonly outDir: string;
  readonly files: Readonly<Record<string, string>>;
  readonly counts: { connections: number; flowRecords: number; exportPackets: number; dnsLookups: number; dnsMessages: number; proxyLines: number; labels: number };
  readonly attacks: readonly AttackInstance[];
  /** Configured attacks that were not planted, with why. */
  readonly skippedAttacks: readonly { readonly id: string; readonly reason: string }[];
  readonly start: number;
  readonly end: number;
}

const MIN = 60_000;
const DAY = 86_400_000;
export const DEFAULT_START = Date.UTC(2026, 0, 5);

/** How an output is cut into files by time (as nfcapd -t, tcpdump -G and log rotation do). */
interface Rotation {
  readonly everyMs: number;
  /** The file for the period starting at `periodStart`. */
  readonly path: (periodStart: number) => string;
  /** What each file starts with (a capture header, a log's field line). */
  readonly header?: (periodStart: number) => Buffer | string;
}

/**
 * Buffered file writing with back-pressure: memory stays bounded whatever the volume. With a rotation, each
 * write says the time it belongs to and a new file (with its own header) starts at every period boundary.
 */
class Output {
  #stream: WriteStream | undefined;
  #parts: Buffer[] = [];
  #size = 0;
  #period = Number.NaN;
  readonly paths: string[] = [];
  constructor(
    readonly path: string,
    readonly rotation?: Rotation,
  ) {
    if (rotation === undefined) this.#open(path);
  }
  #open(path: string): void {
    this.#stream = createWriteStream(path);
    this.paths.push(path);
  }
  async write(b: Buffer | string, time?: number): Promise<void> {
    const r = this.rotation;
    if (r !== undefined && time !== undefined) {
      const period = Math.floor(time / r.everyMs) * r.everyMs;
      if (period !== this.#period) {
        await this.#end();
        this.#period = period;
        this.#open(r.path(period));
        if (r.header !== undefined) this.#push(r.header(period));
      }
    }
    this.#push(b);
    if (this.#size >= 1 << 20) await this.flush();
  }
  #push(b: Buffer | string): void {
    const buf = typeof b === 'string' ? Buffer.from(b) : b;
    this.#parts.push(buf);
    this.#size += buf.length;
  }
  async flush(): Promise<void> {
    if (this.#size === 0 || this.#stream === undefined) return;
    const data = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    const stream = this.#stream;
    if (!stream.write(data)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  async #end(): Promise<void> {
    await this.flush();
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  async close(): Promise<void> {
    await this.#end();
  }
}

/** `20260105T0100Z`: a period's start in file names (sorts in time order). */
function stamp(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
}

function pcapHeader(nanos: boolean): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

function pcapRecord(timeMs: number, frame: Uint8Array): Buffer {
  const h = Buffer.alloc(16 + frame.length);
  const sec = Math.floor(timeMs / 1000);
  h.writeUInt32LE(sec, 0);
  h.writeUInt32LE(Math.round((timeMs - sec * 1000) * 1000), 4);
  h.writeUInt32LE(frame.length, 8);
  h.writeUInt32LE(frame.length, 12);
  h.set(frame, 16);
  return h;
}

function pcapngHeader(): Buffer {
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(262144, 12);
  idb.writeUInt32LE(20, 16);
  return Buffer.concat([shb, idb]);
}

function pcapngRecord(timeMs: number, frame: Uint8Array): Buffer {
  const padded = (frame.length + 3) & ~3;
  const len = 32 + padded;
  const b = Buffer.alloc(len);
  const us = Math.round(timeMs * 1000);
  b.writeUInt32LE(6, 0);
  b.writeUInt32LE(len, 4);
  b.writeUInt32LE(Math.floor(us / 4294967296), 12);
  b.writeUInt32LE(us % 4294967296, 16);
  b.writeUInt32LE(frame.length, 20);
  b.writeUInt32LE(frame.length, 24);
  b.set(frame, 28);
  b.writeUInt32LE(len, len - 4);
  return b;
}

/**
 * Simulates `days` of an enterprise network minute by minute and writes it in real wire formats: NetFlow v9 or
 * IPFIX export packets (pcap, and optionally over UDP), DNS traffic at the resolver (pcap/pcapng), proxy access
 * logs (ProxySG ELFF, Squid), and the ground truth: `labels.ndjson` (every planted attack and every activity it
 * caused), `network.json` (zones and asset inventory), `top-domains.csv`. Memory is bounded by one minute of
 * traffic plus flows still open; the same seed and options give byte-identical files.
 */
export async function simulate(o: SimulationOptions): Promise<SimulationResult> {
  const start = o.start ?? DEFAULT_START;
  const end = start + Math.round(o.days * DAY);
  const net = buildNetwork(o.workstations, o.seed);
  const traffic = new Traffic(net, { ...DEFAULT_RATES, ...o.rates }, o.seed);
  const specs = o.attacks ?? ATTACK_TYPES.map((type) => ({ type, intensity: 1 }));
  const planned = planAttacks(specs, net, traffic, start, o.seed);
  // An attack that would begin after the simulated span is not planted (and not in the labels).
  const attacks = planned.filter((a) => a.instance.start < end);
  const skippedAttacks = planned.filter((a) => a.instance.start >= end).map((a) => ({ id: a.instance.id, reason: `starts at ${new Date(a.instance.start).toISOString()}, after the simulated span ends` }));
  await mkdir(o.outDir, { recursive: true });

  const flowFormat = o.flows ?? 'v9';
  const dnsFormat = o.dns ?? 'pcap';
  const proxyFormats = o.proxy ?? ['proxysg'];
  const files: Record<string, string> = {};
  if (o.rotateMs !== undefined && !(o.rotateMs >= MIN && o.rotateMs <= DAY)) throw new RangeError('rotateMs must be between one minute and one day');
  const out = (key: string, name: string, ext: string, header?: (periodStart: number) => Buffer | string): Output => {
    if (o.rotateMs === undefined || header === undefined) {
      files[key] = join(o.outDir, `${name}${ext}`);
      return new Output(files[key]!, undefined);
    }
    files[key] = join(o.outDir, `${name}-*${ext}`);
    return new Output(files[key]!, { everyMs: o.rotateMs, path: (t) => join(o.outDir, `${name}-${stamp(t)}${ext}`), header });
  };
  const flowsOut = flowFormat === 'none' ? undefined : out('flows', `flows-${flowFormat}`, '.pcap', () => pcapHeader(false));
  const dnsOut = dnsFormat === 'none' ? undefined : out('dns', 'dns', `.${dnsFormat}`, () => (dnsFormat === 'pcapng' ? pcapngHeader() : pcapHeader(false)));
  const sgOut = proxyFormats.includes('proxysg') ? out('proxysg', 'proxysg', '.log', (t) => proxySgHeader(Math.max(t, start))) : undefined;
  const squidOut = proxyFormats.includes('squid') ? out('squid', 'squid-access', '.log', () => '') : undefined;
  const labelsOut = out('labels', 'labels', '.ndjson');
  const odmOut = o.odm === true ? out('odm', 'events', '.ndjson') : undefined;
  let ordinal = 0;
  if (o.rotateMs === undefined) {
    await flowsOut?.write(pcapHeader(false));
    await dnsOut?.write(dnsFormat === 'pcapng' ? pcapngHeader() : pcapHeader(false));
    await sgOut?.write(proxySgHeader(start));
  }

  const counts = { connections: 0, flowRecords: 0, exportPackets: 0, dnsLookups: 0, dnsMessages: 0, proxyLines: 0, labels: 0 };
  const activeTimeout = o.activeTimeoutMs ?? 60_000;
  const records = new Timeline<FlowRecord>();
  const dnsQueue = new Timeline<{ d: DnsActivity; response: boolean }>();
  const proxyQueue = new Timeline<ProxyActivity>();
  const labelLines: string[] = [];
  const builder = flowFormat === 'none' ? undefined : new ExportPacketBuilder(flowFormat, start - 7 * DAY, { domainId: 1 });
  const exporterPort = 50123;
  const collectorPort = flowFormat === 'ipfix' ? 4739 : 2055;
  let udp: Socket | undefined;
  if (o.udp !== undefined) udp = createSocket(o.udp.host.includes(':') ? 'udp6' : 'udp4');

  const label = (l: Label | undefined, entry: Record<string, unknown>): void => {
    if (l === undefined) return;
    counts.labels++;
    labelLines.push(JSON.stringify({ type: 'event', attack: l.attack, id: l.id, ...entry }));
  };

  let exportDelayRng = o.seed >>> 0;
  const sink: ActivitySink = {
    flow(f: FlowActivity) {
      counts.connections++;
      label(f.label, { kind: 'flow', time: f.start, end: f.end, src_ip: f.src, dst_ip: f.dst, src_port: f.srcPort, dst_port: f.dstPort, n_proto: f.proto, bytes: f.bytes });
      if (builder === undefined && o.odm !== true) return;
      exportDelayRng = (Math.imul(exportDelayRng, 1664525) + 1013904223) >>> 0;
      exportRecords(f, activeTimeout, 1000 + (exportDelayRng % 14000), (t, r) => records.push(t, r));
    },
    dns(d: DnsActivity) {
      counts.dnsLookups++;
      label(d.label, { kind: 'dns', time: d.time, client: d.client, resolver: d.resolver, dns_query: d.name, dns_type: d.qtype, dns_response_code: d.rcode });
      dnsQueue.push(d.time, { d, response: false });
      dnsQueue.push(d.time + d.rttMs, { d, response: true });
    },
    proxy(p: ProxyActivity) {
      label(p.label, { kind: 'proxy', time: p.time + p.durationMs, src_ip: p.client, prx_host: p.host, prx_path: p.path, prx_method: p.method, prx_browser: p.userAgent });
      proxyQueue.push(p.time + p.durationMs, p);
    },
  };

  let packet: FlowRecord[] = [];
  let packetFirst = 0;
  let packetLast = 0;
  const sendPacket = async (): Promise<void> => {
    if (packet.length === 0 || builder === undefined) return;
    const payload = builder.build(packetLast, packet);
    counts.exportPackets++;
    await flowsOut?.write(pcapRecord(packetLast, udpFrame({ src: net.services.exporter, dst: net.services.collector, srcPort: exporterPort, dstPort: collectorPort, payload, srcMac: '02:00:0a:00:00:01', dstMac: '02:00:0a:00:00:64' })), packetLast);
    if (udp !== undefined) {
      await new Promise<void>((resolve, reject) => udp!.send(payload, o.udp!.port, o.udp!.host, (e) => (e ? reject(e) : resolve())));
      if (counts.exportPackets % 64 === 0) await new Promise((r) => setImmediate(r)); // let the collector keep up
    }
    packet = [];
  };

  /** Writes everything due before `until`, in time order. */
  const flushUntil = async (until: number): Promise<void> => {
    while (records.peekTime() < until) {
      const { time, item } = records.pop()!;
      counts.flowRecords++;
      if (builder !== undefined) {
        if (packet.length > 0 && (packet.length >= builder.maxRecords || time - packetFirst > 1000)) await sendPacket();
        if (packet.length === 0) packetFirst = time;
        packet.push(item);
        packetLast = time;
      }
      if (odmOut !== undefined) await odmOut.write(`${JSON.stringify(flowEvent(item, time, net.services.exporter, ordinal++, flowFormat === 'ipfix' ? 'ipfix' : 'v9'))}\n`);
    }
    if (packet.length > 0 && until - packetFirst > 1000) await sendPacket();
    while (dnsQueue.peekTime() < until) {
      const { time, item } = dnsQueue.pop()!;
      const d = item.d;
      const edns = (d.id & 3) !== 0;
      const payload = item.response ? encodeResponse({ id: d.id, name: d.name, qtype: d.qtype, edns, rcode: d.rcode, answers: d.answers }) : encodeQuery({ id: d.id, name: d.name, qtype: d.qtype, edns });
      const frame = item.response
        ? udpFrame({ src: d.resolver, dst: d.client, srcPort: 53, dstPort: d.clientPort, payload, srcMac: '02:00:0a:14:00:35', ipId: d.id })
        : udpFrame({ src: d.client, dst: d.resolver, srcPort: d.clientPort, dstPort: 53, payload, dstMac: '02:00:0a:14:00:35', ipId: d.id });
      counts.dnsMessages++;
      await dnsOut?.write(dnsFormat === 'pcapng' ? pcapngRecord(time, frame) : pcapRecord(time, frame), time);
      if (odmOut !== undefined && item.response) await odmOut.write(`${JSON.stringify(dnsEvent(d, time, frame.length, payload.length, ordinal++))}\n`);
    }
    while (proxyQueue.peekTime() < until) {
      const { time, item } = proxyQueue.pop()!;
      counts.proxyLines++;
      await sgOut?.write(proxySgLine(item), time);
      await squidOut?.write(squidLine(item), time);
      if (odmOut !== undefined) await odmOut.write(`${JSON.stringify(proxyEvent(item, ordinal++))}\n`);
    }
    if (labelLines.length > 0) {
      await labelsOut.write(`${labelLines.join('\n')}\n`);
      labelLines.length = 0;
    }
  };

  for (const a of attacks) labelLines.push(JSON.stringify({ ...a.instance, type: 'attack', attack: a.instance.type }));
  try {
    for (let minute = start; minute < end; minute += MIN) {
      traffic.minute(minute, sink);
      for (const a of attacks) a.minute(minute, sink);
      // Nothing generated from this minute on can be due before it: write what is older.
      await flushUntil(minute);
      if (o.onProgress !== undefined && (minute - start) % (60 * MIN) === 0) o.onProgress({ simulatedMs: minute - start, totalMs: end - start, flowRecords: counts.flowRecords, dnsMessages: counts.dnsMessages, proxyLines: counts.proxyLines });
    }
    await flushUntil(Infinity);
    await sendPacket();
  } finally {
    for (const f of [flowsOut, dnsOut, sgOut, squidOut, labelsOut, odmOut]) await f?.close();
    udp?.close();
  }

  files['network'] = join(o.outDir, 'network.json');
  await writeFile(files['network'], `${JSON.stringify({ domain: net.services.domain, services: net.services, zones: net.zones, inventory: net.inventory }, null, 2)}\n`);
  files['topDomains'] = join(o.outDir, 'top-domains.csv');
  await writeFile(files['topDomains'], topDomainsCsv());
  const result: SimulationResult = { outDir: o.outDir, files, counts, attacks: attacks.map((a) => a.instance), skippedAttacks, start, end };
  await writeFile(join(o.outDir, 'simulation.json'), `${JSON.stringify({ options: { ...o, onProgress: undefined, outDir: undefined }, ...result, outDir: undefined, files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice(o.outDir.length + 1)])) }, null, 2)}\n`);
  return result;
}
