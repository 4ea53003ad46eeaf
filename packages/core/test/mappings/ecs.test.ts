import { describe, expect, it } from 'vitest';
import { type EventKind, type OdmEvent, type Stream, ECS_CUSTOM_NAMESPACE, consumedFields, ecsIndexMappings, ecsRules, toEcs } from '../../src/index.js';
import { EventFixtures } from '../../src/testkit/index.js';
import { DNS, FLOW, PROXY, at, scored } from './fixtures.js';

// Hand-written expectations, one per ECS target field: a rule whose value changes, or a rule added without an
// expectation here, fails its own test. `undefined` means the field must be absent.
const SHARED = {
  'event.kind': 'event',
  'event.module': 'sightline',
  'event.created': '2026-01-05T13:05:00.000Z',
  'event.original': 'original record',
  'event.risk_score_norm': 40,
  'observer.ip': '192.0.2.1',
  'observer.hostname': 'rtr-1',
  'observer.type': 'router',
  'observer.vendor': 'Cisco',
  'observer.version': '17.3',
  'source.mac': '00-1A-2B-3C-4D-5E',
  'source.domain': 'ws-17.corp.example',
  'destination.mac': '00-AA-BB-CC-DD-EE',
  'destination.domain': 'edge.example.net',
  'source.geo.country_iso_code': 'DE',
  'source.geo.country_name': 'Germany',
  'source.geo.region_name': 'Berlin',
  'source.geo.city_name': 'Berlin',
  'source.geo.location': { lat: 52.52, lon: 13.4 },
  'source.as.number': 64500,
  'source.as.organization.name': 'Corp AS',
  'destination.geo.country_iso_code': 'US',
  'destination.geo.country_name': 'United States',
  'destination.geo.region_name': 'Virginia',
  'destination.geo.city_name': 'Ashburn',
  'destination.geo.location': { lat: 39.04, lon: -77.49 },
  'destination.as.number': 64511,
  'destination.as.organization.name': 'Cloud AS',
  'network.direction': 'outbound',
  'user.name': 'alice',
  'related.user': ['alice'],
} as const;

const EXPECTED: Record<EventKind, Record<string, unknown>> = {
  flow: {
    ...SHARED,
    '@timestamp': '2026-01-05T13:00:00.000Z',
    'event.id': FLOW.event_id,
    'event.dataset': 'sightline.flow',
    'event.start': '2026-01-05T12:59:55.800Z',
    'event.end': '2026-01-05T12:59:59.900Z',
    'event.duration': 4_100_000_000,
    'event.category': ['network'],
    'event.type': ['connection'],
    'event.action': 'network_flow',
    'source.ip': '10.1.2.3',
    'source.port': 51512,
    'destination.ip': '198.51.100.20',
    'destination.port': 443,
    'network.iana_number': '6',
    'network.transport': 'tcp',
    'network.type': 'ipv4',
    'related.ip': ['10.1.2.3', '198.51.100.20'],
    'threat.enrichments': [
      {
        indicator: { type: 'ipv4-addr', provider: 'feed-a', confidence: 'High', description: 'c2' },
        matched: { atomic: '198.51.100.20', field: 'destination.ip', type: 'indicator_match_rule', id: 'indicator--1' },
      },
    ],
    'source.bytes': 5230,
    'destination.bytes': 880,
    'network.bytes': 6110,
    'source.packets': 12,
    'destination.packets': 7,
    'network.packets': 19,
    'network.vlan.id': '100',
    'observer.ingress.interface.id': '3',
    'observer.egress.interface.id': '7',
    'source.nat.ip': '203.0.113.9',
    'source.nat.port': 61000,
    'destination.nat.ip': '198.51.100.21',
    'destination.nat.port': 8443,
  },
  dns: {
    ...SHARED,
    '@timestamp': '2026-01-05T13:00:01.234Z',
    'event.id': DNS.event_id,
    'event.dataset': 'sightline.dns',
    'event.start': undefined,
    'event.end': undefined,
    'event.duration': 12_400_000,
    'event.category': ['network'],
    'event.type': ['protocol'],
    'network.protocol': 'dns',
    'source.ip': '192.0.2.53',
    'source.port': 53,
    'destination.ip': '10.1.2.3',
    'destination.port': 40122,
    'network.iana_number': '17',
    'network.transport': 'udp',
    'network.type': 'ipv4',
    'related.ip': ['192.0.2.53', '10.1.2.3', '2001:db8::1'],
    'related.hosts': ['www.evil.example.com'],
    'threat.enrichments': [{ indicator: { type: 'domain-name', provider: 'feed-b' }, matched: { atomic: 'evil.example.com', field: 'dns.question.name', type: 'indicator_match_rule' } }],
    'dns.type': 'answer',
    'dns.id': '4711',
    'dns.op_code': 'QUERY',
    'dns.header_flags': ['RD', 'RA', 'AD', 'DO'],
    'dns.response_code': 'NXDOMAIN',
    'dns.question.name': 'www.evil.example.com',
    'dns.question.type': 'AAAA',
    'dns.question.class': 'IN',
    'dns.question.registered_domain': 'example.com',
    'dns.question.subdomain': 'www.evil',
    'dns.question.top_level_domain': 'com',
    'dns.answers': [
      { name: 'www.evil.example.com', type: 'CNAME', class: 'IN', ttl: 60, data: 'cdn.example.net' },
      { name: 'cdn.example.net', type: 'AAAA', class: 'IN', ttl: 30, data: '2001:db8::1' },
    ],
    'dns.resolved_ip': ['2001:db8::1'],
  },
  proxy: {
    ...SHARED,
    '@timestamp': '2026-01-05T13:00:05.000Z',
    'event.id': PROXY.event_id,
    'event.dataset': 'sightline.proxy',
    'event.start': undefined,
    'event.end': undefined,
    'event.duration': 312_000_000,
    'event.category': ['network', 'web'],
    'event.type': ['access', 'denied'],
    'event.action': 'TCP_DENIED',
    'event.outcome': 'failure',
    'network.protocol': 'http',
    'source.ip': '10.1.2.3',
    'source.port': undefined,
    'destination.ip': '198.51.100.80',
    'destination.port': 8080,
    'destination.domain': 'www.example.com',
    'network.iana_number': undefined,
    'network.transport': undefined,
    'network.type': 'ipv4',
    'related.ip': ['10.1.2.3', '198.51.100.80'],
    'related.hosts': ['www.example.com'],
    'threat.enrichments': [{ indicator: { type: 'url', provider: 'feed-c' }, matched: { atomic: 'http://www.example.com/index.html', field: 'url.original', type: 'indicator_match_rule' } }],
    'url.original': 'www.example.com/index.html?q=1',
    'url.full': 'http://www.example.com:8080/index.html?q=1',
    'url.scheme': 'http',
    'url.domain': 'www.example.com',
    'url.port': 8080,
    'url.path': '/index.html',
    'url.query': 'q=1',
    'url.extension': 'html',
    'url.registered_domain': 'example.com',
    'url.subdomain': 'www',
    'url.top_level_domain': 'com',
    'http.request.method': 'GET',
    'http.request.referrer': 'http://ref.example.org/',
    'http.request.bytes': 512,
    'http.response.status_code': 403,
    'http.response.mime_type': 'text/html',
    'http.response.bytes': 10432,
    'http.version': '1.1',
    'source.bytes': 512,
    'destination.bytes': 10432,
    'network.bytes': 10944,
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
  },
};

const ALERT = {
  'event.kind': 'alert',
  'rule.name': 'lda-flow',
  'rule.version': 'v7',
  'rule.ruleset': 'sightline',
  'event.risk_score': 0.0012,
  'event.risk_score_norm': 99.5,
  'event.severity': 4,
  'event.reason': 'rare word; new host',
};

const CASES: { kind: EventKind; stream: Stream; event: OdmEvent; expected: Record<string, unknown> }[] = [
  { kind: 'flow', stream: 'events', event: FLOW, expected: EXPECTED.flow },
  { kind: 'dns', stream: 'events', event: DNS, expected: EXPECTED.dns },
  { kind: 'proxy', stream: 'events', event: PROXY, expected: EXPECTED.proxy },
  { kind: 'flow', stream: 'alerts', event: scored(FLOW), expected: { ...EXPECTED.flow, ...ALERT } },
  { kind: 'dns', stream: 'alerts', event: scored(DNS), expected: { ...EXPECTED.dns, ...ALERT } },
  { kind: 'proxy', stream: 'alerts', event: scored(PROXY), expected: { ...EXPECTED.proxy, ...ALERT } },
];

for (const c of CASES) {
  describe(`ODM ${c.kind} -> ECS (${c.stream})`, () => {
    const doc = toEcs(c.event, c.stream);
    const rules = ecsRules(c.kind, c.stream);
    it.each(rules.map((r) => [r.field, r.from.join(', ') || 'a constant'] as const))('maps %s from %s', (field) => {
      expect(Object.hasOwn(c.expected, field), `no expectation written for ${field}`).toBe(true);
      expect(at(doc, field)).toEqual(c.expected[field]);
    });
    it('has no expectation for a field the table does not produce (the table and the tests agree)', () => {
      const fields = new Set(rules.map((r) => r.field));
      expect(Object.keys(c.expected).filter((f) => !fields.has(f))).toEqual([]);
    });
    it(`keeps every field no rule reads under ${ECS_CUSTOM_NAMESPACE}.*, unchanged, and nothing a rule reads`, () => {
      const consumed = consumedFields(rules as never);
      const custom = (doc[ECS_CUSTOM_NAMESPACE] ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.event)) {
        if (consumed.has(k)) expect(custom, k).not.toHaveProperty(k);
        else expect(custom[k], k).toEqual(v);
      }
    });
  });
}

describe('ECS details', () => {
  it('types an IPv6 flow as ipv6 and maps ICMPv6 to the IANA keyword', () => {
    const doc = toEcs(EventFixtures.flowV6({ n_proto: 58 }));
    expect(at(doc, 'network.type')).toBe('ipv6');
    expect(at(doc, 'network.transport')).toBe('ipv6-icmp');
  });
  it('takes the exporter direction when no internal ranges were configured, and keeps flow_dir', () => {
    const doc = toEcs(EventFixtures.flow({ flow_dir: 0 }));
    expect(at(doc, 'network.direction')).toBe('ingress');
    expect(at(doc, 'sightline.flow_dir')).toBe(0);
  });
  it('leaves dns.response_code out of a query', () => {
    expect(at(toEcs(EventFixtures.dns({ dns_message_type: 'query' })), 'dns.response_code')).toBeUndefined();
    expect(at(toEcs(EventFixtures.dns({ dns_message_type: 'query' })), 'dns.type')).toBe('query');
  });
  it('marks an allowed proxy request as allowed and successful', () => {
    const doc = toEcs(EventFixtures.proxy());
    expect(at(doc, 'event.type')).toEqual(['access', 'allowed']);
    expect(at(doc, 'event.outcome')).toBe('success');
    expect(at(doc, 'url.full')).toBe('http://www.example.com/index.html?q=1');
  });
});

describe('ECS index mappings', () => {
  const m = ecsIndexMappings(['flow', 'dns', 'proxy'], 'alerts') as { properties: Record<string, unknown> };
  const typeAt = (path: string): unknown => at(m.properties, `${path.split('.').join('.properties.')}.type`);
  it('types every address field ip, from the table and from the ODM schema', () => {
    for (const f of ['source.ip', 'destination.ip', 'observer.ip', 'related.ip', 'dns.resolved_ip', 'source.nat.ip', 'destination.nat.ip', 'sightline.flow_next_hop', 'sightline.flow_bgp_next_hop']) expect(typeAt(f), f).toBe('ip');
  });
  it('types times as date, counters as long, locations as geo_point and threat enrichments as nested', () => {
    expect(typeAt('@timestamp')).toBe('date');
    expect(typeAt('event.start')).toBe('date');
    expect(typeAt('source.bytes')).toBe('long');
    expect(typeAt('event.duration')).toBe('long');
    expect(typeAt('source.geo.location')).toBe('geo_point');
    expect(typeAt('threat.enrichments')).toBe('nested');
    expect(typeAt('threat.enrichments.matched.atomic')).toBe('keyword');
    expect(typeAt('dns.answers.ttl')).toBe('long');
  });
  it('types the custom namespace from the ODM schemas (integers long, numbers double, free-form objects flattened)', () => {
    expect(typeAt('sightline.flow_fwd_status')).toBe('long');
    expect(typeAt('sightline.domain_entropy')).toBe('double');
    expect(typeAt('sightline.src_internal')).toBe('boolean');
    expect(typeAt('sightline.additional_attrs')).toBe('flattened');
    expect(typeAt('sightline.score_evidence')).toBe('flattened');
    expect(typeAt('sightline.src_tags')).toBe('keyword');
  });
  it('never maps one path both as a leaf and as an object', () => {
    const walk = (props: Record<string, { type?: string; properties?: Record<string, unknown> }>, path: string): void => {
      for (const [k, v] of Object.entries(props)) {
        if (v.properties !== undefined && v.type !== undefined && v.type !== 'nested' && v.type !== 'object') throw new Error(`${path}${k} is both ${v.type} and an object`);
        if (v.properties !== undefined) walk(v.properties as never, `${path}${k}.`);
      }
    };
    expect(() => walk(m.properties as never, '')).not.toThrow();
  });
});
