/**
 * Open data model -> Splunk Common Information Model field names, as data-driven tables (pipeline-anchors.md
 * §3.2): flows -> Network_Traffic (All_Traffic), DNS -> Network_Resolution (DNS), proxy -> Web (Proxy), and the
 * alert fields for scored events (Alerts data model: app, signature, severity, description). CIM is flat and
 * applied at search time in Splunk, so events are sent with these names directly; ODM fields CIM has no name
 * for keep their own (snake_case, `event_id`, `src_country_code`, …), so nothing is lost.
 *
 * Units: Network_Traffic `duration` is in seconds; Web `duration` and Network_Resolution `response_time` are in
 * milliseconds, as the CIM field descriptions give them.
 */
import type { Stream } from '../contracts/sink.js';
import type { DnsEvent, EventKind, FlowEvent, OdmEvent, ProxyEvent } from '../model/event.js';
import { dnsClient } from './spot.js';
import { type DocumentBuilder, type FieldRule, compileRules, distinct, dnsTypeName, ianaKeyword, mergeRules, proxyDenied, proxyUrl, sumDefined } from './table.js';

type R<E = OdmEvent> = FieldRule<E>;
const rule = <E = OdmEvent>(field: string, from: readonly string[], get: (e: E) => unknown): R<E> => ({ field, from, get });
const withFallback = <E>(r: R<E>, fallback: readonly string[]): R<E> => ({ ...r, fallback });
const constant = <E = OdmEvent>(field: string, value: unknown): R<E> => ({ field, from: [], get: () => value });
const str = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** The data model each kind maps to (for `tag` eventtypes and documentation). */
export const CIM_DATA_MODEL: Readonly<Record<EventKind, string>> = { flow: 'Network_Traffic', dns: 'Network_Resolution', proxy: 'Web' };

const TCP_FLAG_NAMES: readonly [number, string][] = [
  [0x01, 'FIN'],
  [0x02, 'SYN'],
  [0x04, 'RST'],
  [0x08, 'PSH'],
  [0x10, 'ACK'],
  [0x20, 'URG'],
  [0x40, 'ECE'],
  [0x80, 'CWR'],
];
/** TCP flag names set in a mask (`SYN`, `ACK`…), as CIM `tcp_flag` lists them. */
export function tcpFlagNames(flags: number | undefined): string[] | undefined {
  if (flags === undefined) return undefined;
  const out = TCP_FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  return out.length === 0 ? undefined : out;
}

const REPLY_CODES = ['NoError', 'FormErr', 'ServFail', 'NXDomain', 'NotImp', 'Refused', 'YXDomain', 'YXRRSet', 'NXRRSet', 'NotAuth', 'NotZone'];
/** CIM `reply_code` (`NoError`, `NXDomain`…), or the number as text. */
export const cimReplyCode = (r: number | undefined): string | undefined => (r === undefined ? undefined : (REPLY_CODES[r] ?? String(r)));
const QUERY_TYPES: Readonly<Record<number, string>> = { 0: 'Query', 1: 'IQuery', 2: 'Status', 4: 'Notify', 5: 'Update' };

/** Rules every kind shares. */
export const CIM_COMMON: readonly R[] = [
  rule('src', ['src_ip'], (e) => e.src_ip),
  rule('src_ip', ['src_ip'], (e) => e.src_ip),
  rule('src_port', ['src_port'], (e) => e.src_port),
  rule('src_mac', ['src_mac'], (e) => e.src_mac),
  rule('dest', ['dst_ip'], (e) => e.dst_ip),
  rule('dest_ip', ['dst_ip'], (e) => e.dst_ip),
  rule('dest_port', ['dst_port'], (e) => e.dst_port),
  rule('dest_mac', ['dst_mac'], (e) => e.dst_mac),
  rule('src_zone', ['src_zone'], (e) => e.src_zone),
  rule('dest_zone', ['dst_zone'], (e) => e.dst_zone),
  rule('src_host', ['src_host'], (e) => e.src_host),
  rule('dest_host', ['dst_host'], (e) => e.dst_host),
  withFallback(rule('dvc', ['dvc_host'], (e) => e.dvc_host ?? e.dvc_ip), ['dvc_ip']),
  rule('dvc_ip', ['dvc_ip'], (e) => e.dvc_ip),
  rule('vendor_product', ['dvc_vendor'], (e) => e.dvc_vendor ?? 'Sightline'),
  rule('transport', ['n_proto'], (e) => ianaKeyword(e.n_proto)),
  constant('protocol', 'ip'),
  rule('protocol_version', ['src_ip', 'dst_ip'], (e) => {
    const ip = e.src_ip ?? e.dst_ip;
    return ip === undefined ? undefined : ip.includes(':') ? '6' : '4';
  }),
  rule('direction', ['net_direction'], (e) => e.net_direction),
  rule('user', ['user_name'], (e) => e.user_name),
];

/** Flows -> Network_Traffic. `bytes_out` is source -> destination (ODM `in_bytes`). */
export const CIM_FLOW: readonly R<FlowEvent>[] = [
  rule<FlowEvent>('bytes_out', ['in_bytes'], (e) => e.in_bytes),
  rule<FlowEvent>('bytes_in', ['out_bytes'], (e) => e.out_bytes),
  rule<FlowEvent>('bytes', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  rule<FlowEvent>('packets_out', ['flow_in_packets'], (e) => e.flow_in_packets),
  rule<FlowEvent>('packets_in', ['flow_out_packets'], (e) => e.flow_out_packets),
  rule<FlowEvent>('packets', ['flow_in_packets', 'flow_out_packets'], (e) => sumDefined(e.flow_in_packets, e.flow_out_packets)),
  rule<FlowEvent>('duration', ['duration'], (e) => (e.duration === undefined ? undefined : e.duration / 1000)),
  rule<FlowEvent>('tcp_flag', ['net_flags'], (e) => (e.n_proto === 6 ? tcpFlagNames(e.net_flags) : undefined)),
  rule<FlowEvent>('src_interface', ['flow_input'], (e) => str(e.flow_input)),
  rule<FlowEvent>('dest_interface', ['flow_output'], (e) => str(e.flow_output)),
  rule<FlowEvent>('vlan', ['src_vlan'], (e) => e.src_vlan),
  rule<FlowEvent>('src_translated_ip', ['xlate_src_ip'], (e) => e.xlate_src_ip),
  rule<FlowEvent>('src_translated_port', ['xlate_src_port'], (e) => e.xlate_src_port),
  rule<FlowEvent>('dest_translated_ip', ['xlate_dst_ip'], (e) => e.xlate_dst_ip),
  rule<FlowEvent>('dest_translated_port', ['xlate_dst_port'], (e) => e.xlate_dst_port),
  rule<FlowEvent>('icmp_type', ['flow_icmp_type'], (e) => e.flow_icmp_type),
  rule<FlowEvent>('icmp_code', ['flow_icmp_code'], (e) => e.flow_icmp_code),
];

/** The resolver side of a DNS message: the source of a response, the destination of a query. */
const isResponse = (e: DnsEvent): boolean => e.dns_message_type === 'response';

/** DNS -> Network_Resolution. `src` is the client and `dest` the resolver, whichever way the packet went. */
export const CIM_DNS: readonly R<DnsEvent>[] = [
  rule<DnsEvent>('src', ['src_ip', 'dst_ip', 'dns_message_type'], (e) => dnsClient(e)),
  rule<DnsEvent>('src_ip', ['src_ip', 'dst_ip', 'dns_message_type'], (e) => dnsClient(e)),
  rule<DnsEvent>('src_port', ['src_port', 'dst_port', 'dns_message_type'], (e) => (isResponse(e) ? e.dst_port : e.src_port)),
  rule<DnsEvent>('dest', ['src_ip', 'dst_ip', 'dns_message_type'], (e) => (isResponse(e) ? e.src_ip : e.dst_ip)),
  rule<DnsEvent>('dest_ip', ['src_ip', 'dst_ip', 'dns_message_type'], (e) => (isResponse(e) ? e.src_ip : e.dst_ip)),
  rule<DnsEvent>('dest_port', ['src_port', 'dst_port', 'dns_message_type'], (e) => (isResponse(e) ? e.src_port : e.dst_port)),
  rule<DnsEvent>('message_type', ['dns_message_type'], (e) => (e.dns_message_type === undefined ? undefined : e.dns_message_type === 'query' ? 'Query' : 'Response')),
  rule<DnsEvent>('query', ['dns_query'], (e) => e.dns_query),
  rule<DnsEvent>('query_count', ['dns_question_count'], (e) => e.dns_question_count),
  rule<DnsEvent>('query_type', ['dns_opcode'], (e) => (e.dns_opcode === undefined ? undefined : (QUERY_TYPES[e.dns_opcode] ?? String(e.dns_opcode)))),
  rule<DnsEvent>('record_type', ['dns_type'], (e) => dnsTypeName(e.dns_type)),
  rule<DnsEvent>('reply_code', ['dns_response_code'], (e) => (e.dns_message_type === 'query' ? undefined : cimReplyCode(e.dns_response_code))),
  rule<DnsEvent>('reply_code_id', ['dns_response_code'], (e) => (e.dns_message_type === 'query' ? undefined : e.dns_response_code)),
  rule<DnsEvent>('answer', ['dns_answers'], (e) => distinct((e.dns_answers ?? []).map((a) => a.data))),
  withFallback(rule<DnsEvent>('answer_count', ['dns_answer_count'], (e) => e.dns_answer_count ?? e.dns_answers?.length), ['dns_answers']),
  rule<DnsEvent>('ttl', ['dns_answers'], (e) => distinct((e.dns_answers ?? []).map((a) => a.ttl))),
  rule<DnsEvent>('transaction_id', ['dns_id'], (e) => e.dns_id),
  rule<DnsEvent>('response_time', ['dns_rtt'], (e) => e.dns_rtt),
  rule<DnsEvent>('duration', ['duration'], (e) => (e.duration === undefined ? undefined : e.duration / 1000)),
];

/** Proxy -> Web. `bytes_in` is what the client received (ODM proxy `in_bytes`, server -> client). */
export const CIM_PROXY: readonly R<ProxyEvent>[] = [
  rule<ProxyEvent>('action', ['prx_filter_result', 'prx_action'], (e) => (proxyDenied(e) ? 'blocked' : 'allowed')),
  rule<ProxyEvent>('bytes_in', ['in_bytes'], (e) => e.in_bytes),
  rule<ProxyEvent>('bytes_out', ['out_bytes'], (e) => e.out_bytes),
  rule<ProxyEvent>('bytes', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  rule<ProxyEvent>('cached', ['prx_action'], (e) => (e.prx_action === undefined ? undefined : /HIT/i.test(e.prx_action))),
  rule<ProxyEvent>('category', ['prx_category'], (e) => e.prx_category),
  withFallback(rule<ProxyEvent>('dest', ['prx_host'], (e) => e.prx_host ?? e.dst_ip), ['dst_ip']),
  rule<ProxyEvent>('dest_ip', ['dst_ip'], (e) => e.dst_ip),
  rule<ProxyEvent>('duration', ['duration'], (e) => e.duration),
  rule<ProxyEvent>('http_content_type', ['prx_type'], (e) => e.prx_type),
  rule<ProxyEvent>('http_method', ['prx_method'], (e) => e.prx_method),
  rule<ProxyEvent>('http_referrer', ['prx_referrer'], (e) => e.prx_referrer),
  rule<ProxyEvent>('http_user_agent', ['prx_browser'], (e) => e.prx_browser),
  rule<ProxyEvent>('http_user_agent_length', ['prx_browser'], (e) => e.prx_browser?.length),
  rule<ProxyEvent>('site', ['prx_host'], (e) => e.prx_host),
  rule<ProxyEvent>('status', ['prx_code'], (e) => e.prx_code),
  rule<ProxyEvent>('uri_path', ['prx_path'], (e) => e.prx_path),
  rule<ProxyEvent>('uri_query', ['prx_query'], (e) => e.prx_query),
  withFallback(rule<ProxyEvent>('url', ['prx_uri'], (e) => proxyUrl(e) ?? e.prx_uri), ['prx_scheme']),
  rule<ProxyEvent>('url_domain', ['prx_host'], (e) => e.prx_host),
  rule<ProxyEvent>('url_length', ['prx_uri'], (e) => (proxyUrl(e) ?? e.prx_uri)?.length),
];

const CIM_SEVERITY: Readonly<Record<string, string>> = { info: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** Rules added for the `alerts` stream (Alerts data model fields). */
export const CIM_ALERT: readonly R[] = [
  constant('app', 'sightline'),
  constant('type', 'alert'),
  rule('signature', ['score_model'], (e) => e.score_model),
  rule('severity', ['score_severity'], (e) => (e.score_severity === undefined ? undefined : CIM_SEVERITY[e.score_severity])),
  rule('description', ['score_reasons'], (e) => (e.score_reasons === undefined || e.score_reasons.length === 0 ? undefined : e.score_reasons.join('; '))),
  rule('risk_score', ['score_risk'], (e) => e.score_risk),
];

const KIND_RULES: { readonly [K in EventKind]: readonly R<Extract<OdmEvent, { event_kind: K }>>[] } = { flow: CIM_FLOW, dns: CIM_DNS, proxy: CIM_PROXY };

/** The full CIM table for a kind and stream. */
export function cimRules<K extends EventKind>(kind: K, stream: Stream = 'events'): readonly FieldRule<Extract<OdmEvent, { event_kind: K }>>[] {
  type E = Extract<OdmEvent, { event_kind: K }>;
  const kindRules = KIND_RULES[kind] as readonly R<E>[];
  return stream === 'alerts' ? mergeRules<E>(CIM_COMMON, kindRules, CIM_ALERT) : mergeRules<E>(CIM_COMMON, kindRules);
}

const builders = new Map<string, DocumentBuilder<OdmEvent>>();

/** The CIM-named fields of an event (flat); ODM fields CIM has no name for keep their own names. */
export function toCim(event: OdmEvent, stream: Stream = 'events'): Record<string, unknown> {
  const key = `${event.event_kind}/${stream}`;
  let b = builders.get(key);
  if (b === undefined) builders.set(key, (b = compileRules(cimRules(event.event_kind, stream) as readonly R[], { nested: false, passthrough: '' })));
  return b(event);
}
