import type { DecodeBatch, InputSource } from '@sightline/core';
import { decodeIp, decodeLink, decodeUdp, isLayerError, readCapture } from '@sightline/capture';
import type { FlowCollector } from '../collector.js';
import { u16 } from '../wire/bytes.js';
import { Batcher } from './batches.js';

export interface CaptureStats {
  packets: number;
  exportPackets: number;
  otherUdp: number;
  notUdp: number;
}

const EXPORT_VERSIONS = new Set([1, 5, 7, 9, 10]);

/**
 * Export packets inside a pcap / pcapng capture: the exporter is the IP source and UDP source port, the event
 * time the packet's capture time. UDP payloads that do not start with a NetFlow/IPFIX version are other traffic
 * and are counted, not decoded. IP fragments are reported (the shared capture reader does not reassemble yet).
 */
export async function* decodeCapture(source: InputSource, collector: FlowCollector, batch: Batcher, signal: AbortSignal, stats: CaptureStats): AsyncGenerator<DecodeBatch> {
  for await (const cap of readCapture(source)) {
    batch.issues.push(...cap.issues);
    for (const pkt of cap.packets) {
      if (signal.aborted) break;
      stats.packets++;
      const link = decodeLink(pkt.linkType, pkt.data);
      if (isLayerError(link)) {
        batch.issues.push({ code: link.error.code, message: `packet ${pkt.index}: ${link.error.message}`, source: source.name, offset: pkt.offset, raw: Uint8Array.from(pkt.data.subarray(0, 256)) });
        continue;
      }
      if (link.ipVersion === 0) {
        stats.notUdp++;
        continue;
      }
      const ip = decodeIp(pkt.data, link.offset);
      if (isLayerError(ip)) {
        batch.issues.push({ code: ip.error.code, message: `packet ${pkt.index}: ${ip.error.message}`, source: source.name, offset: pkt.offset, raw: Uint8Array.from(pkt.data.subarray(0, 256)) });
        continue;
      }
      if (ip.protocol !== 17) {
        stats.notUdp++;
        continue;
      }
      if (ip.fragment !== undefined) {
        // Only the first fragment carries the UDP header; look at it to tell export traffic from other UDP.
        const looks = ip.fragment.offset === 0 && ip.payload.length >= 10 && EXPORT_VERSIONS.has(u16(ip.payload, 8));
        if (looks || ip.fragment.offset > 0) {
          batch.issues.push({ code: 'SL_DECODE_UNSUPPORTED', message: `packet ${pkt.index} is an IP fragment (id ${ip.fragment.id}, offset ${ip.fragment.offset}) of a UDP datagram ${ip.src} -> ${ip.dst}; IP reassembly is not available yet, so the datagram is not decoded`, source: source.name, offset: pkt.offset, raw: Uint8Array.from(pkt.data.subarray(0, 256)) });
        }
        continue;
      }
      const udp = decodeUdp(ip.payload);
      if (isLayerError(udp)) {
        batch.issues.push({ code: udp.error.code, message: `packet ${pkt.index}: ${udp.error.message}`, source: source.name, offset: pkt.offset, raw: Uint8Array.from(pkt.data.subarray(0, 256)) });
        continue;
      }
      if (udp.payload.length < 4 || !EXPORT_VERSIONS.has(u16(udp.payload, 0))) {
        stats.otherUdp++;
        continue;
      }
      stats.exportPackets++;
      const receivedAt = pkt.seconds * 1000 + Math.floor(pkt.nanos / 1e6);
      collector.decodePacket(udp.payload, { exporter: `${ip.src}:${udp.srcPort}`, dvcIp: ip.src, dvcPort: udp.srcPort, receivedAt, ordinal: pkt.index, source: source.name, offset: pkt.offset }, batch.events, batch.issues);
      if (collector.needsSync) await collector.sync(batch.events, batch.issues);
      if (batch.full) yield* batch.take();
    }
    yield* batch.take();
    if (signal.aborted) break;
  }
  await collector.finish(batch.events, batch.issues);
  yield* batch.take(true);
}
