/**
 * Open data model -> OCSF (Open Cybersecurity Schema Framework 1.x), as data-driven tables (pipeline-anchors.md
 * §3.2): flows -> Network Activity (4001, activity Traffic), DNS -> DNS Activity (4003, Query / Response /
 * Traffic), proxy -> HTTP Activity (4002, activity from the method), and scored alerts -> Detection Finding
 * (2004) whose evidence carries the 400x event. Fields OCSF has no attribute for go to `unmapped`, as OCSF
 * prescribes. Times are epoch milliseconds, as in OCSF.
 */
import type { Stream } from '../contracts/sink.js';
import type { DnsEvent, EventKind, FlowEvent, OdmEvent, ProxyEvent, TiHit } from '../model/event.js';
import { type DocumentBuilder, type FieldRule, compileRules, dnsClassName, dnsTypeName, ianaKeyword, mergeRules, proxyDenied, proxyUrl, sumDefined } from './table.js';

/** The OCSF version the documents declare in `metadata.version`. */
export const OCSF_VERSION = '1.3.0';

type R<E = OdmEvent> = FieldRule<E>;
const rule = <E = OdmEvent>(field: string, from: readonly string[], get: (e: E) => unknown): R<E> => ({ field, from, get });
const withFallback = <E>(r: R<E>, fallback: readonly string[]): R<E> => ({ ...r, fallback });
const constant = <E = OdmEvent>(field: string, value: unknown): R<E> => ({ field, from: [], get: () => value });
const field = (e: OdmEvent, name: string): unknown => (e as unknown as Record<string, unknown>)[name];
const str = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** OCSF class of each kind. */
export const OCSF_CLASS: Readonly<Record<EventKind, { readonly uid: number; readonly name: string }>> = {
  flow: { uid: 4001, name: 'Network Activity' },
  dns: { uid: 4003, name: 'DNS Activity' },
  proxy: { uid: 4002, name: 'HTTP Activity' },
};

const DIRECTION: Readonly<Record<string, [number, string]>> = { unknown: [0, 'Unknown'], inbound: [1, 'Inbound'], outbound: [2, 'Outbound'], internal: [3, 'Lateral'], external: [99, 'Other'] };

const endpoint = (side: 'src_endpoint' | 'dst_endpoint', p: 'src' | 'dst'): R[] => [
  rule(`${side}.ip`, [`${p}_ip`], (e) => field(e, `${p}_ip`)),
  rule(`${side}.port`, [`${p}_port`], (e) => field(e, `${p}_port`)),
  rule(`${side}.mac`, [`${p}_mac`], (e) => field(e, `${p}_mac`)),
  rule(`${side}.hostname`, [`${p}_host`], (e) => field(e, `${p}_host`)),
  rule(`${side}.zone`, [`${p}_zone`], (e) => field(e, `${p}_zone`)),
  rule(`${side}.location.country`, [`${p}_country_code`], (e) => field(e, `${p}_country_code`)),
  rule(`${side}.location.region`, [`${p}_region`], (e) => field(e, `${p}_region`)),
  rule(`${side}.location.city`, [`${p}_city`], (e) => field(e, `${p}_city`)),
  rule(`${side}.location.lat`, [`${p}_lat`], (e) => field(e, `${p}_lat`)),
  rule(`${side}.location.long`, [`${p}_long`], (e) => field(e, `${p}_long`)),
  rule(`${side}.autonomous_system.number`, [`${p}_asn`], (e) => field(e, `${p}_asn`)),
  rule(`${side}.autonomous_system.name`, [`${p}_asn_org`], (e) => field(e, `${p}_asn_org`)),
];

const TI_TYPE: Readonly<Record<TiHit['type'], string>> = { ip: 'IP Address', cidr: 'IP Address', domain: 'Hostname', url: 'URL String' };
function enrichments(hits: readonly TiHit[] | undefined): unknown[] | undefined {
  if (hits === undefined || hits.length === 0) return undefined;
  return hits.map((h) => {
    const data: Record<string, unknown> = {};
    if (h.severity !== undefined) data['severity'] = h.severity;
    if (h.category !== undefined) data['category'] = h.category;
    if (h.indicator_id !== undefined) data['indicator_id'] = h.indicator_id;
    return { name: h.field, value: h.indicator, type: TI_TYPE[h.type], provider: h.source, data };
  });
}

/** Rules every network class shares (base event, endpoints, connection info, device). */
export const OCSF_COMMON: readonly R[] = [
  rule('metadata.uid', ['event_id'], (e) => e.event_id),
  constant('metadata.version', OCSF_VERSION),
  constant('metadata.product.name', 'Sightline'),
  constant('metadata.product.vendor_name', 'Sightline'),
  rule('metadata.log_name', ['event_kind'], (e) => `sightline.${e.event_kind}`),
  rule('metadata.logged_time', ['event_insert_time'], (e) => e.event_insert_time),
  rule('time', ['event_time'], (e) => e.event_time),
  rule('start_time', ['begin_time'], (e) => e.begin_time),
  rule('end_time', ['end_time'], (e) => e.end_time),
  rule('duration', ['duration'], (e) => (e.duration === undefined ? undefined : Math.round(e.duration))),
  constant('category_uid', 4),
  constant('category_name', 'Network Activity'),
  constant('severity_id', 1),
  constant('severity', 'Informational'),
  ...endpoint('src_endpoint', 'src'),
  ...endpoint('dst_endpoint', 'dst'),
  rule('connection_info.protocol_num', ['n_proto'], (e) => e.n_proto),
  rule('connection_info.protocol_name', ['n_proto'], (e) => ianaKeyword(e.n_proto)),
  rule('connection_info.protocol_ver_id', ['src_ip', 'dst_ip'], (e) => {
    const ip = e.src_ip ?? e.dst_ip;
    return ip === undefined ? undefined : ip.includes(':') ? 6 : 4;
  }),
  rule('connection_info.direction_id', ['net_direction'], (e) => (e.net_direction === undefined ? undefined : DIRECTION[e.net_direction]?.[0])),
  rule('connection_info.direction', ['net_direction'], (e) => (e.net_direction === undefined ? undefined : DIRECTION[e.net_direction]?.[1])),
  rule('device.ip', ['dvc_ip'], (e) => e.dvc_ip),
  rule('device.hostname', ['dvc_host'], (e) => e.dvc_host),
  rule('device.vendor_name', ['dvc_vendor'], (e) => e.dvc_vendor),
  rule('actor.user.name', ['user_name'], (e) => e.user_name),
  rule('raw_data', ['raw'], (e) => e.raw),
  rule('enrichments', ['ti_hits'], (e) => enrichments(e.ti_hits)),
];

/** Flows -> Network Activity 4001, activity 6 Traffic. `traffic.bytes_out` is source -> destination. */
export const OCSF_FLOW: readonly R<FlowEvent>[] = [
  constant('class_uid', 4001),
  constant('class_name', 'Network Activity'),
  constant('activity_id', 6),
  constant('activity_name', 'Traffic'),
  constant('type_uid', 400106),
  constant('type_name', 'Network Activity: Traffic'),
  rule<FlowEvent>('traffic.bytes_out', ['in_bytes'], (e) => e.in_bytes),
  rule<FlowEvent>('traffic.bytes_in', ['out_bytes'], (e) => e.out_bytes),
  rule<FlowEvent>('traffic.bytes', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  rule<FlowEvent>('traffic.packets_out', ['flow_in_packets'], (e) => e.flow_in_packets),
  rule<FlowEvent>('traffic.packets_in', ['flow_out_packets'], (e) => e.flow_out_packets),
  rule<FlowEvent>('traffic.packets', ['flow_in_packets', 'flow_out_packets'], (e) => sumDefined(e.flow_in_packets, e.flow_out_packets)),
  rule<FlowEvent>('connection_info.tcp_flags', ['net_flags'], (e) => e.net_flags),
  rule<FlowEvent>('src_endpoint.interface_uid', ['flow_input'], (e) => str(e.flow_input)),
  rule<FlowEvent>('dst_endpoint.interface_uid', ['flow_output'], (e) => str(e.flow_output)),
  rule<FlowEvent>('src_endpoint.vlan_uid', ['src_vlan'], (e) => str(e.src_vlan)),
  rule<FlowEvent>('dst_endpoint.vlan_uid', ['dst_vlan'], (e) => str(e.dst_vlan)),
];

const DNS_ACTIVITY: Readonly<Record<string, [number, string]>> = { query: [1, 'Query'], response: [2, 'Response'], transaction: [6, 'Traffic'] };
const dnsActivity = (e: DnsEvent): [number, string] => (e.dns_message_type === undefined ? [0, 'Unknown'] : (DNS_ACTIVITY[e.dns_message_type] ?? [99, 'Other']));
const RCODE_CAPTIONS = ['NoError', 'FormError', 'ServError', 'NXDomain', 'NotImp', 'Refused', 'YXDomain', 'YXRRSet', 'NXRRSet', 'NotAuth', 'NotZone', 'DSOTYPENI'];
const EXT_RCODE_CAPTIONS: Readonly<Record<number, string>> = { 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE' };
/** OCSF `rcode_id` and `rcode` for a DNS response code (RFC 6895 numbering; 99 Other). */
export function ocsfRcode(r: number): [number, string] {
  const c = RCODE_CAPTIONS[r] ?? EXT_RCODE_CAPTIONS[r];
  return c === undefined ? [99, 'Other'] : [r, c];
}
const OPCODES: Readonly<Record<number, string>> = { 0: 'Query', 1: 'Inverse Query', 2: 'Status', 4: 'Notify', 5: 'Update', 6: 'DSO Message' };
const FLAG_IDS: Readonly<Record<string, number>> = { AA: 1, TC: 2, RD: 3, RA: 4, AD: 5, CD: 6 };

/** DNS -> DNS Activity 4003: Query (1), Response (2) or Traffic (6, a query paired with its response). */
export const OCSF_DNS: readonly R<DnsEvent>[] = [
  constant('class_uid', 4003),
  constant('class_name', 'DNS Activity'),
  rule<DnsEvent>('activity_id', ['dns_message_type'], (e) => dnsActivity(e)[0]),
  rule<DnsEvent>('activity_name', ['dns_message_type'], (e) => dnsActivity(e)[1]),
  rule<DnsEvent>('type_uid', ['dns_message_type'], (e) => 400300 + dnsActivity(e)[0]),
  rule<DnsEvent>('type_name', ['dns_message_type'], (e) => `DNS Activity: ${dnsActivity(e)[1]}`),
  rule<DnsEvent>('query.hostname', ['dns_query'], (e) => e.dns_query),
  rule<DnsEvent>('query.type', ['dns_type'], (e) => dnsTypeName(e.dns_type)),
  rule<DnsEvent>('query.class', ['dns_class'], (e) => dnsClassName(e.dns_class)),
  rule<DnsEvent>('query.packet_uid', ['dns_id'], (e) => e.dns_id),
  rule<DnsEvent>('answers', ['dns_answers'], (e) =>
    e.dns_answers === undefined || e.dns_answers.length === 0
      ? undefined
      : e.dns_answers.map((a) => ({ rdata: a.data, type: dnsTypeName(a.type), class: dnsClassName(a.class), ttl: a.ttl, ...(e.dns_id === undefined ? {} : { packet_uid: e.dns_id }) })),
  ),
  rule<DnsEvent>('rcode_id', ['dns_response_code'], (e) => (e.dns_message_type === 'query' || e.dns_response_code === undefined ? undefined : ocsfRcode(e.dns_response_code)[0])),
  rule<DnsEvent>('rcode', ['dns_response_code'], (e) => (e.dns_message_type === 'query' || e.dns_response_code === undefined ? undefined : ocsfRcode(e.dns_response_code)[1])),
  rule<DnsEvent>('opcode_id', ['dns_opcode'], (e) => (e.dns_opcode === undefined ? undefined : OPCODES[e.dns_opcode] === undefined ? 99 : e.dns_opcode)),
  rule<DnsEvent>('opcode', ['dns_opcode'], (e) => (e.dns_opcode === undefined ? undefined : (OPCODES[e.dns_opcode] ?? 'Other'))),
  rule<DnsEvent>('flag_ids', ['dns_flags'], (e) => (e.dns_flags === undefined || e.dns_flags.length === 0 ? undefined : e.dns_flags.map((f) => FLAG_IDS[f] ?? 99))),
  withFallback(
    rule<DnsEvent>('duration', ['duration'], (e) => {
      const ms = e.duration ?? e.dns_rtt;
      return ms === undefined ? undefined : Math.round(ms);
    }),
    ['dns_rtt'],
  ),
];

const HTTP_ACTIVITY: Readonly<Record<string, number>> = { CONNECT: 1, DELETE: 2, GET: 3, HEAD: 4, OPTIONS: 5, POST: 6, PUT: 7, TRACE: 8, PATCH: 9 };
const HTTP_ACTIVITY_NAME = ['Unknown', 'Connect', 'Delete', 'Get', 'Head', 'Options', 'Post', 'Put', 'Trace', 'Patch'];
/** OCSF HTTP Activity `activity_id` from the request method (0 Unknown, 99 Other). */
export const httpActivityId = (method: string | undefined): number => (method === undefined ? 0 : (HTTP_ACTIVITY[method.toUpperCase()] ?? 99));
const httpActivityName = (id: number): string => HTTP_ACTIVITY_NAME[id] ?? 'Other';

/** Proxy -> HTTP Activity 4002 (activity from the method), with action and disposition from the verdict. */
export const OCSF_PROXY: readonly R<ProxyEvent>[] = [
  constant('class_uid', 4002),
  constant('class_name', 'HTTP Activity'),
  rule<ProxyEvent>('activity_id', ['prx_method'], (e) => httpActivityId(e.prx_method)),
  rule<ProxyEvent>('activity_name', ['prx_method'], (e) => httpActivityName(httpActivityId(e.prx_method))),
  rule<ProxyEvent>('type_uid', ['prx_method'], (e) => 400200 + httpActivityId(e.prx_method)),
  rule<ProxyEvent>('type_name', ['prx_method'], (e) => `HTTP Activity: ${httpActivityName(httpActivityId(e.prx_method))}`),
  rule<ProxyEvent>('http_request.http_method', ['prx_method'], (e) => e.prx_method),
  rule<ProxyEvent>('http_request.url.url_string', ['prx_uri'], (e) => proxyUrl(e) ?? e.prx_uri),
  rule<ProxyEvent>('http_request.url.hostname', ['prx_host'], (e) => e.prx_host),
  rule<ProxyEvent>('http_request.url.path', ['prx_path'], (e) => e.prx_path),
  rule<ProxyEvent>('http_request.url.query_string', ['prx_query'], (e) => e.prx_query),
  rule<ProxyEvent>('http_request.url.scheme', ['prx_scheme'], (e) => e.prx_scheme?.toLowerCase()),
  rule<ProxyEvent>('http_request.url.port', ['dst_port'], (e) => e.dst_port),
  rule<ProxyEvent>('http_request.url.categories', ['prx_category'], (e) => (e.prx_category === undefined ? undefined : e.prx_category.split(/\s*;\s*/).filter((c) => c !== ''))),
  rule<ProxyEvent>('http_request.user_agent', ['prx_browser'], (e) => e.prx_browser),
  rule<ProxyEvent>('http_request.referrer', ['prx_referrer'], (e) => e.prx_referrer),
  rule<ProxyEvent>('http_request.version', ['prx_http_version'], (e) => e.prx_http_version),
  rule<ProxyEvent>('http_response.code', ['prx_code'], (e) => e.prx_code),
  rule<ProxyEvent>('http_response.content_type', ['prx_type'], (e) => e.prx_type),
  rule<ProxyEvent>('traffic.bytes_in', ['in_bytes'], (e) => e.in_bytes),
  rule<ProxyEvent>('traffic.bytes_out', ['out_bytes'], (e) => e.out_bytes),
  rule<ProxyEvent>('traffic.bytes', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  rule<ProxyEvent>('action_id', ['prx_filter_result', 'prx_action'], (e) => (proxyDenied(e) ? 2 : 1)),
  rule<ProxyEvent>('action', ['prx_filter_result', 'prx_action'], (e) => (proxyDenied(e) ? 'Denied' : 'Allowed')),
  rule<ProxyEvent>('disposition_id', ['prx_filter_result', 'prx_action'], (e) => (proxyDenied(e) ? 2 : 1)),
  rule<ProxyEvent>('disposition', ['prx_filter_result', 'prx_action'], (e) => (proxyDenied(e) ? 'Blocked' : 'Allowed')),
];

const KIND_RULES: { readonly [K in EventKind]: readonly R<Extract<OdmEvent, { event_kind: K }>>[] } = { flow: OCSF_FLOW, dns: OCSF_DNS, proxy: OCSF_PROXY };

/** The full table of a kind's network class. */
export function ocsfRules<K extends EventKind>(kind: K): readonly FieldRule<Extract<OdmEvent, { event_kind: K }>>[] {
  type E = Extract<OdmEvent, { event_kind: K }>;
  return mergeRules<E>(OCSF_COMMON, KIND_RULES[kind] as readonly R<E>[]);
}

const SEVERITY: Readonly<Record<string, [number, string]>> = { info: [1, 'Informational'], low: [2, 'Low'], medium: [3, 'Medium'], high: [4, 'High'], critical: [5, 'Critical'] };
const severityOf = (e: OdmEvent): [number, string] => (e.score_severity === undefined ? [0, 'Unknown'] : (SEVERITY[e.score_severity] ?? [99, 'Other']));
const FINDING_SCORE_FIELDS = ['score_value', 'score_order', 'score_rank', 'score_word', 'score_evidence', 'score_feedback'] as const;

/** Detection Finding 2004 (activity 1 Create) for a scored event; `evidences[0]` holds the 400x event. */
export const OCSF_FINDING: readonly R[] = [
  rule('metadata.uid', ['event_id', 'score_model'], (e) => `${e.event_id}.${e.score_model ?? 'model'}`),
  constant('metadata.version', OCSF_VERSION),
  constant('metadata.product.name', 'Sightline'),
  constant('metadata.product.vendor_name', 'Sightline'),
  rule('metadata.log_name', ['event_kind'], (e) => `sightline.alerts.${e.event_kind}`),
  rule('time', ['event_time'], (e) => e.event_time),
  constant('category_uid', 2),
  constant('category_name', 'Findings'),
  constant('class_uid', 2004),
  constant('class_name', 'Detection Finding'),
  constant('activity_id', 1),
  constant('activity_name', 'Create'),
  constant('type_uid', 200401),
  constant('type_name', 'Detection Finding: Create'),
  constant('status_id', 1),
  constant('status', 'New'),
  constant('is_alert', true),
  rule('severity_id', ['score_severity'], (e) => severityOf(e)[0]),
  rule('severity', ['score_severity'], (e) => severityOf(e)[1]),
  rule('risk_score', ['score_risk'], (e) => (e.score_risk === undefined ? undefined : Math.round(e.score_risk))),
  rule('finding_info.uid', ['event_id', 'score_model'], (e) => `${e.event_id}.${e.score_model ?? 'model'}`),
  rule('finding_info.title', ['event_kind', 'score_model'], (e) => `Suspicious ${e.event_kind} event (${e.score_model ?? 'model'})`),
  rule('finding_info.desc', ['score_reasons'], (e) => (e.score_reasons === undefined || e.score_reasons.length === 0 ? undefined : e.score_reasons.join('; '))),
  rule('finding_info.analytic.name', ['score_model'], (e) => e.score_model),
  rule('finding_info.analytic.version', ['score_model_version'], (e) => e.score_model_version),
  constant('finding_info.analytic.type_id', 4),
  constant('finding_info.analytic.type', 'Learning (ML/DL)'),
  rule('finding_info.data_sources', ['event_kind'], (e) => [`sightline.${e.event_kind}`]),
  rule('finding_info.first_seen_time', ['score_window_start'], (e) => e.score_window_start),
  rule('finding_info.last_seen_time', ['score_window_end'], (e) => e.score_window_end),
  rule('evidences', [], (e) => {
    const doc = toOcsf(e, 'events');
    const ev: Record<string, unknown> = { data: doc };
    for (const k of ['src_endpoint', 'dst_endpoint', 'connection_info', 'query', 'http_request'] as const) if (doc[k] !== undefined) ev[k] = doc[k];
    return [ev];
  }),
  rule('unmapped', [...FINDING_SCORE_FIELDS], (e) => {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const k of FINDING_SCORE_FIELDS) {
      const v = e[k];
      if (v !== undefined) {
        out[k] = v;
        any = true;
      }
    }
    return any ? out : undefined;
  }),
];

const builders = new Map<string, DocumentBuilder<OdmEvent>>();

/**
 * The OCSF document of an event: its network class for the `events` stream, a Detection Finding (with the
 * network event as evidence) for the `alerts` stream.
 */
export function toOcsf(event: OdmEvent, stream: Stream = 'events'): Record<string, unknown> {
  const key = stream === 'alerts' ? 'finding' : event.event_kind;
  let b = builders.get(key);
  if (b === undefined) {
    b = stream === 'alerts' ? compileRules(OCSF_FINDING, { nested: true }) : compileRules(ocsfRules(event.event_kind) as readonly R[], { nested: true, passthrough: 'unmapped' });
    builders.set(key, b);
  }
  return b(event);
}
