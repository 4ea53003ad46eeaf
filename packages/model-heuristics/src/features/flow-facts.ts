import type { FlowEvent } from '@sightline/core';

const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/**
 * What the detectors need from one flow record, filled into a reused object (no allocation per event): who
 * opened the connection and to which service, how much went each way, and whether it looks like a probe.
 */
export interface FlowFacts {
  client: string;
  server: string;
  clientPort: number;
  serverPort: number;
  proto: number;
  /** True when the record's source is the client (the record is the request direction). */
  forward: boolean;
  bytes: number;
  packets: number;
  start: number;
  end: number;
  /** A probe: a connection attempt that carried nothing (SYN without ACK, or a packet or two). */
  probe: boolean;
}

export function newFlowFacts(): FlowFacts {
  return { client: '', server: '', clientPort: 0, serverPort: 0, proto: 0, forward: true, bytes: 0, packets: 0, start: 0, end: 0, probe: false };
}

/**
 * Reads a flow record. Direction: a record whose TCP flags have SYN without ACK is an opening attempt; otherwise
 * the lower port is the service (Spot's rule; equal ports: the source is the client). Returns false when the record has no addresses.
 */
export function readFlow(e: FlowEvent, out: FlowFacts, maxProbePackets: number, ignoreUdp: ReadonlySet<number>): boolean {
  const src = e.src_ip;
  const dst = e.dst_ip;
  if (typeof src !== 'string' || typeof dst !== 'string' || src === '' || dst === '') return false;
  const sp = e.src_port ?? 0;
  const dp = e.dst_port ?? 0;
  const proto = e.n_proto ?? 0;
  const flags = e.net_flags ?? 0;
  const packets = e.flow_in_packets ?? 0;
  const bytes = e.in_bytes ?? 0;
  let forward: boolean;
  const tcpFlags = proto === 6 && flags !== 0;
  // Flags are cumulative over the record: SYN alone is an opening; a whole connection has SYN and ACK both ways.
  if (tcpFlags && (flags & (SYN | ACK)) === SYN) forward = true;
  else if (proto === 1 || proto === 58) forward = true;
  else forward = sp === dp || dp < sp;
  out.forward = forward;
  out.client = forward ? src : dst;
  out.server = forward ? dst : src;
  out.clientPort = forward ? sp : dp;
  out.serverPort = proto === 1 || proto === 58 ? 0 : forward ? dp : sp;
  out.proto = proto;
  out.bytes = bytes;
  out.packets = packets;
  out.start = e.begin_time ?? e.event_time;
  out.end = e.end_time ?? out.start;
  let probe = false;
  if (forward) {
    if (proto === 6) {
      probe = tcpFlags ? (flags & SYN) !== 0 && (flags & ACK) === 0 : packets > 0 && packets <= maxProbePackets && bytes <= packets * 80;
      if (tcpFlags && (flags & (SYN | RST)) === RST) probe = false;
    } else if (proto === 17) probe = packets > 0 && packets <= 2 && !ignoreUdp.has(dp);
    else if (proto === 1 || proto === 58) {
      const t = e.flow_icmp_type;
      probe = (t === undefined || t === 8 || t === 128) && packets > 0 && packets <= 2;
    }
  }
  out.probe = probe;
  return true;
}
