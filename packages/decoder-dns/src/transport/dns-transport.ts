/**
 * From captured packets to DNS messages: UDP datagrams on DNS ports (and, optionally, other UDP datagrams that
 * decode as DNS), IP fragments put back together first, DNS over TCP through stream reassembly and framing.
 * Each message found is handed to `onMessage` synchronously with where it came from.
 *
 * The common case (an unfragmented UDP datagram in Ethernet/raw/SLL framing) is located without allocating;
 * only packets that turn out to be DNS get their addresses turned into text.
 */
import {
  type CaptureCursor,
  type CapturedPacket,
  type IpPacket,
  IpReassembler,
  type IpReassemblyOptions,
  type ReassembledIp,
  LOCATE_NOT_IP,
  LOCATE_TRANSPORT,
  type StreamConsumer,
  type TcpDirection,
  TcpReassembler,
  type TcpReassemblyOptions,
  decodeIp,
  decodeLink,
  decodeTcp,
  decodeUdp,
  isLayerError,
  locateFrame,
  newPacketLocation,
} from '@sightline/capture';
import type { Issue } from '@sightline/core';
import { ipv4Text, ipv6Text } from '../wire/ip-text.js';
import { HEADER_LENGTH } from '../wire/message.js';
import { DnsTcpFramer } from './tcp-framer.js';

/** What a message's event needs to know of the packet that carried it (a `CapturedPacket` or a `CaptureCursor` will do). */
export interface PacketFacts {
  readonly index: number;
  readonly offset: number;
  readonly seconds: number;
  readonly nanos: number;
  readonly originalLength: number;
}

/** A DNS message found in the capture. The object is reused: read it during the callback. */
export interface FoundMessage {
  /** The packet that carried (the end of) the message: time, number, length (valid during the callback only). */
  packet: PacketFacts;
  bytes: Uint8Array;
  start: number;
  end: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** 17 UDP, 6 TCP. */
  proto: 6 | 17;
  /** Multicast DNS (port 5353): class top bits are flags. */
  mdns: boolean;
  /** Position of the message among those the same packet completed (TCP can complete several). */
  ordinal: number;
  /** The datagram was reassembled from this many IP fragments (0 when it was not fragmented). */
  fragments: number;
  /** IPv4 source and destination as 32-bit numbers when read from the packet (for event ids), else -1. */
  srcKey: number;
  dstKey: number;
}

export interface DnsTransportOptions {
  readonly udpPorts: ReadonlySet<number>;
  readonly tcpPorts: ReadonlySet<number>;
  /** Try UDP datagrams on other ports too, keeping those whose payload decodes as a DNS message without fault. */
  readonly heuristic: boolean;
  readonly fragments?: IpReassemblyOptions;
  readonly tcp?: TcpReassemblyOptions;
}

export interface DnsTransportStats {
  packets: number;
  udpMessages: number;
  tcpMessages: number;
  heuristicMessages: number;
  reassembledDatagrams: number;
  otherPackets: number;
}

const MDNS_PORT = 5353;
/** Ports of protocols that share DNS's wire format but are not DNS (NetBIOS name and datagram services): never taken by the heuristic. */
const NOT_DNS_PORTS = new Set([137, 138]);

/** Strict check for DNS on a port that is not a DNS port: a plausible header, then a clean decode. */
export type HeuristicCheck = (bytes: Uint8Array, start: number, end: number) => boolean;

export class DnsTransport {
  readonly #source: string;
  readonly #opts: DnsTransportOptions;
  readonly #onMessage: (m: FoundMessage) => void;
  readonly #heuristic: HeuristicCheck;
  readonly #loc = newPacketLocation();
  readonly #found: FoundMessage;
  readonly #fragments: IpReassembler;
  readonly #tcp: TcpReassembler;
  #issues: Issue[] = [];
  #lastCompleted = -1;
  #ordinal = 0;
  readonly #unsupportedLinks = new Map<number, number>();
  // The UDP DNS ports as a table by port number (a look-up per packet, cheaper than two Set look-ups).
  readonly #udpPort = new Uint8Array(65536);
  readonly stats: DnsTransportStats = { packets: 0, udpMessages: 0, tcpMessages: 0, heuristicMessages: 0, reassembledDatagrams: 0, otherPackets: 0 };

  constructor(source: string, options: DnsTransportOptions, onMessage: (m: FoundMessage) => void, heuristic: HeuristicCheck) {
    this.#source = source;
    this.#opts = options;
    this.#onMessage = onMessage;
    this.#heuristic = heuristic;
    for (const port of options.udpPorts) if (Number.isInteger(port) && port >= 0 && port < 65536) this.#udpPort[port] = 1;
    this.#found = { packet: { index: 0, offset: 0, seconds: 0, nanos: 0, originalLength: 0 }, bytes: new Uint8Array(0), start: 0, end: 0, src: '', dst: '', srcPort: 0, dstPort: 0, proto: 17, mdns: false, ordinal: 0, fragments: 0, srcKey: -1, dstKey: -1 };
    this.#fragments = new IpReassembler(source, options.fragments);
    this.#tcp = new TcpReassembler(source, (d) => this.#openTcp(d), options.tcp);
  }

  /** Issues raised since the last call: malformed packets, lost fragments, TCP bytes lost or skipped. */
  takeIssues(): Issue[] {
    const out = this.#issues;
    this.#issues = [];
    for (const i of this.#fragments.takeIssues()) out.push(i);
    for (const i of this.#tcp.takeIssues()) out.push(i);
    return out;
  }

  tcpStats(): ReturnType<TcpReassembler['stats']> {
    return this.#tcp.stats();
  }

  /** Looks at one captured packet; DNS messages it completes go to `onMessage`. */
  packet(p: CapturedPacket): void {
    this.#frame(p, p.linkType, p.data, 0, p.data.length, p, undefined);
  }

  /** Looks at the cursor's current packet (no object is made for it unless it needs reassembly or explaining). */
  record(c: CaptureCursor): void {
    this.#frame(c, c.linkType, c.bytes, c.start, c.end, undefined, c);
  }

  #frame(p: PacketFacts, linkType: number, d: Uint8Array, start: number, frameEnd: number, packet: CapturedPacket | undefined, cursor: CaptureCursor | undefined): void {
    this.stats.packets++;
    const loc = this.#loc;
    const status = locateFrame(linkType, d, start, frameEnd, loc);
    if (status === LOCATE_TRANSPORT) {
      if (loc.protocol === 17) {
        const sp = loc.srcPort;
        const dp = loc.dstPort;
        const known = (this.#udpPort[sp]! | this.#udpPort[dp]!) !== 0;
        if (!known && !this.#opts.heuristic) {
          this.stats.otherPackets++;
          return;
        }
        const t = loc.transportOffset;
        if (loc.ipEnd < t + 8) {
          if (known) this.#issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${p.index}: UDP header cut short`, p, d.subarray(start, frameEnd));
          else this.stats.otherPackets++;
          return;
        }
        const udpLen = (d[t + 4]! << 8) | d[t + 5]!;
        const end = udpLen >= 8 ? Math.min(loc.ipEnd, t + udpLen) : loc.ipEnd;
        if (!known && (NOT_DNS_PORTS.has(sp) || NOT_DNS_PORTS.has(dp) || !this.#heuristic(d, t + 8, end))) {
          this.stats.otherPackets++;
          return;
        }
        const v4 = loc.ipVersion === 4;
        const o = loc.ipOffset;
        const f = this.#found;
        f.srcKey = v4 ? ((d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!) >>> 0 : -1;
        f.dstKey = v4 ? ((d[o + 16]! << 24) | (d[o + 17]! << 16) | (d[o + 18]! << 8) | d[o + 19]!) >>> 0 : -1;
        this.#emit(p, d, t + 8, end, v4 ? ipv4Text(d, o + 12) : ipv6Text(d, o + 8), v4 ? ipv4Text(d, o + 16) : ipv6Text(d, o + 24), sp, dp, 17, 0);
        if (known) this.stats.udpMessages++;
        else this.stats.heuristicMessages++;
        return;
      }
      if (!this.#opts.tcpPorts.has(loc.srcPort) && !this.#opts.tcpPorts.has(loc.dstPort)) {
        this.stats.otherPackets++;
        return;
      }
    } else if (status === LOCATE_NOT_IP) {
      this.stats.otherPackets++;
      return;
    }
    this.#slowPath(packet ?? cursor!.packet());
  }

  /** At the end of the input: what reassembly still holds is delivered or reported. */
  finish(): void {
    for (const i of this.#fragments.flush()) this.#issues.push(i);
    this.#tcp.flush();
    for (const [linkType, count] of this.#unsupportedLinks) {
      if (count > 1) this.#issues.push({ code: 'SL_CAPTURE_UNSUPPORTED_LINK', message: `${count - 1} more packets of link-layer type ${linkType} were skipped (only the first is quarantined)`, source: this.#source, details: { linkType, packets: count - 1 } });
    }
  }

  #slowPath(p: CapturedPacket): void {
    const link = decodeLink(p.linkType, p.data);
    if (isLayerError(link)) {
      if (link.error.code === 'SL_CAPTURE_UNSUPPORTED_LINK') {
        const n = (this.#unsupportedLinks.get(p.linkType) ?? 0) + 1;
        this.#unsupportedLinks.set(p.linkType, n);
        if (n > 1) return;
      }
      this.#issue(link.error.code, `packet ${p.index}: ${link.error.message}`, p, p.data);
      return;
    }
    if (link.ipVersion === 0) {
      this.stats.otherPackets++;
      return;
    }
    const decoded = decodeIp(p.data, link.offset);
    if (isLayerError(decoded)) {
      this.#issue('SL_CAPTURE_MALFORMED_PACKET', `packet ${p.index}: ${decoded.error.message}`, p, p.data);
      return;
    }
    let ip: IpPacket | undefined = decoded;
    let fragments = 0;
    if (ip.fragment !== undefined) {
      if (ip.protocol !== 17 && ip.protocol !== 6) {
        this.stats.otherPackets++;
        return;
      }
      ip = this.#fragments.push(p, ip);
      if (ip === undefined) return;
      fragments = 'reassembled' in ip ? (ip as ReassembledIp).reassembled.fragments : 0;
      this.stats.reassembledDatagrams++;
    }
    if (ip.protocol === 17) {
      const udp = decodeUdp(ip.payload);
      if (isLayerError(udp)) {
        this.#issue(udp.error.code, `packet ${p.index}: ${udp.error.message}`, p, p.data);
        return;
      }
      const known = this.#opts.udpPorts.has(udp.srcPort) || this.#opts.udpPorts.has(udp.dstPort);
      const payload = udp.payload;
      if (!known && !(this.#opts.heuristic && !NOT_DNS_PORTS.has(udp.srcPort) && !NOT_DNS_PORTS.has(udp.dstPort) && this.#heuristic(payload, 0, payload.length))) {
        this.stats.otherPackets++;
        return;
      }
      this.#found.srcKey = -1;
      this.#found.dstKey = -1;
      this.#emit(p, payload, 0, payload.length, ip.src, ip.dst, udp.srcPort, udp.dstPort, 17, fragments);
      if (known) this.stats.udpMessages++;
      else this.stats.heuristicMessages++;
      return;
    }
    if (ip.protocol === 6) {
      const tcp = decodeTcp(ip.payload);
      if (isLayerError(tcp)) {
        this.#issue(tcp.error.code, `packet ${p.index}: ${tcp.error.message}`, p, p.data);
        return;
      }
      if (!this.#opts.tcpPorts.has(tcp.srcPort) && !this.#opts.tcpPorts.has(tcp.dstPort)) {
        this.stats.otherPackets++;
        return;
      }
      this.#tcp.push(p, ip, tcp);
      return;
    }
    this.stats.otherPackets++;
  }

  #openTcp(dir: TcpDirection): StreamConsumer | undefined {
    // Both directions of a DNS connection carry messages (queries one way, responses the other).
    return new DnsTcpFramer(
      dir,
      (bytes, start, end, packet, d) => {
        this.stats.tcpMessages++;
        this.#found.srcKey = -1;
        this.#found.dstKey = -1;
        this.#emit(packet, bytes, start, end, d.src, d.dst, d.srcPort, d.dstPort, 6, 0);
      },
      (d, packet, message, raw) => {
        const issue: Issue = { code: 'SL_DNS_TCP_INCOMPLETE', message: `TCP ${d.src}:${d.srcPort} > ${d.dst}:${d.dstPort}${packet === undefined ? '' : ` (packet ${packet.index})`}: ${message}`, source: this.#source };
        // (the framer reports places, not packets: it keeps no packet bytes alive)
        this.#issues.push(packet === undefined ? (raw === undefined ? issue : { ...issue, raw: Uint8Array.from(raw.subarray(0, 512)) }) : { ...issue, offset: packet.offset, details: { packet: packet.index }, ...(raw === undefined ? {} : { raw: Uint8Array.from(raw.subarray(0, 512)) }) });
      },
    );
  }

  #emit(p: PacketFacts, bytes: Uint8Array, start: number, end: number, src: string, dst: string, srcPort: number, dstPort: number, proto: 6 | 17, fragments: number): void {
    const f = this.#found;
    if (p.index === this.#lastCompleted) this.#ordinal++;
    else {
      this.#lastCompleted = p.index;
      this.#ordinal = 0;
    }
    f.packet = p;
    f.bytes = bytes;
    f.start = start;
    f.end = end;
    f.src = src;
    f.dst = dst;
    f.srcPort = srcPort;
    f.dstPort = dstPort;
    f.proto = proto;
    f.mdns = srcPort === MDNS_PORT || dstPort === MDNS_PORT;
    f.ordinal = this.#ordinal;
    f.fragments = fragments;
    this.#onMessage(f);
  }

  #issue(code: Issue['code'], message: string, p: PacketFacts, data: Uint8Array): void {
    this.#issues.push({ code, message, source: this.#source, offset: p.offset, raw: Uint8Array.from(data.subarray(0, 256)), details: { packet: p.index } });
  }
}

/** A datagram payload on a non-DNS port is taken for DNS only if its header is plausible and it decodes cleanly. */
export function heuristicHeaderOk(b: Uint8Array, start: number, end: number): boolean {
  const len = end - start;
  if (len <= HEADER_LENGTH) return false;
  const flags = (b[start + 2]! << 8) | b[start + 3]!;
  if ((flags & 0x7800) !== 0 || (flags & 0x0040) !== 0) return false; // standard queries and responses only, Z clear
  const qd = (b[start + 4]! << 8) | b[start + 5]!;
  const an = (b[start + 6]! << 8) | b[start + 7]!;
  const ns = (b[start + 8]! << 8) | b[start + 9]!;
  const ar = (b[start + 10]! << 8) | b[start + 11]!;
  const response = (flags & 0x8000) !== 0;
  if (qd !== 1) return false;
  if (!response && (an !== 0 || ns !== 0)) return false;
  if (an > 100 || ns > 20 || ar > 20) return false;
  return qd * 5 + (an + ns + ar) * 11 <= len - HEADER_LENGTH;
}
