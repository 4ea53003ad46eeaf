import { describe, expect, it } from 'vitest';
import { type EventKind, OCSF_FINDING, OCSF_VERSION, type OdmEvent, consumedFields, httpActivityId, ocsfRcode, ocsfRules, toOcsf } from '../../src/index.js';
import { EventFixtures } from '../../src/testkit/index.js';
import { DNS, FLOW, PROXY, at, scored } from './fixtures.js';

// Hand-written expectations, one per OCSF attribute; `undefined` means the attribute must be absent.
const ep = (side: 'src_endpoint' | 'dst_endpoint', v: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(v).map(([k, x]) => [`${side}.${k}`, x]));
const SHARED = {
  'metadata.version': OCSF_VERSION,
  'metadata.product.name': 'Sightline',
  'metadata.product.vendor_name': 'Sightline',
  'metadata.logged_time': Date.UTC(2026, 0, 5, 13, 5, 0),
  category_uid: 4,
  category_name: 'Network Activity',
  severity_id: 1,
  severity: 'Informational',
  ...ep('src_endpoint', { mac: '00:1a:2b:3c:4d:5e', hostname: 'ws-17.corp.example', zone: 'office', 'location.country': 'DE', 'location.region': 'Berlin', 'location.city': 'Berlin', 'location.lat': 52.52, 'location.long': 13.4, 'autonomous_system.number': 64500, 'autonomous_system.name': 'Corp AS' }),
  ...ep('dst_endpoint', { mac: '00:aa:bb:cc:dd:ee', hostname: 'edge.example.net', zone: 'internet', 'location.country': 'US', 'location.region': 'Virginia', 'location.city': 'Ashburn', 'location.lat': 39.04, 'location.long': -77.49, 'autonomous_system.number': 64511, 'autonomous_system.name': 'Cloud AS' }),
  'connection_info.protocol_ver_id': 4,
  'connection_info.direction_id': 2,
  'connection_info.direction': 'Outbound',
  'device.ip': '192.0.2.1',
  'device.hostname': 'rtr-1',
  'device.vendor_name': 'Cisco',
  'actor.user.name': 'alice',
  raw_data: 'original record',
};

const EXPECTED: Record<EventKind, Record<string, unknown>> = {
  flow: {
    ...SHARED,
    'metadata.uid': FLOW.event_id,
    'metadata.log_name': 'sightline.flow',
    time: Date.UTC(2026, 0, 5, 13, 0, 0),
    start_time: Date.UTC(2026, 0, 5, 12, 59, 55, 800),
    end_time: Date.UTC(2026, 0, 5, 12, 59, 59, 900),
    duration: 4100,
    'src_endpoint.ip': '10.1.2.3',
    'src_endpoint.port': 51512,
    'dst_endpoint.ip': '198.51.100.20',
    'dst_endpoint.port': 443,
    'connection_info.protocol_num': 6,
    'connection_info.protocol_name': 'tcp',
    enrichments: [{ name: 'dst_ip', value: '198.51.100.20', type: 'IP Address', provider: 'feed-a', data: { severity: 3, category: 'c2', indicator_id: 'indicator--1' } }],
    class_uid: 4001,
    class_name: 'Network Activity',
    activity_id: 6,
    activity_name: 'Traffic',
    type_uid: 400106,
    type_name: 'Network Activity: Traffic',
    'traffic.bytes_out': 5230,
    'traffic.bytes_in': 880,
    'traffic.bytes': 6110,
    'traffic.packets_out': 12,
    'traffic.packets_in': 7,
    'traffic.packets': 19,
    'connection_info.tcp_flags': 0x1b,
    'src_endpoint.interface_uid': '3',
    'dst_endpoint.interface_uid': '7',
    'src_endpoint.vlan_uid': '100',
    'dst_endpoint.vlan_uid': '200',
  },
  dns: {
    ...SHARED,
    'metadata.uid': DNS.event_id,
    'metadata.log_name': 'sightline.dns',
    time: Date.UTC(2026, 0, 5, 13, 0, 1, 234),
    start_time: undefined,
    end_time: undefined,
    duration: 12,
    'src_endpoint.ip': '192.0.2.53',
    'src_endpoint.port': 53,
    'dst_endpoint.ip': '10.1.2.3',
    'dst_endpoint.port': 40122,
    'connection_info.protocol_num': 17,
    'connection_info.protocol_name': 'udp',
    enrichments: [{ name: 'dns_query', value: 'evil.example.com', type: 'Hostname', provider: 'feed-b', data: {} }],
    class_uid: 4003,
    class_name: 'DNS Activity',
    activity_id: 2,
    activity_name: 'Response',
    type_uid: 400302,
    type_name: 'DNS Activity: Response',
    'query.hostname': 'www.evil.example.com',
    'query.type': 'AAAA',
    'query.class': 'IN',
    'query.packet_uid': 4711,
    answers: [
      { rdata: 'cdn.example.net', type: 'CNAME', class: 'IN', ttl: 60, packet_uid: 4711 },
      { rdata: '2001:db8::1', type: 'AAAA', class: 'IN', ttl: 30, packet_uid: 4711 },
    ],
    rcode_id: 3,
    rcode: 'NXDomain',
    opcode_id: 0,
    opcode: 'Query',
    flag_ids: [3, 4, 5],
  },
  proxy: {
    ...SHARED,
    'metadata.uid': PROXY.event_id,
    'metadata.log_name': 'sightline.proxy',
    time: Date.UTC(2026, 0, 5, 13, 0, 5),
    start_time: undefined,
    end_time: undefined,
    duration: 312,
    'src_endpoint.ip': '10.1.2.3',
    'src_endpoint.port': undefined,
    'dst_endpoint.ip': '198.51.100.80',
    'dst_endpoint.port': 8080,
    'connection_info.protocol_num': undefined,
    'connection_info.protocol_name': undefined,
    enrichments: [{ name: 'prx_uri', value: 'http://www.example.com/index.html', type: 'URL String', provider: 'feed-c', data: {} }],
    class_uid: 4002,
    class_name: 'HTTP Activity',
    activity_id: 3,
    activity_name: 'Get',
    type_uid: 400203,
    type_name: 'HTTP Activity: Get',
    'http_request.http_method': 'GET',
    'http_request.url.url_string': 'http://www.example.com:8080/index.html?q=1',
    'http_request.url.hostname': 'www.example.com',
    'http_request.url.path': '/index.html',
    'http_request.url.query_string': 'q=1',
    'http_request.url.scheme': 'http',
    'http_request.url.port': 8080,
    'http_request.url.categories': ['Malicious', 'Phishing'],
    'http_request.user_agent': 'Mozilla/5.0 (X11; Linux x86_64)',
    'http_request.referrer': 'http://ref.example.org/',
    'http_request.version': 'HTTP/1.1',
    'http_response.code': 403,
    'http_response.content_type': 'text/html',
    'traffic.bytes_in': 10432,
    'traffic.bytes_out': 512,
    'traffic.bytes': 10944,
    action_id: 2,
    action: 'Denied',
    disposition_id: 2,
    disposition: 'Blocked',
  },
};

const EVENTS: Record<EventKind, OdmEvent> = { flow: FLOW, dns: DNS, proxy: PROXY };

for (const kind of ['flow', 'dns', 'proxy'] as const) {
  describe(`ODM ${kind} -> OCSF ${EXPECTED[kind]['class_uid']} ${EXPECTED[kind]['class_name']}`, () => {
    const event = EVENTS[kind];
    const doc = toOcsf(event);
    const rules = ocsfRules(kind);
    it.each(rules.map((r) => [r.field, r.from.join(', ') || 'a constant'] as const))('maps %s from %s', (field) => {
      expect(Object.hasOwn(EXPECTED[kind], field), `no expectation written for ${field}`).toBe(true);
      expect(at(doc, field)).toEqual(EXPECTED[kind][field]);
    });
    it('has no expectation for an attribute the table does not produce', () => {
      const fields = new Set(rules.map((r) => r.field));
      expect(Object.keys(EXPECTED[kind]).filter((f) => !fields.has(f))).toEqual([]);
    });
    it('keeps every field no rule reads in `unmapped`, unchanged', () => {
      const consumed = consumedFields(rules as never);
      const unmapped = (doc['unmapped'] ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(event)) {
        if (consumed.has(k)) expect(unmapped, k).not.toHaveProperty(k);
        else expect(unmapped[k], k).toEqual(v);
      }
    });
  });
}

describe('scored event -> OCSF Detection Finding 2004', () => {
  const event = scored(DNS);
  const doc = toOcsf(event, 'alerts');
  const uid = `${DNS.event_id}.lda-flow`;
  const EXPECTED_FINDING: Record<string, unknown> = {
    'metadata.uid': uid,
    'metadata.version': OCSF_VERSION,
    'metadata.product.name': 'Sightline',
    'metadata.product.vendor_name': 'Sightline',
    'metadata.log_name': 'sightline.alerts.dns',
    time: DNS.event_time,
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    status_id: 1,
    status: 'New',
    is_alert: true,
    severity_id: 4,
    severity: 'High',
    risk_score: 100,
    'finding_info.uid': uid,
    'finding_info.title': 'Suspicious dns event (lda-flow)',
    'finding_info.desc': 'rare word; new host',
    'finding_info.analytic.name': 'lda-flow',
    'finding_info.analytic.version': 'v7',
    'finding_info.analytic.type_id': 4,
    'finding_info.analytic.type': 'Learning (ML/DL)',
    'finding_info.data_sources': ['sightline.dns'],
    'finding_info.first_seen_time': 1,
    'finding_info.last_seen_time': 2,
    evidences: [
      {
        data: toOcsf(event, 'events'),
        src_endpoint: at(toOcsf(DNS), 'src_endpoint'),
        dst_endpoint: at(toOcsf(DNS), 'dst_endpoint'),
        connection_info: at(toOcsf(DNS), 'connection_info'),
        query: { hostname: 'www.evil.example.com', type: 'AAAA', class: 'IN', packet_uid: 4711 },
      },
    ],
    unmapped: { score_value: 0.0012, score_order: 'asc', score_rank: 1, score_word: '443_1_3_5' },
  };
  it.each(OCSF_FINDING.map((r) => [r.field] as const))('maps %s', (field) => {
    expect(Object.hasOwn(EXPECTED_FINDING, field), `no expectation written for ${field}`).toBe(true);
    expect(at(doc, field)).toEqual(EXPECTED_FINDING[field]);
  });
  it('carries the whole DNS Activity event as evidence, with its score fields left in its own `unmapped`', () => {
    const ev = (doc['evidences'] as Record<string, unknown>[])[0]!['data'] as Record<string, unknown>;
    expect(ev['class_uid']).toBe(4003);
    expect(at(ev, 'unmapped.score_model')).toBe('lda-flow');
  });
});

describe('OCSF enumerations', () => {
  it('numbers HTTP activities by method (0 unknown, 99 other)', () => {
    expect(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE', 'PATCH', 'PROPFIND'].map(httpActivityId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 99]);
    expect(httpActivityId(undefined)).toBe(0);
  });
  it('keeps RFC 6895 response codes and folds unknown ones into Other', () => {
    expect(ocsfRcode(0)).toEqual([0, 'NoError']);
    expect(ocsfRcode(16)).toEqual([16, 'BADVERS']);
    expect(ocsfRcode(14)).toEqual([99, 'Other']);
  });
  it('makes a paired DNS transaction a Traffic activity and a query a Query activity without an rcode', () => {
    expect(at(toOcsf(EventFixtures.dns({ dns_message_type: 'transaction' })), 'type_uid')).toBe(400306);
    const q = toOcsf(EventFixtures.dns({ dns_message_type: 'query' }));
    expect([q['activity_id'], q['rcode_id']]).toEqual([1, undefined]);
  });
});
