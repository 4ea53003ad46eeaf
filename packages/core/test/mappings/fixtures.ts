/**
 * Richly populated events for the mapping tables: every field a table reads is set, with values chosen so a
 * wrong source field or a swapped direction shows (distinct numbers on each side). Built by the project's own
 * fixture factory, not taken from outside.
 */
import type { DnsEvent, FlowEvent, OdmEvent, ProxyEvent } from '../../src/index.js';
import { EventFixtures } from '../../src/testkit/index.js';

const context = {
  src_zone: 'office',
  dst_zone: 'internet',
  src_host: 'ws-17.corp.example',
  dst_host: 'edge.example.net',
  src_country_code: 'DE',
  src_country_name: 'Germany',
  src_region: 'Berlin',
  src_city: 'Berlin',
  src_lat: 52.52,
  src_long: 13.4,
  src_asn: 64500,
  src_asn_org: 'Corp AS',
  dst_country_code: 'US',
  dst_country_name: 'United States',
  dst_region: 'Virginia',
  dst_city: 'Ashburn',
  dst_lat: 39.04,
  dst_long: -77.49,
  dst_asn: 64511,
  dst_asn_org: 'Cloud AS',
  net_direction: 'outbound' as const,
  risk_priority: 40,
  ti_hits: [{ indicator: '198.51.100.20', type: 'ip' as const, source: 'feed-a', field: 'dst_ip', severity: 3, category: 'c2', indicator_id: 'indicator--1' }],
};

const envelope = {
  event_insert_time: Date.UTC(2026, 0, 5, 13, 5, 0),
  dvc_ip: '192.0.2.1',
  dvc_host: 'rtr-1',
  dvc_type: 'router',
  dvc_vendor: 'Cisco',
  dvc_version: '17.3',
  src_mac: '00:1a:2b:3c:4d:5e',
  dst_mac: '00:aa:bb:cc:dd:ee',
  user_name: 'alice',
  raw: 'original record',
};

export const FLOW: FlowEvent = EventFixtures.flow({
  ...envelope,
  ...context,
  in_bytes: 5230,
  out_bytes: 880,
  flow_in_packets: 12,
  flow_out_packets: 7,
  net_flags: 0x1b,
  flow_dir: 1,
  src_vlan: 100,
  dst_vlan: 200,
  flow_input: 3,
  flow_output: 7,
  xlate_src_ip: '203.0.113.9',
  xlate_src_port: 61000,
  xlate_dst_ip: '198.51.100.21',
  xlate_dst_port: 8443,
  flow_icmp_type: 8,
  flow_icmp_code: 0,
});

export const DNS: DnsEvent = EventFixtures.dns({
  ...envelope,
  ...context,
  ti_hits: [{ indicator: 'evil.example.com', type: 'domain', source: 'feed-b', field: 'dns_query' }],
  dns_query: 'www.evil.example.com',
  dns_type: 28,
  dns_flags: ['RD', 'RA', 'AD'],
  dns_edns_do: true,
  dns_response_code: 3,
  dns_rtt: 12.4,
  dns_answers: [
    { name: 'www.evil.example.com', type: 5, class: 1, ttl: 60, data: 'cdn.example.net' },
    { name: 'cdn.example.net', type: 28, class: 1, ttl: 30, data: '2001:db8::1' },
  ],
  dns_answer_count: 2,
  domain_registrable: 'example.com',
  domain_subdomain: 'www.evil',
  domain_suffix: 'com',
});

export const PROXY: ProxyEvent = EventFixtures.proxy({
  ...envelope,
  ...context,
  ti_hits: [{ indicator: 'http://www.example.com/index.html', type: 'url', source: 'feed-c', field: 'prx_uri' }],
  dst_port: 8080,
  prx_referrer: 'http://ref.example.org/',
  prx_extension: 'html',
  prx_http_version: 'HTTP/1.1',
  prx_action: 'TCP_DENIED',
  prx_filter_result: 'DENIED',
  prx_code: 403,
  prx_category: 'Malicious; Phishing',
  domain_registrable: 'example.com',
  domain_subdomain: 'www',
  domain_suffix: 'com',
});

/** The same events scored by a model, as the alerts stream carries them. */
export function scored<E extends OdmEvent>(e: E): E {
  return { ...e, score_model: 'lda-flow', score_model_version: 'v7', score_value: 0.0012, score_order: 'asc', score_rank: 1, score_severity: 'high', score_risk: 99.5, score_reasons: ['rare word', 'new host'], score_word: '443_1_3_5', score_window_start: 1, score_window_end: 2 };
}

/** Value at a dotted path of a nested document. */
export function at(doc: unknown, path: string): unknown {
  let o: unknown = doc;
  for (const k of path.split('.')) {
    if (typeof o !== 'object' || o === null) return undefined;
    o = (o as Record<string, unknown>)[k];
  }
  return o;
}
