import { describe, expect, it } from 'vitest';
import { type EventKind, type OdmEvent, type Stream, cimRules, consumedFields, toCim } from '../../src/index.js';
import { EventFixtures } from '../../src/testkit/index.js';
import { DNS, FLOW, PROXY, scored } from './fixtures.js';

// Hand-written expectations, one per CIM field; `undefined` means the field must be absent.
const SHARED = {
  src_mac: '00:1a:2b:3c:4d:5e',
  dest_mac: '00:aa:bb:cc:dd:ee',
  src_zone: 'office',
  dest_zone: 'internet',
  src_host: 'ws-17.corp.example',
  dest_host: 'edge.example.net',
  dvc: 'rtr-1',
  dvc_ip: '192.0.2.1',
  vendor_product: 'Cisco',
  protocol: 'ip',
  protocol_version: '4',
  direction: 'outbound',
  user: 'alice',
};

const EXPECTED: Record<EventKind, Record<string, unknown>> = {
  flow: {
    ...SHARED,
    src: '10.1.2.3',
    src_ip: '10.1.2.3',
    src_port: 51512,
    dest: '198.51.100.20',
    dest_ip: '198.51.100.20',
    dest_port: 443,
    transport: 'tcp',
    bytes_out: 5230,
    bytes_in: 880,
    bytes: 6110,
    packets_out: 12,
    packets_in: 7,
    packets: 19,
    duration: 4.1,
    tcp_flag: ['FIN', 'SYN', 'PSH', 'ACK'],
    src_interface: '3',
    dest_interface: '7',
    vlan: 100,
    src_translated_ip: '203.0.113.9',
    src_translated_port: 61000,
    dest_translated_ip: '198.51.100.21',
    dest_translated_port: 8443,
    icmp_type: 8,
    icmp_code: 0,
  },
  dns: {
    ...SHARED,
    // a response: the client is the packet's destination, the resolver its source
    src: '10.1.2.3',
    src_ip: '10.1.2.3',
    src_port: 40122,
    dest: '192.0.2.53',
    dest_ip: '192.0.2.53',
    dest_port: 53,
    transport: 'udp',
    message_type: 'Response',
    query: 'www.evil.example.com',
    query_count: 1,
    query_type: 'Query',
    record_type: 'AAAA',
    reply_code: 'NXDomain',
    reply_code_id: 3,
    answer: ['cdn.example.net', '2001:db8::1'],
    answer_count: 2,
    ttl: [60, 30],
    transaction_id: 4711,
    response_time: 12.4,
    duration: undefined,
  },
  proxy: {
    ...SHARED,
    src: '10.1.2.3',
    src_ip: '10.1.2.3',
    src_port: undefined,
    dest: 'www.example.com',
    dest_ip: '198.51.100.80',
    dest_port: 8080,
    transport: undefined,
    action: 'blocked',
    bytes_in: 10432,
    bytes_out: 512,
    bytes: 10944,
    cached: false,
    category: 'Malicious; Phishing',
    duration: 312,
    http_content_type: 'text/html',
    http_method: 'GET',
    http_referrer: 'http://ref.example.org/',
    http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    http_user_agent_length: 31,
    site: 'www.example.com',
    status: 403,
    uri_path: '/index.html',
    uri_query: 'q=1',
    url: 'http://www.example.com:8080/index.html?q=1',
    url_domain: 'www.example.com',
    url_length: 42,
  },
};

const ALERT = { app: 'sightline', type: 'alert', signature: 'lda-flow', severity: 'high', description: 'rare word; new host', risk_score: 99.5 };

const CASES: { kind: EventKind; stream: Stream; event: OdmEvent; expected: Record<string, unknown> }[] = [
  { kind: 'flow', stream: 'events', event: FLOW, expected: EXPECTED.flow },
  { kind: 'dns', stream: 'events', event: DNS, expected: EXPECTED.dns },
  { kind: 'proxy', stream: 'events', event: PROXY, expected: EXPECTED.proxy },
  { kind: 'flow', stream: 'alerts', event: scored(FLOW), expected: { ...EXPECTED.flow, ...ALERT } },
  { kind: 'dns', stream: 'alerts', event: scored(DNS), expected: { ...EXPECTED.dns, ...ALERT } },
  { kind: 'proxy', stream: 'alerts', event: scored(PROXY), expected: { ...EXPECTED.proxy, ...ALERT } },
];

for (const c of CASES) {
  describe(`ODM ${c.kind} -> Splunk CIM (${c.stream})`, () => {
    const doc = toCim(c.event, c.stream);
    const rules = cimRules(c.kind, c.stream);
    it.each(rules.map((r) => [r.field, r.from.join(', ') || 'a constant'] as const))('maps %s from %s', (field) => {
      expect(Object.hasOwn(c.expected, field), `no expectation written for ${field}`).toBe(true);
      expect(doc[field]).toEqual(c.expected[field]);
    });
    it('has no expectation for a field the table does not produce', () => {
      const fields = new Set(rules.map((r) => r.field));
      expect(Object.keys(c.expected).filter((f) => !fields.has(f))).toEqual([]);
    });
    it('keeps every ODM field no rule reads under its own name, and never lets one overwrite a CIM field', () => {
      const consumed = consumedFields(rules as never);
      const targets = new Set(rules.map((r) => r.field));
      for (const [k, v] of Object.entries(c.event)) {
        if (consumed.has(k) || targets.has(k)) continue;
        expect(doc[k], k).toEqual(v);
      }
    });
  });
}

describe('CIM details', () => {
  it('keeps the packet direction for a DNS query (the client is the source)', () => {
    const doc = toCim(EventFixtures.dns({ dns_message_type: 'query', src_ip: '10.9.9.9', dst_ip: '192.0.2.53', src_port: 5353, dst_port: 53 }));
    expect([doc['src'], doc['src_port'], doc['dest'], doc['dest_port'], doc['message_type'], doc['reply_code']]).toEqual(['10.9.9.9', 5353, '192.0.2.53', 53, 'Query', undefined]);
  });
  it('lists no TCP flags for a UDP flow and reports an allowed proxy request as allowed', () => {
    expect(toCim(EventFixtures.flowV6({ net_flags: 2 }))['tcp_flag']).toBeUndefined();
    expect(toCim(EventFixtures.proxy())['action']).toBe('allowed');
    expect(toCim(EventFixtures.proxy({ prx_action: 'TCP_HIT' }))['cached']).toBe(true);
  });
});
