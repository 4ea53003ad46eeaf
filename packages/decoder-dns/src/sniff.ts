/**
 * Format detection: the dns decoder reads packet captures, and so do others (the NetFlow decoder reads captures
 * of export packets). So the magic bytes are not enough: the packets in the probe's head are looked at, and the
 * confidence says how much of that traffic is DNS (on a DNS port, or decoding cleanly as DNS on another port).
 *
 * - a capture with DNS in its head: 0.9 + 0.09 × the DNS share of its IP packets (0.9 to 0.99);
 * - a capture without DNS in its head (NetFlow exports, web traffic): 0.1;
 * - a capture whose head holds no complete IP packet yet: 0.3 (it may still be DNS);
 * - not a capture: 0.
 */
import { LOCATE_TRANSPORT, decodeIp, decodeLink, isLayerError, locatePacket, newPacketLocation, readCaptureBytes, sniffCapture } from '@sightline/capture';
import type { SniffProbe } from '@sightline/core';
import { heuristicHeaderOk } from './transport/dns-transport.js';
import { parseMessage } from './wire/message.js';

/** Ports that say "DNS" for sniffing, beside the configured ones: DNS, mDNS, LLMNR, DNS over TLS/QUIC. */
const SNIFF_PORTS = [53, 5353, 5355, 853];

export function looksLikeDns(b: Uint8Array, start: number, end: number): boolean {
  if (!heuristicHeaderOk(b, start, end)) return false;
  const m = parseMessage(b, start, end);
  return m !== undefined && m.problem === undefined && m.trailing === 0;
}

export function sniffCaptureForDns(probe: SniffProbe, ports: ReadonlySet<number>): number {
  if (probe.framing !== 'stream' || sniffCapture(probe.head) === undefined) return 0;
  const { packets } = readCaptureBytes(probe.head, { name: probe.name, partial: true });
  const loc = newPacketLocation();
  let ip = 0;
  let dns = 0;
  const isDnsPort = (p: number): boolean => ports.has(p) || SNIFF_PORTS.includes(p);
  for (const p of packets) {
    if (locatePacket(p.linkType, p.data, loc) === LOCATE_TRANSPORT) {
      ip++;
      const t = loc.transportOffset;
      if (isDnsPort(loc.srcPort) || isDnsPort(loc.dstPort)) dns++;
      else if (loc.protocol === 17 && loc.ipEnd >= t + 8 && looksLikeDns(p.data, t + 8, loc.ipEnd)) dns++;
      continue;
    }
    // Fragments, extension headers, loopback framing: the full decoders (first fragments carry the ports).
    const link = decodeLink(p.linkType, p.data);
    if (isLayerError(link) || link.ipVersion === 0) continue;
    const pkt = decodeIp(p.data, link.offset);
    if (isLayerError(pkt)) continue;
    ip++;
    if ((pkt.protocol === 17 || pkt.protocol === 6) && (pkt.fragment === undefined || pkt.fragment.offset === 0) && pkt.payload.length >= 4) {
      const sp = (pkt.payload[0]! << 8) | pkt.payload[1]!;
      const dp = (pkt.payload[2]! << 8) | pkt.payload[3]!;
      if (isDnsPort(sp) || isDnsPort(dp)) dns++;
    }
  }
  if (ip === 0) return 0.3;
  if (dns === 0) return 0.1;
  return 0.9 + 0.09 * (dns / ip);
}
