import { CaptureCursor } from '@sightline/capture';
import { type DecodeBatch, type DecodeContext, type Decoder, type DnsEvent, type InputSource, type Issue, type SniffProbe, parseDuration, parseSize } from '@sightline/core';
import { dnsEventId } from './event-id.js';
import type { DnsDecoderConfig } from './config.schema.js';
import { Pairer } from './pairing.js';
import { looksLikeDns, sniffCaptureForDns } from './sniff.js';
import { toEvent } from './to-event.js';
import { DnsTransport, type DnsTransportOptions, type FoundMessage } from './transport/dns-transport.js';
import { hex } from './wire/text.js';
import { parseMessage } from './wire/message.js';

const RAW_LIMIT = 65536;
// parseMessage's options, made once rather than per message.
const MDNS = { mdns: true } as const;
const PLAIN = { mdns: false } as const;

/**
 * DNS from packet captures (pcap, pcapng; gzip and stdin are the runtime's inputs' job): every DNS message over
 * UDP (IP fragments reassembled) and TCP (streams reassembled, length-prefixed framing) becomes an open-data-model
 * dns event, or with `pairing: transactions` a query and its response become one. Bad packets and messages are
 * coded issues with their packet's offset and bytes; decoding always goes on.
 */
export class DnsDecoder implements Decoder {
  readonly name: string;
  readonly kinds = ['dns'] as const;
  readonly #config: DnsDecoderConfig;
  readonly #transport: DnsTransportOptions;
  readonly #pairing: { timeoutMs: number; maxPending: number } | undefined;
  readonly #maxPacket: number;

  constructor(config: DnsDecoderConfig, name = 'dns') {
    this.name = name;
    this.#config = config;
    const r = config.reassembly ?? {};
    this.#transport = {
      udpPorts: new Set(config.udp_ports ?? [53, 5353, 5355]),
      tcpPorts: new Set(config.tcp_ports ?? [53, 5353]),
      heuristic: config.heuristic ?? true,
      fragments: {
        timeoutSeconds: parseDuration(r.fragment_timeout ?? '30s') / 1000,
        maxDatagrams: r.max_fragmented_datagrams ?? 4096,
        maxBytes: parseSize(r.max_fragment_memory ?? '16MiB'),
        maxFragments: r.max_fragments_per_datagram ?? 64,
      },
      tcp: {
        idleTimeoutSeconds: parseDuration(r.tcp_idle_timeout ?? '5m') / 1000,
        maxStreams: r.max_tcp_connections ?? 16384,
        maxBytes: parseSize(r.max_tcp_memory ?? '64MiB'),
      },
    };
    this.#pairing = config.pairing === 'transactions' ? { timeoutMs: parseDuration(config.pairing_timeout ?? '10s'), maxPending: config.max_pending_queries ?? 100000 } : undefined;
    this.#maxPacket = parseSize(config.max_packet_bytes ?? '256KiB');
  }

  sniff(probe: SniffProbe): number {
    try {
      return sniffCaptureForDns(probe, this.#transport.udpPorts);
    } catch {
      return 0;
    }
  }

  async *decode(source: InputSource, ctx: DecodeContext): AsyncGenerator<DecodeBatch> {
    let events: DnsEvent[] = [];
    let issues: Issue[] = [];
    if (source.framing === 'datagram') {
      for await (const _ of source.chunks());
      yield { events, issues: [{ code: 'SL_DECODE_UNSUPPORTED', message: `${source.name}: the dns decoder reads packet captures (pcap, pcapng) from files or stdin, not datagrams`, source: source.name }] };
      return;
    }
    const pairer = this.#pairing === undefined ? undefined : new Pairer(this.#pairing);
    const keepRaw = ctx.keepRaw;
    const name = source.name;

    const onMessage = (f: FoundMessage): void => {
      const p = f.packet;
      const msg = parseMessage(f.bytes, f.start, f.end, f.mdns ? MDNS : PLAIN);
      if (msg === undefined) {
        issues.push({ code: 'SL_DNS_MALFORMED', message: `packet ${p.index}: ${f.proto === 6 ? 'TCP' : 'UDP'} ${f.src}:${f.srcPort} > ${f.dst}:${f.dstPort} carries ${f.end - f.start} bytes, too short for a DNS message (12-byte header)`, source: name, offset: p.offset, raw: f.bytes.slice(f.start, f.end), details: { packet: p.index } });
        return;
      }
      const e = toEvent(f, msg, name);
      e.event_id = dnsEventId(f);
      if (keepRaw) e.raw = hex(f.bytes, f.start, Math.min(f.end, f.start + RAW_LIMIT));
      if (msg.problem !== undefined) {
        issues.push({
          code: 'SL_DNS_PARTIAL',
          message: `packet ${p.index}: DNS ${msg.response ? 'response' : 'query'} id ${msg.id}${e.dns_query === undefined ? '' : ` for ${e.dns_query}`}: ${msg.problem.message} (byte ${msg.problem.at} of ${f.end - f.start})`,
          source: name,
          offset: p.offset,
          raw: f.bytes.slice(f.start, f.end),
          event_id: e.event_id,
          details: { packet: p.index, at: msg.problem.at },
        });
      }
      if (pairer === undefined) events.push(e);
      else pairer.offer(e, p.seconds * 1000 + p.nanos / 1e6, events);
    };

    const transport = new DnsTransport(name, this.#transport, onMessage, looksLikeDns);
    const batchSize = Math.max(1, ctx.batchSize);
    const cursor = new CaptureCursor(name, { maxPacketBytes: this.#maxPacket });
    for await (const chunk of source.chunks()) {
      if (ctx.signal.aborted) continue; // drained, so that the source's byte count stays true
      cursor.feed(chunk.bytes, chunk.offset);
      while (cursor.next()) {
        transport.record(cursor);
        if (events.length >= batchSize) {
          for (const i of cursor.takeIssues()) issues.push(i);
          for (const i of transport.takeIssues()) issues.push(i);
          yield { events, issues };
          events = [];
          issues = [];
        }
      }
      for (const i of cursor.takeIssues()) issues.push(i);
      for (const i of transport.takeIssues()) issues.push(i);
      if (events.length > 0 || issues.length >= batchSize) {
        yield { events, issues };
        events = [];
        issues = [];
      }
    }
    cursor.finish();
    for (const i of cursor.takeIssues()) issues.push(i);
    transport.finish();
    for (const i of transport.takeIssues()) issues.push(i);
    pairer?.flush(events);
    const st = transport.stats;
    const tcp = transport.tcpStats();
    ctx.logger.debug(`dns: ${name}: ${st.packets} packets, ${st.udpMessages} UDP messages on DNS ports, ${st.heuristicMessages} on other ports, ${st.tcpMessages} over TCP (${tcp.streams} connections, ${tcp.gaps} gaps, ${tcp.retransmittedBytes} bytes retransmitted), ${st.reassembledDatagrams} datagrams from fragments, ${st.otherPackets} other packets`, { ...st, tcpConnections: tcp.streams, tcpGaps: tcp.gaps });
    while (events.length > batchSize) {
      yield { events: events.slice(0, batchSize), issues };
      events = events.slice(batchSize);
      issues = [];
    }
    if (events.length > 0 || issues.length > 0) yield { events, issues };
  }
}
