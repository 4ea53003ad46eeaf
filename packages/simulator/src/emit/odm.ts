import { type DnsEvent, type DnsRecord, type FlowEvent, type ProxyEvent, assignEventId } from '@sightline/core';
import type { DnsActivity, ProxyActivity } from '../activity.js';
import type { FlowRecord } from './netflow.js';

/**
 * The simulated traffic as open-data-model events, written beside the wire formats: what a perfect decoder would
 * produce. Models and the console can be developed and evaluated against ground truth without the decoders, and
 * the decoders can be checked against it.
 */
export function flowEvent(r: FlowRecord, exportTime: number, exporter: string, ordinal: number, format: 'v9' | 'ipfix'): FlowEvent {
  return assignEventId(
    {
      event_id: '',
      event_kind: 'flow',
      event_time: exportTime,
      begin_time: r.first,
      end_time: r.last,
      duration: r.last - r.first,
      dvc_ip: exporter,
      src_ip: r.src,
      dst_ip: r.dst,
      src_port: r.srcPort,
      dst_port: r.dstPort,
      n_proto: r.proto,
      in_bytes: r.bytes,
      flow_in_packets: r.packets,
      net_flags: r.tcpFlags,
      src_tos: r.tos,
      flow_input: r.inputIf,
      flow_output: r.outputIf,
      src_asn: r.srcAs,
      dst_asn: r.dstAs,
      src_mask: r.srcMask,
      dst_mask: r.dstMask,
      flow_next_hop: r.nextHop,
      flow_version: format === 'v9' ? 9 : 10,
      flow_domain_id: 1,
      ...(format === 'ipfix' ? { flow_end_reason: r.endReason } : {}),
    },
    ordinal,
  );
}

/** The response message of a lookup, as a DNS decoder reports it (client = destination). */
export function dnsEvent(d: DnsActivity, time: number, frameLength: number, messageLength: number, ordinal: number): DnsEvent {
  let owner = d.name;
  const answers: DnsRecord[] = d.answers.map((a) => {
    const rec = { name: owner, type: a.type, class: 1, ttl: a.ttl, data: a.type === 16 ? `"${a.data}"` : a.data };
    if (a.type === 5) owner = a.data;
    return rec;
  });
  return assignEventId(
    {
      event_id: '',
      event_kind: 'dns',
      event_time: Math.floor(time), // capture times are finer; events carry whole milliseconds
      src_ip: d.resolver,
      dst_ip: d.client,
      src_port: 53,
      dst_port: d.clientPort,
      n_proto: 17,
      dns_message_type: 'response',
      dns_id: d.id,
      dns_opcode: 0,
      dns_flags: ['RD', 'RA'],
      dns_query: d.name,
      dns_type: d.qtype,
      dns_class: 1,
      dns_response_code: d.rcode,
      ...(answers.length > 0 ? { dns_answers: answers } : {}),
      dns_question_count: 1,
      dns_answer_count: answers.length,
      dns_authority_count: d.rcode === 3 ? 1 : 0,
      dns_len: frameLength,
      dns_msg_len: messageLength,
    },
    ordinal,
  );
}

export function proxyEvent(p: ProxyActivity, ordinal: number): ProxyEvent {
  const dot = p.path.lastIndexOf('.');
  return assignEventId(
    {
      event_id: '',
      event_kind: 'proxy',
      event_time: p.time + p.durationMs,
      duration: p.durationMs,
      src_ip: p.client,
      dst_ip: p.serverIp,
      dst_port: p.port,
      user_name: p.user,
      prx_method: p.method,
      prx_scheme: p.scheme,
      prx_host: p.host,
      prx_path: p.path,
      ...(p.query === '' ? {} : { prx_query: p.query }),
      ...(dot > p.path.lastIndexOf('/') ? { prx_extension: p.path.slice(dot + 1) } : {}),
      prx_uri: `${p.host}${p.path}${p.query === '' ? '' : `?${p.query}`}`,
      prx_code: p.status,
      prx_action: p.action,
      prx_filter_result: p.filterResult,
      prx_category: p.category,
      ...(p.referer === '-' ? {} : { prx_referrer: p.referer }),
      prx_browser: p.userAgent,
      prx_type: p.contentType,
      in_bytes: p.scBytes,
      out_bytes: p.csBytes,
    },
    ordinal,
  );
}
