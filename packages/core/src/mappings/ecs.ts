/**
 * Open data model -> Elastic Common Schema (ECS 8/9), as data-driven tables (pipeline-anchors.md §3.2). One table
 * per event kind (flow: source/destination/network/event; DNS: dns.*; proxy: url/http/user_agent), plus the alert
 * rules for scored events (event.kind=alert, rule.*, event.risk_score*). Fields ECS has no place for are kept
 * under `sightline.<odm_field>`, so a document never loses what the event had. Each rule carries the
 * Elasticsearch type of its target, so the index template (`ecsIndexMappings`) comes from the same table and
 * `ip` fields are always typed `ip`.
 */
import type { Stream } from '../contracts/sink.js';
import type { DnsEvent, EventKind, FlowEvent, OdmEvent, ProxyEvent, TiHit } from '../model/event.js';
import { contextSchema, dnsSchema, envelopeSchema, flowSchema, proxySchema, scoreSchema } from '../model/generated/odm-schemas.js';
import type { JsonSchema } from '../model/json-schema.js';
import {
  type DocumentBuilder,
  type EsFieldType,
  type FieldRule,
  SEVERITY_NUMBER,
  compileRules,
  consumedFields,
  distinct,
  dnsClassName,
  dnsOpcodeName,
  dnsRcodeName,
  dnsTypeName,
  ianaKeyword,
  ipVersion,
  isoTime,
  mergeRules,
  proxyDenied,
  proxyUrl,
  resolvedIps,
  sumDefined,
} from './table.js';

/** Where ODM fields without an ECS home go. */
export const ECS_CUSTOM_NAMESPACE = 'sightline';

type R<E = OdmEvent> = FieldRule<E>;
const rule = <E = OdmEvent>(field: string, type: EsFieldType, from: readonly string[], get: (e: E) => unknown, properties?: Readonly<Record<string, EsFieldType>>): R<E> =>
  properties === undefined ? { field, type, from, get } : { field, type, from, get, properties };
/** A rule whose value falls back to other fields (which are then still kept under `sightline.*`). */
const withFallback = <E>(r: R<E>, fallback: readonly string[]): R<E> => ({ ...r, fallback });
const field = (e: OdmEvent, name: string): unknown => (e as unknown as Record<string, unknown>)[name];
const constant = <E = OdmEvent>(field: string, type: EsFieldType, value: unknown): R<E> => ({ field, type, from: [], get: () => value });

/** ECS MAC form: upper case, dash separated. */
const ecsMac = (mac: string | undefined): string | undefined => (mac === undefined ? undefined : mac.toUpperCase().replace(/[:.]/g, '-'));
const nanos = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.round(ms * 1_000_000));
const str = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));

const TI_TYPE: Readonly<Record<TiHit['type'], string>> = { ip: 'ipv4-addr', cidr: 'ipv4-addr', domain: 'domain-name', url: 'url' };
const TI_CONFIDENCE: Readonly<Record<number, string>> = { [-1]: 'Not Specified', 0: 'None', 1: 'Low', 2: 'Medium', 3: 'High' };
/** ECS names of the ODM fields an indicator can match. */
export const ECS_FIELD_OF: Readonly<Record<string, string>> = {
  src_ip: 'source.ip',
  dst_ip: 'destination.ip',
  dvc_ip: 'observer.ip',
  dns_query: 'dns.question.name',
  dns_answers: 'dns.resolved_ip',
  prx_host: 'url.domain',
  prx_uri: 'url.original',
  prx_referrer: 'http.request.referrer',
};

function enrichments(hits: readonly TiHit[] | undefined): unknown[] | undefined {
  if (hits === undefined || hits.length === 0) return undefined;
  return hits.map((h) => {
    const type = h.type === 'ip' || h.type === 'cidr' ? (h.indicator.includes(':') ? 'ipv6-addr' : 'ipv4-addr') : TI_TYPE[h.type];
    const indicator: Record<string, unknown> = { type, provider: h.source };
    if (h.severity !== undefined) indicator['confidence'] = TI_CONFIDENCE[h.severity];
    if (h.category !== undefined) indicator['description'] = h.category;
    const matched: Record<string, unknown> = { atomic: h.indicator, field: ECS_FIELD_OF[h.field] ?? h.field, type: 'indicator_match_rule' };
    if (h.indicator_id !== undefined) matched['id'] = h.indicator_id;
    return { indicator, matched };
  });
}

const geo = (side: 'source' | 'destination', p: 'src' | 'dst'): R[] => [
  rule(`${side}.geo.country_iso_code`, 'keyword', [`${p}_country_code`], (e) => field(e, `${p}_country_code`)),
  rule(`${side}.geo.country_name`, 'keyword', [`${p}_country_name`], (e) => field(e, `${p}_country_name`)),
  rule(`${side}.geo.region_name`, 'keyword', [`${p}_region`], (e) => field(e, `${p}_region`)),
  rule(`${side}.geo.city_name`, 'keyword', [`${p}_city`], (e) => field(e, `${p}_city`)),
  rule(`${side}.geo.location`, 'geo_point', [`${p}_lat`, `${p}_long`], (e) => {
    const lat = field(e, `${p}_lat`);
    const lon = field(e, `${p}_long`);
    return lat === undefined || lon === undefined ? undefined : { lat, lon };
  }),
  rule(`${side}.as.number`, 'long', [`${p}_asn`], (e) => field(e, `${p}_asn`)),
  rule(`${side}.as.organization.name`, 'keyword', [`${p}_asn_org`], (e) => field(e, `${p}_asn_org`)),
];

/** Rules every kind shares. */
export const ECS_COMMON: readonly R[] = [
  rule('@timestamp', 'date', ['event_time'], (e) => isoTime(e.event_time)),
  rule('event.id', 'keyword', ['event_id'], (e) => e.event_id),
  constant('event.kind', 'keyword', 'event'),
  constant('event.module', 'keyword', 'sightline'),
  rule('event.dataset', 'keyword', ['event_kind'], (e) => `sightline.${e.event_kind}`),
  rule('event.created', 'date', ['event_insert_time'], (e) => isoTime(e.event_insert_time)),
  rule('event.start', 'date', ['begin_time'], (e) => isoTime(e.begin_time)),
  rule('event.end', 'date', ['end_time'], (e) => isoTime(e.end_time)),
  rule('event.duration', 'long', ['duration'], (e) => nanos(e.duration)),
  rule('event.original', 'keyword', ['raw'], (e) => e.raw),
  rule('event.risk_score_norm', 'float', ['risk_priority'], (e) => e.risk_priority),
  rule('observer.ip', 'ip', ['dvc_ip'], (e) => e.dvc_ip),
  rule('observer.hostname', 'keyword', ['dvc_host'], (e) => e.dvc_host),
  rule('observer.type', 'keyword', ['dvc_type'], (e) => e.dvc_type),
  rule('observer.vendor', 'keyword', ['dvc_vendor'], (e) => e.dvc_vendor),
  rule('observer.version', 'keyword', ['dvc_version'], (e) => e.dvc_version),
  rule('source.ip', 'ip', ['src_ip'], (e) => e.src_ip),
  rule('source.port', 'long', ['src_port'], (e) => e.src_port),
  rule('source.mac', 'keyword', ['src_mac'], (e) => ecsMac(e.src_mac)),
  rule('source.domain', 'keyword', ['src_host'], (e) => e.src_host),
  rule('destination.ip', 'ip', ['dst_ip'], (e) => e.dst_ip),
  rule('destination.port', 'long', ['dst_port'], (e) => e.dst_port),
  rule('destination.mac', 'keyword', ['dst_mac'], (e) => ecsMac(e.dst_mac)),
  rule('destination.domain', 'keyword', ['dst_host'], (e) => e.dst_host),
  ...geo('source', 'src'),
  ...geo('destination', 'dst'),
  rule('network.iana_number', 'keyword', ['n_proto'], (e) => str(e.n_proto)),
  rule('network.transport', 'keyword', ['n_proto'], (e) => ianaKeyword(e.n_proto)),
  rule('network.type', 'keyword', ['src_ip', 'dst_ip'], (e) => ipVersion(e.src_ip ?? e.dst_ip)),
  rule('network.direction', 'keyword', ['net_direction'], (e) => e.net_direction),
  rule('user.name', 'keyword', ['user_name'], (e) => e.user_name),
  rule('related.ip', 'ip', ['src_ip', 'dst_ip'], (e) => distinct([e.src_ip, e.dst_ip])),
  rule('related.user', 'keyword', ['user_name'], (e) => (e.user_name === undefined ? undefined : [e.user_name])),
  rule('threat.enrichments', 'nested', ['ti_hits'], (e) => enrichments(e.ti_hits), {
    'indicator.type': 'keyword',
    'indicator.provider': 'keyword',
    'indicator.confidence': 'keyword',
    'indicator.description': 'keyword',
    'matched.atomic': 'keyword',
    'matched.field': 'keyword',
    'matched.type': 'keyword',
    'matched.id': 'keyword',
  }),
];

/** Network flows: source/destination bytes and packets, interfaces, NAT, VLAN. */
export const ECS_FLOW: readonly R<FlowEvent>[] = [
  constant('event.category', 'keyword', ['network']),
  constant('event.type', 'keyword', ['connection']),
  constant('event.action', 'keyword', 'network_flow'),
  rule<FlowEvent>('source.bytes', 'long', ['in_bytes'], (e) => e.in_bytes),
  rule<FlowEvent>('destination.bytes', 'long', ['out_bytes'], (e) => e.out_bytes),
  rule<FlowEvent>('network.bytes', 'long', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  rule<FlowEvent>('source.packets', 'long', ['flow_in_packets'], (e) => e.flow_in_packets),
  rule<FlowEvent>('destination.packets', 'long', ['flow_out_packets'], (e) => e.flow_out_packets),
  rule<FlowEvent>('network.packets', 'long', ['flow_in_packets', 'flow_out_packets'], (e) => sumDefined(e.flow_in_packets, e.flow_out_packets)),
  withFallback(
    rule<FlowEvent>('network.direction', 'keyword', ['net_direction'], (e) => e.net_direction ?? (e.flow_dir === 0 ? 'ingress' : e.flow_dir === 1 ? 'egress' : undefined)),
    ['flow_dir'],
  ),
  rule<FlowEvent>('network.vlan.id', 'keyword', ['src_vlan'], (e) => str(e.src_vlan)),
  rule<FlowEvent>('observer.ingress.interface.id', 'keyword', ['flow_input'], (e) => str(e.flow_input)),
  rule<FlowEvent>('observer.egress.interface.id', 'keyword', ['flow_output'], (e) => str(e.flow_output)),
  rule<FlowEvent>('source.nat.ip', 'ip', ['xlate_src_ip'], (e) => e.xlate_src_ip),
  rule<FlowEvent>('source.nat.port', 'long', ['xlate_src_port'], (e) => e.xlate_src_port),
  rule<FlowEvent>('destination.nat.ip', 'ip', ['xlate_dst_ip'], (e) => e.xlate_dst_ip),
  rule<FlowEvent>('destination.nat.port', 'long', ['xlate_dst_port'], (e) => e.xlate_dst_port),
];

/** DNS messages: the dns.* field set. */
export const ECS_DNS: readonly R<DnsEvent>[] = [
  constant('event.category', 'keyword', ['network']),
  constant('event.type', 'keyword', ['protocol']),
  constant('network.protocol', 'keyword', 'dns'),
  withFallback(rule<DnsEvent>('event.duration', 'long', ['duration'], (e) => nanos(e.duration ?? e.dns_rtt)), ['dns_rtt']),
  rule<DnsEvent>('dns.type', 'keyword', ['dns_message_type'], (e) => (e.dns_message_type === undefined ? undefined : e.dns_message_type === 'query' ? 'query' : 'answer')),
  rule<DnsEvent>('dns.id', 'keyword', ['dns_id'], (e) => str(e.dns_id)),
  rule<DnsEvent>('dns.op_code', 'keyword', ['dns_opcode'], (e) => dnsOpcodeName(e.dns_opcode)),
  rule<DnsEvent>('dns.header_flags', 'keyword', ['dns_flags', 'dns_edns_do'], (e) => {
    const flags: string[] = e.dns_flags === undefined ? [] : [...e.dns_flags];
    if (e.dns_edns_do === true) flags.push('DO');
    return flags.length === 0 ? undefined : flags;
  }),
  rule<DnsEvent>('dns.response_code', 'keyword', ['dns_response_code'], (e) => (e.dns_message_type === 'query' ? undefined : dnsRcodeName(e.dns_response_code))),
  rule<DnsEvent>('dns.question.name', 'keyword', ['dns_query'], (e) => e.dns_query),
  rule<DnsEvent>('dns.question.type', 'keyword', ['dns_type'], (e) => dnsTypeName(e.dns_type)),
  rule<DnsEvent>('dns.question.class', 'keyword', ['dns_class'], (e) => dnsClassName(e.dns_class)),
  rule<DnsEvent>('dns.question.registered_domain', 'keyword', ['domain_registrable'], (e) => e.domain_registrable),
  rule<DnsEvent>('dns.question.subdomain', 'keyword', ['domain_subdomain'], (e) => e.domain_subdomain),
  rule<DnsEvent>('dns.question.top_level_domain', 'keyword', ['domain_suffix'], (e) => e.domain_suffix),
  rule<DnsEvent>(
    'dns.answers',
    'object',
    ['dns_answers'],
    (e) =>
      e.dns_answers === undefined || e.dns_answers.length === 0
        ? undefined
        : e.dns_answers.map((a) => ({ name: a.name, type: dnsTypeName(a.type), class: dnsClassName(a.class), ttl: a.ttl, data: a.data })),
    { name: 'keyword', type: 'keyword', class: 'keyword', ttl: 'long', data: 'keyword' },
  ),
  rule<DnsEvent>('dns.resolved_ip', 'ip', ['dns_answers'], (e) => resolvedIps(e.dns_answers)),
  rule<DnsEvent>('related.ip', 'ip', ['src_ip', 'dst_ip', 'dns_answers'], (e) => distinct([e.src_ip, e.dst_ip, ...(resolvedIps(e.dns_answers) ?? [])])),
  rule<DnsEvent>('related.hosts', 'keyword', ['dns_query'], (e) => (e.dns_query === undefined ? undefined : [e.dns_query])),
];

/** Web-proxy requests: url.*, http.*, user_agent.*. Proxy `in_bytes` is server -> client. */
export const ECS_PROXY: readonly R<ProxyEvent>[] = [
  constant('event.category', 'keyword', ['network', 'web']),
  rule<ProxyEvent>('event.type', 'keyword', ['prx_filter_result', 'prx_action'], (e) => ['access', proxyDenied(e) ? 'denied' : 'allowed']),
  rule<ProxyEvent>('event.action', 'keyword', ['prx_action'], (e) => e.prx_action),
  rule<ProxyEvent>('event.outcome', 'keyword', ['prx_code'], (e) => (e.prx_code === undefined ? undefined : e.prx_code < 400 ? 'success' : 'failure')),
  rule<ProxyEvent>('network.protocol', 'keyword', ['prx_scheme'], (e) => e.prx_scheme?.toLowerCase()),
  rule<ProxyEvent>('url.original', 'keyword', ['prx_uri'], (e) => e.prx_uri),
  rule<ProxyEvent>('url.full', 'keyword', ['prx_scheme', 'prx_host', 'prx_path', 'prx_query', 'dst_port'], (e) => proxyUrl(e)),
  rule<ProxyEvent>('url.scheme', 'keyword', ['prx_scheme'], (e) => e.prx_scheme?.toLowerCase()),
  rule<ProxyEvent>('url.domain', 'keyword', ['prx_host'], (e) => e.prx_host),
  rule<ProxyEvent>('url.port', 'long', ['dst_port'], (e) => e.dst_port),
  rule<ProxyEvent>('url.path', 'keyword', ['prx_path'], (e) => e.prx_path),
  rule<ProxyEvent>('url.query', 'keyword', ['prx_query'], (e) => e.prx_query),
  rule<ProxyEvent>('url.extension', 'keyword', ['prx_extension'], (e) => e.prx_extension),
  rule<ProxyEvent>('url.registered_domain', 'keyword', ['domain_registrable'], (e) => e.domain_registrable),
  rule<ProxyEvent>('url.subdomain', 'keyword', ['domain_subdomain'], (e) => e.domain_subdomain),
  rule<ProxyEvent>('url.top_level_domain', 'keyword', ['domain_suffix'], (e) => e.domain_suffix),
  rule<ProxyEvent>('http.request.method', 'keyword', ['prx_method'], (e) => e.prx_method),
  rule<ProxyEvent>('http.request.referrer', 'keyword', ['prx_referrer'], (e) => e.prx_referrer),
  rule<ProxyEvent>('http.request.bytes', 'long', ['out_bytes'], (e) => e.out_bytes),
  rule<ProxyEvent>('http.response.status_code', 'long', ['prx_code'], (e) => e.prx_code),
  rule<ProxyEvent>('http.response.mime_type', 'keyword', ['prx_type'], (e) => e.prx_type),
  rule<ProxyEvent>('http.response.bytes', 'long', ['in_bytes'], (e) => e.in_bytes),
  rule<ProxyEvent>('http.version', 'keyword', ['prx_http_version'], (e) => e.prx_http_version?.replace(/^HTTP\//i, '')),
  rule<ProxyEvent>('source.bytes', 'long', ['out_bytes'], (e) => e.out_bytes),
  rule<ProxyEvent>('destination.bytes', 'long', ['in_bytes'], (e) => e.in_bytes),
  rule<ProxyEvent>('network.bytes', 'long', ['in_bytes', 'out_bytes'], (e) => sumDefined(e.in_bytes, e.out_bytes)),
  withFallback(rule<ProxyEvent>('destination.domain', 'keyword', ['prx_host'], (e) => e.prx_host ?? e.dst_host), ['dst_host']),
  rule<ProxyEvent>('user_agent.original', 'keyword', ['prx_browser'], (e) => e.prx_browser),
  rule<ProxyEvent>('related.hosts', 'keyword', ['prx_host'], (e) => (e.prx_host === undefined ? undefined : [e.prx_host])),
];

/** Rules added for the `alerts` stream: a scored event as an ECS alert. */
export const ECS_ALERT: readonly R[] = [
  constant('event.kind', 'keyword', 'alert'),
  rule('rule.name', 'keyword', ['score_model'], (e) => e.score_model),
  rule('rule.version', 'keyword', ['score_model_version'], (e) => e.score_model_version),
  constant('rule.ruleset', 'keyword', 'sightline'),
  rule('event.risk_score', 'float', ['score_value'], (e) => e.score_value),
  withFallback(rule('event.risk_score_norm', 'float', ['score_risk'], (e) => e.score_risk ?? e.risk_priority), ['risk_priority']),
  rule('event.severity', 'long', ['score_severity'], (e) => (e.score_severity === undefined ? undefined : SEVERITY_NUMBER[e.score_severity])),
  rule('event.reason', 'keyword', ['score_reasons'], (e) => (e.score_reasons === undefined || e.score_reasons.length === 0 ? undefined : e.score_reasons.join('; '))),
];

const KIND_RULES: { readonly [K in EventKind]: readonly R<Extract<OdmEvent, { event_kind: K }>>[] } = { flow: ECS_FLOW, dns: ECS_DNS, proxy: ECS_PROXY };

/** The full table for a kind and stream (common rules, then the kind's, then the alert rules). */
export function ecsRules<K extends EventKind>(kind: K, stream: Stream = 'events'): readonly FieldRule<Extract<OdmEvent, { event_kind: K }>>[] {
  const kindRules = KIND_RULES[kind] as readonly R<Extract<OdmEvent, { event_kind: K }>>[];
  return stream === 'alerts' ? mergeRules<Extract<OdmEvent, { event_kind: K }>>(ECS_COMMON, kindRules, ECS_ALERT) : mergeRules<Extract<OdmEvent, { event_kind: K }>>(ECS_COMMON, kindRules);
}

const builders = new Map<string, DocumentBuilder<OdmEvent>>();
function builder(kind: EventKind, stream: Stream): DocumentBuilder<OdmEvent> {
  const key = `${kind}/${stream}`;
  let b = builders.get(key);
  if (b === undefined) builders.set(key, (b = compileRules(ecsRules(kind, stream) as readonly R[], { nested: true, passthrough: ECS_CUSTOM_NAMESPACE })));
  return b;
}

/** The ECS document of an event (nested objects; ODM fields without an ECS home under `sightline.*`). */
export function toEcs(event: OdmEvent, stream: Stream = 'events'): Record<string, unknown> {
  return builder(event.event_kind, stream)(event);
}

// --- index template mappings --------------------------------------------------------------------------------

const KIND_SCHEMA: Readonly<Record<EventKind, JsonSchema>> = { flow: flowSchema, dns: dnsSchema, proxy: proxySchema };

function odmProperty(kind: EventKind, field: string): Record<string, unknown> | undefined {
  for (const s of [KIND_SCHEMA[kind], envelopeSchema, contextSchema, scoreSchema]) {
    const p = (s as { properties?: Record<string, Record<string, unknown>> }).properties?.[field];
    if (p !== undefined && p['const'] === undefined) return p;
  }
  return undefined;
}

/** Elasticsearch type for an ODM field kept under `sightline.*`, from its JSON Schema. */
export function esTypeOfOdmField(kind: EventKind, field: string): EsFieldType {
  const p = odmProperty(kind, field);
  if (p === undefined) return 'keyword';
  const t = p['type'];
  if (t === 'integer') return 'long';
  if (t === 'number') return 'double';
  if (t === 'boolean') return 'boolean';
  if (t === 'string') return p['format'] === 'ip' ? 'ip' : 'keyword';
  if (t === 'array') {
    const items = p['items'] as Record<string, unknown> | undefined;
    return items?.['type'] === 'string' ? 'keyword' : 'flattened';
  }
  return 'flattened';
}

type Mapping = { type?: string; properties?: Record<string, Mapping>; index?: boolean; doc_values?: boolean; ignore_above?: number };

function place(root: Record<string, Mapping>, dotted: string, leaf: Mapping): void {
  const parts = dotted.split('.');
  let props = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    const node = (props[k] ??= { properties: {} });
    node.properties ??= {};
    props = node.properties;
  }
  const last = parts[parts.length - 1]!;
  const existing = props[last];
  props[last] = existing?.properties !== undefined && leaf.properties !== undefined ? { ...leaf, properties: { ...existing.properties, ...leaf.properties } } : { ...existing, ...leaf };
}

function leafMapping(type: EsFieldType): Mapping {
  if (type === 'keyword') return { type: 'keyword', ignore_above: 1024 };
  if (type === 'object') return {};
  return { type };
}

/**
 * Index mappings (`{ dynamic, properties }`) for the ECS documents of the given kinds and stream, from the same
 * tables `toEcs` uses: every ECS target with its type (`ip` fields typed `ip`), and `sightline.*` typed from the
 * ODM schemas. Fields not listed are mapped dynamically, with strings as keywords.
 */
export function ecsIndexMappings(kinds: readonly EventKind[], stream: Stream = 'events'): Record<string, unknown> {
  const props: Record<string, Mapping> = {};
  for (const kind of kinds) {
    const rules = ecsRules(kind, stream) as readonly R[];
    for (const r of rules) {
      if (r.type === undefined) continue;
      const leaf: Mapping = r.field === 'event.original' ? { type: 'keyword', index: false, doc_values: false } : leafMapping(r.type);
      if (r.properties !== undefined) {
        const sub: Record<string, Mapping> = {};
        for (const [k, t] of Object.entries(r.properties)) place(sub, k, leafMapping(t));
        leaf.properties = sub;
      }
      place(props, r.field, leaf);
    }
    const consumed = consumedFields(rules);
    const schemaFields = new Set<string>();
    for (const s of [KIND_SCHEMA[kind], envelopeSchema, contextSchema, scoreSchema]) for (const f of Object.keys((s as { properties?: object }).properties ?? {})) schemaFields.add(f);
    for (const f of schemaFields) {
      if (consumed.has(f) || f === 'event_kind') continue;
      place(props, `${ECS_CUSTOM_NAMESPACE}.${f}`, leafMapping(esTypeOfOdmField(kind, f)));
    }
  }
  return {
    dynamic: true,
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }],
    properties: props,
  };
}
