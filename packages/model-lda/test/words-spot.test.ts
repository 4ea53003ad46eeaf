/**
 * Apache Spot's own word tests, ported word for word (apache/incubator-spot master, spot-ml/src/test/scala:
 * netflow/FlowWordCreatorTest.scala, dns/DNSWordCreationTest.scala, proxy/ProxyWordCreationTest.scala,
 * utilities/DomainProcessorTest.scala). Inputs are Spot's test inputs, expressed as ODM events where the test
 * goes through a featurizer.
 */
import type { DnsEvent, FlowEvent, OdmEvent, ProxyEvent } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import {
  bitlen,
  createDnsFeaturizer,
  createFlowFeaturizer,
  createProxyFeaturizer,
  createSpotFeaturizers,
  entropy,
  entropyBin,
  flog2,
  spotDnsWord,
  spotDomain,
  spotDomainSubdomain,
  spotFlowWords,
} from '../src/index.js';

/** 12:59:32 UTC, Spot's FlowWordCreatorTest hour. */
const NOON = Date.UTC(2016, 4, 5, 12, 59, 32);

function flow(sport: number, dport: number, fields: Partial<FlowEvent> = {}): FlowEvent {
  return {
    event_id: 'f',
    event_kind: 'flow',
    event_time: NOON,
    src_ip: '10.0.2.115',
    dst_ip: '172.16.0.107',
    src_port: sport,
    dst_port: dport,
    n_proto: 17,
    in_bytes: 222,
    flow_in_packets: 3,
    ...fields,
  };
}

describe("Spot's binning helpers", () => {
  it('bitlen is ceil(log2(x + 1)) and flog2 is floor(log2 x) with 0 for 0', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 222, 1023, 1024].map(bitlen)).toEqual([0, 1, 2, 2, 3, 3, 4, 8, 10, 11]);
    expect([0, 1, 2, 3, 4, 7, 8, 213, 1024].map(flog2)).toEqual([0, 0, 1, 1, 2, 2, 3, 7, 10]);
    expect(bitlen(2 ** 40)).toBe(41);
    expect(flog2(2 ** 40 + 5)).toBe(40);
  });

  it('entropy of "abcdefg" is 2.807354922057604 bits, as in DNSWordCreationTest', () => {
    expect(entropy('abcdefg')).toBe(2.807354922057604);
    expect(entropy('')).toBe(0);
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('xxabxx', 2, 4)).toBe(1);
  });

  it('entropyBin is the index of the first cut at or above the value, values on a cut included', () => {
    expect(entropyBin(0)).toBe(0);
    expect(entropyBin(0.0001)).toBe(1);
    expect(entropyBin(0.3)).toBe(1);
    expect(entropyBin(1)).toBe(4);
    expect(entropyBin(2.807354922057604)).toBe(10);
    expect(entropyBin(5.4)).toBe(18);
    expect(entropyBin(5.41)).toBe(19);
    expect(entropyBin(99)).toBe(19);
  });
});

describe('FlowWordCreatorTest', () => {
  // Each case: sport, dport, protocol, ibyt, ipkt → expected src word, dst word (hour 12).
  const cases: [string, number, number, string, number, number, string, string][] = [
    ['1. dport low, sport high', 2132, 23, 'UDP', 222, 3, '23_UDP_12_8_2', '-1_23_UDP_12_8_2'],
    ['2. sport low, dport high', 23, 2132, 'UDP', 222, 3, '-1_23_UDP_12_8_2', '23_UDP_12_8_2'],
    ['3. both high', 8392, 9874, 'UDP', 222, 3, '333333_UDP_12_8_2', '333333_UDP_12_8_2'],
    ['4. dport 0', 80, 0, 'UDP', 222, 3, '-1_80_UDP_12_8_2', '80_UDP_12_8_2'],
    ['5. sport 0', 0, 43, 'UDP', 222, 3, '43_UDP_12_8_2', '-1_43_UDP_12_8_2'],
    ['6. both low', 1024, 80, 'UDP', 222, 3, '111111_UDP_12_8_2', '111111_UDP_12_8_2'],
    ['7. both 0', 0, 0, 'UDP', 222, 3, '0_UDP_12_8_2', '0_UDP_12_8_2'],
    ['8. dport low, sport high', 3245, 43, 'UDP', 222, 3, '43_UDP_12_8_2', '-1_43_UDP_12_8_2'],
    ['9. sport low, dport high', 80, 2435, 'UDP', 222, 3, '-1_80_UDP_12_8_2', '80_UDP_12_8_2'],
    ['10. both high', 2354, 2435, 'UDP', 222, 3, '333333_UDP_12_8_2', '333333_UDP_12_8_2'],
    ['11. dport 0', 80, 0, 'UDP', 222, 3, '-1_80_UDP_12_8_2', '80_UDP_12_8_2'],
    ['12. sport 0, dport high', 0, 2435, 'UDP', 222, 3, '2435_UDP_12_8_2', '-1_2435_UDP_12_8_2'],
    ['13. both low', 80, 1024, 'UDP', 222, 3, '111111_UDP_12_8_2', '111111_UDP_12_8_2'],
    ['14. both 0', 0, 0, 'UDP', 222, 3, '0_UDP_12_8_2', '0_UDP_12_8_2'],
    ['15. TCP', 2132, 23, 'TCP', 222, 3, '23_TCP_12_8_2', '-1_23_TCP_12_8_2'],
    ['16. TCP both 0', 0, 0, 'TCP', 222, 3, '0_TCP_12_8_2', '0_TCP_12_8_2'],
    ['17. UDP', 2132, 23, 'UDP', 222, 3, '23_UDP_12_8_2', '-1_23_UDP_12_8_2'],
    ['18. TCP both 0', 0, 0, 'TCP', 222, 3, '0_TCP_12_8_2', '0_TCP_12_8_2'],
    ['19. zero bytes', 0, 0, 'TCP', 0, 3, '0_TCP_12_0_2', '0_TCP_12_0_2'],
    ['20. zero packets', 0, 0, 'TCP', 222, 0, '0_TCP_12_8_0', '0_TCP_12_8_0'],
  ];

  it.each(cases)('%s: spotFlowWords gives Spot’s words', (_name, sport, dport, proto, ibyt, ipkt, src, dst) => {
    expect(spotFlowWords(12, sport, dport, proto, ibyt, ipkt)).toEqual({ src, dst });
  });

  it.each(cases)('%s: the flow featurizer gives the same words from an ODM flow, source word to src_ip', (_name, sport, dport, proto, ibyt, ipkt, src, dst) => {
    const words = createFlowFeaturizer().words(flow(sport, dport, { n_proto: proto === 'TCP' ? 6 : 17, in_bytes: ibyt, flow_in_packets: ipkt }), undefined);
    expect(words).toEqual({ docs: ['10.0.2.115', '172.16.0.107'], words: [src, dst] });
  });

  it('sport 1194 → dport 1109 over UDP at 07:xx is 333333_UDP_7_… on both sides', () => {
    const w = createFlowFeaturizer().words(flow(1194, 1109, { event_time: Date.UTC(2016, 4, 5, 7, 3) }), undefined);
    expect(w?.words).toEqual(['333333_UDP_7_8_2', '333333_UDP_7_8_2']);
  });

  it('prints protocols as nfdump does and unknown protocol numbers as the number', () => {
    const proto = (n: number): string | undefined => createFlowFeaturizer().words(flow(0, 0, { n_proto: n }), undefined)?.words[0];
    expect(proto(1)).toBe('0_ICMP_12_8_2');
    expect(proto(58)).toBe('0_ICMP6_12_8_2');
    expect(proto(47)).toBe('0_GRE_12_8_2');
    expect(proto(253)).toBe('0_253_12_8_2');
  });

  it('takes the hour in UTC by default and shifted by utc_offset_minutes when asked', () => {
    const late = flow(2132, 23, { event_time: Date.UTC(2016, 4, 5, 23, 30) });
    expect(createFlowFeaturizer().words(late, undefined)?.words[0]).toBe('23_UDP_23_8_2');
    expect(createFlowFeaturizer({ utc_offset_minutes: 120 }).words(late, undefined)?.words[0]).toBe('23_UDP_1_8_2');
    expect(createFlowFeaturizer({ utc_offset_minutes: -60 }).words(late, undefined)?.words[0]).toBe('23_UDP_22_8_2');
    expect(() => createFlowFeaturizer({ utc_offset_minutes: 1440 })).toThrow(RangeError);
  });

  it('cleans as Spot did: no address, no protocol, negative or missing counts give no word', () => {
    const f = createFlowFeaturizer();
    const { src_ip: _s, ...noSrc } = flow(1, 2);
    expect(f.words(noSrc as FlowEvent, undefined)).toBeNull();
    expect(f.words(flow(1, 2, { dst_ip: '' }), undefined)).toBeNull();
    const { n_proto: _p, ...noProto } = flow(1, 2);
    expect(f.words(noProto as FlowEvent, undefined)).toBeNull();
    expect(f.words(flow(1, 2, { in_bytes: -1 }), undefined)).toBeNull();
    expect(f.words(flow(-1, 2), undefined)).toBeNull();
    const { flow_in_packets: _k, ...noPackets } = flow(1, 2);
    expect(f.words(noPackets as FlowEvent, undefined)).toBeNull();
    // A flow without ports (ICMP) is what nfdump prints with ports 0.
    const { src_port: _a, dst_port: _b, ...portless } = flow(0, 0, { n_proto: 1 });
    expect(f.words(portless as FlowEvent, undefined)?.words).toEqual(['0_ICMP_12_8_2', '0_ICMP_12_8_2']);
  });

  it('gives no word for events of another kind', () => {
    expect(createFlowFeaturizer().words({ event_id: 'x', event_kind: 'dns', event_time: 0 }, undefined)).toBeNull();
  });
});

/** Spot's DNSWordCreationTest input: May 12 2015 11:32:45.543421 UTC, 213 B, client 122.52.206.191. */
function dnsResponse(fields: Partial<DnsEvent> = {}): DnsEvent {
  return {
    event_id: 'd',
    event_kind: 'dns',
    event_time: Date.UTC(2015, 4, 12, 11, 32, 45, 543),
    dns_message_type: 'response',
    src_ip: '10.0.0.53',
    dst_ip: '122.52.206.191',
    dns_query: 'abcdefg.apache.com',
    dns_type: 1,
    dns_class: 1,
    dns_response_code: 0,
    dns_answers: [{ name: 'abcdefg.apache.com', type: 1, class: 1, ttl: 60, data: '192.0.2.1' }],
    dns_len: 213,
    ...fields,
  };
}

describe('DNSWordCreationTest', () => {
  it('abcdefg.apache.com, user domain apache, 213 B, 11:32:45, type 1, rcode 0 → 2_7_11_2_10_1_1_0', () => {
    const input = { hour: 11, frameLength: 213, queryName: 'abcdefg.apache.com', queryType: 1, responseCode: 0 };
    expect(spotDnsWord(input, { user_domain: 'apache', topDomains: new Set(['google', 'youtube']) })).toBe('2_7_11_2_10_1_1_0');
  });

  it('the DNS featurizer gives the same word from the ODM response, in the client’s (destination’s) document', () => {
    const f = createDnsFeaturizer({ user_domain: 'apache', topDomains: new Set(['google', 'youtube']) });
    expect(f.words(dnsResponse(), undefined)).toEqual({ docs: ['122.52.206.191'], words: ['2_7_11_2_10_1_1_0'] });
  });

  it('without a user domain the same name is class 0, and class 1 when its label is in the top list', () => {
    expect(createDnsFeaturizer().words(dnsResponse(), undefined)?.words[0]).toBe('0_7_11_2_10_1_1_0');
    expect(createDnsFeaturizer({ topDomains: new Set(['apache.org']) }).words(dnsResponse(), undefined)?.words[0]).toBe('1_7_11_2_10_1_1_0');
  });

  it('takes name and type from the first resource record, as tshark’s dns.resp.* did, and the 4-bit header rcode', () => {
    const referral = dnsResponse({
      dns_query: 'abcdefg.apache.com',
      dns_response_code: 3 + 16, // NXDOMAIN with an extended bit set
      dns_answers: [],
      dns_authorities: [{ name: 'apache.com', type: 6, class: 1 }],
    });
    delete (referral as { dns_answers?: unknown }).dns_answers;
    // apache.com: no subdomain, 2 labels → 0_0_1; type 6 (SOA); rcode 3.
    expect(createDnsFeaturizer().words(referral, undefined)?.words[0]).toBe('0_7_11_0_0_1_6_3');
  });

  it('sees a message with only the OPT record as tshark did: the root name, type 41', () => {
    const e = dnsResponse({ dns_edns_version: 0 });
    delete (e as { dns_answers?: unknown }).dns_answers;
    // <Root> is one label and no domain.
    expect(createDnsFeaturizer().words(e, undefined)?.words[0]).toBe('0_7_11_0_0_0_41_0');
  });

  it('renders a missing type or response code as -1', () => {
    const e = dnsResponse({ dns_answers: [] });
    delete (e as { dns_type?: unknown }).dns_type;
    delete (e as { dns_response_code?: unknown }).dns_response_code;
    expect(createDnsFeaturizer().words(e, undefined)?.words[0]).toBe('0_7_11_2_10_1_-1_-1');
  });

  it('cleans as Spot did: no client, a name missing, "", "-" or "(empty)", no length → no word; queries are not words', () => {
    const f = createDnsFeaturizer();
    for (const name of ['', '-', '(empty)']) expect(f.words(dnsResponse({ dns_query: name, dns_answers: [] }), undefined)).toBeNull();
    expect(f.words(dnsResponse({ dst_ip: '' }), undefined)).toBeNull();
    const { dns_len: _l, ...noLength } = dnsResponse();
    expect(f.words(noLength as DnsEvent, undefined)).toBeNull();
    const bare = dnsResponse({ dns_answers: [] });
    for (const k of ['dns_type', 'dns_class', 'dns_response_code'] as const) delete bare[k];
    expect(f.words(bare, undefined)).toBeNull();
    expect(f.words(dnsResponse({ dns_message_type: 'query', dns_answers: [] }), undefined)).toBeNull();
  });

  it('puts a transaction (query and response paired) in the source’s document, the client', () => {
    const w = createDnsFeaturizer().words(dnsResponse({ dns_message_type: 'transaction', src_ip: '10.1.1.1', dst_ip: '10.0.0.53' }), undefined);
    expect(w?.docs).toEqual(['10.1.1.1']);
  });
});

describe('DomainProcessorTest', () => {
  it.each([
    ['fatosdesconhecidos.com.br', 'fatosdesconhecidos'],
    ['panasonic.jp', 'panasonic'],
    ['get.your.best.electronic.at.panasonic.jp', 'panasonic'],
    ['forrealz.net', 'forrealz'],
    ['wow.its.really.long.super.long.yeah.so.long.long.long.long.forrealz.net', 'forrealz'],
    ['123.103.104.10.in-addr.arpa', 'None'],
    ['panasonic.c', 'None'],
  ])('extractDomain(%s) is %s', (url, domain) => {
    expect(spotDomain(url)).toBe(domain);
  });

  // extractDomainInfo: domain, top class, subdomain, subdomain length, subdomain entropy, number of parts.
  it.each([
    ['123.103.104.10.in-addr.arpa', 'intel', 'None', 0, 'None', 0, 0, 6],
    ['services.amazon.com.mx', 'intel', 'amazon', 1, 'services', 8, 2.5, 4],
    ['amazon.com.mx', 'intel', 'amazon', 1, 'None', 0, 0, 3],
    ['services.amazon.com', 'intel', 'amazon', 1, 'services', 8, 2.5, 3],
    ['amazon.com', 'intel', 'amazon', 1, 'None', 0, 0, 2],
    ['ab..com', '', '', 0, 'ab', 2, 1, 3],
  ] as const)('extractDomainInfo(%s, user %s)', (url, user, domain, topClass, subdomain, subLength, subEntropy, parts) => {
    expect(spotDomainSubdomain(url)).toEqual([domain, subdomain]);
    // Through the DNS word: class, flog2(subdomain length), entropy bin, flog2(parts).
    const word = spotDnsWord({ hour: 0, frameLength: 0, queryName: url, queryType: 1, responseCode: 0 }, { user_domain: user, topDomains: new Set(['amazon.com']) });
    expect(word).toBe(`${topClass}_0_0_${flog2(subLength)}_${entropyBin(subEntropy)}_${flog2(parts)}_1_0`);
    expect(entropy(subdomain === 'None' ? '' : subdomain)).toBe(subEntropy);
  });

  it('splits like Spot: www.google.co.uk is domain co, a trailing dot is ignored, names are case-sensitive', () => {
    expect(spotDomainSubdomain('www.google.co.uk')).toEqual(['co', 'www.google']);
    expect(spotDomainSubdomain('www.example.com.')).toEqual(['example', 'www']);
    expect(spotDomainSubdomain('WWW.EXAMPLE.COM')).toEqual(['None', 'None']);
    expect(spotDomainSubdomain('example.info')).toEqual(['None', 'None']);
    expect(spotDomainSubdomain('com')).toEqual(['None', 'None']);
    expect(spotDomainSubdomain('.com')).toEqual(['', 'None']);
    expect(spotDomainSubdomain('a..uk')).toEqual(['', 'a']);
    expect(spotDomainSubdomain('x.krd')).toEqual(['x', 'None']);
  });
});

/** Spot's ProxyWordCreationTest rows: time, host, method, user agent, content type, response code, fulluri. */
const PROXY_ROWS: [string, string, string, string, string, number, string][] = [
  ['00:57:36', 'intel.com', 'PUT', 'Mozilla/5.0', 'text/plain', 202, 'ab'],
  ['01:57:36', 'maw.bronto.com', 'PUT', 'Safari/537.36', 'image', 202, 'abc'],
  ['02:57:36', 'maw.bronto.com', 'PUT', 'Safari/537.36', 'image', 304, 'abcd'],
  ['03:57:36', 'maw.bronto.com', 'PUT', 'Safari/537.36', 'binary', 304, 'abcde'],
  ['10:57:36', 'maw.bronto.com', 'PUT', 'Safari/537.36', 'binary', 206, 'abcdef'],
  ['11:57:36', 'maw.bronto.com', 'GET', 'Safari/537.36', 'binary', 206, 'abcdefghijklmnopqrstuvwxyz'],
  ['13:57:36', 'maw.bronto.com', 'GET', 'Safari/537.36', 'text/plain', 200, 'aaa'],
  ['14:57:36', 'maw.bronto.com', 'GET', 'Safari/537.36', 'text/plain', 200, 'aaabbb'],
  ['22:57:36', 'maw.bronto.com', 'GET', 'Safari/537.36', 'text/plain', 302, 'aaaaaaaaaaabbbbbbbbbbbccccccccccc'],
  [
    '23:57:36',
    'maw.bronto.com',
    'GET',
    'Safari/537.36',
    'text/plain',
    302,
    'maw.bronto.com/sites/c37i4q22szvir8ga3m8mtxaft7gwnm5fio8hfxo35mu81absi1/carts/4b3a313d-50f6-4117-8ffd-4e804fd354ef/fiddle',
  ],
];

function proxyEvent([time, host, method, ua, type, code, uri]: (typeof PROXY_ROWS)[number]): ProxyEvent {
  const [h, m, s] = time.split(':').map(Number);
  return {
    event_id: `p-${time}`,
    event_kind: 'proxy',
    event_time: Date.UTC(2016, 9, 3, h!, m!, s!),
    src_ip: '127.0.0.1',
    dst_ip: '127.0.0.1',
    prx_host: host,
    prx_method: method,
    prx_browser: ua,
    prx_type: type,
    prx_code: code,
    prx_uri: uri,
    prx_path: '/sites/c37i4q22szvir8ga3m8mtxaft7gwnm5fio8hfxo35mu81absi1/carts/4b3a313d-50f6-4117-8ffd-4e804fd354ef/fiddle',
    prx_category: 'Technology/Internet',
  };
}

/** Runs a featurizer the way the model does: first pass over the window, then words. */
function wordsOf(f: ReturnType<typeof createProxyFeaturizer>, events: readonly OdmEvent[]): (string | undefined)[] {
  const pass = f.createPass?.();
  for (const e of events) pass?.observe(e);
  const learned = JSON.parse(JSON.stringify(pass?.finish() ?? null)) as unknown;
  return events.map((e) => f.words(e, learned)?.words[0]);
}

describe('ProxyWordCreationTest', () => {
  it('gives Spot’s ten words, 2_0_PUT_4_text_0_1_202 to 1_23_GET_17_text_3_6_302 (bronto in the top list, intel own)', () => {
    const events = PROXY_ROWS.map(proxyEvent);
    expect(wordsOf(createProxyFeaturizer({ topDomains: new Set(['bronto.com', 'google.com']) }), events)).toEqual([
      '2_0_PUT_4_text_0_1_202',
      '1_1_PUT_6_image_3_1_202',
      '1_2_PUT_7_image_3_2_304',
      '1_3_PUT_8_binary_3_2_304',
      '1_10_PUT_9_binary_3_2_206',
      '1_11_GET_16_binary_3_4_206',
      '1_13_GET_0_text_3_1_200',
      '1_14_GET_4_text_3_2_200',
      '1_22_GET_6_text_3_5_302',
      '1_23_GET_17_text_3_6_302',
    ]);
  });

  it('fills a missing user agent and content type with "-" and a missing code with unknown_response_code, as Spot did', () => {
    const e = proxyEvent(PROXY_ROWS[0]!);
    delete e.prx_browser;
    delete e.prx_type;
    delete e.prx_code;
    const other = { ...proxyEvent(PROXY_ROWS[1]!), prx_browser: '-' };
    const [w] = wordsOf(createProxyFeaturizer(), [e, other]);
    // "-" seen twice → flog2(2) = 1.
    expect(w).toBe('2_0_PUT_4_-_1_1_unknown_response_code');
  });

  it('counts a user agent the first pass did not see as seen once', () => {
    const e = proxyEvent(PROXY_ROWS[1]!);
    expect(createProxyFeaturizer().words(e, undefined)?.words[0]).toBe('0_1_PUT_6_image_0_1_202');
    expect(createProxyFeaturizer().words(e, { user_agents: { 'Safari/537.36': 8 } })?.words[0]).toBe('0_1_PUT_6_image_3_1_202');
  });

  it('cleans as Spot did: no client, host or URI → no word', () => {
    const f = createProxyFeaturizer();
    for (const k of ['src_ip', 'prx_host', 'prx_uri'] as const) {
      const e = proxyEvent(PROXY_ROWS[0]!);
      delete e[k];
      expect(f.words(e, undefined)).toBeNull();
    }
  });
});

describe('createSpotFeaturizers', () => {
  it('gives one featurizer per kind with the names model states record', () => {
    expect(createSpotFeaturizers().map((f) => [f.kind, f.name])).toEqual([
      ['flow', 'spot-flow'],
      ['dns', 'spot-dns'],
      ['proxy', 'spot-proxy'],
    ]);
  });
});

describe('flow word codes', () => {
  // The model interns Spot's flow words by code; a code must name exactly the word `words` makes.
  it('names the same word as `words` for every case and a spread of random flows', () => {
    const f = createFlowFeaturizer({ utc_offset_minutes: 90 });
    const docs: string[] = [];
    const codes = new Float64Array(16);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const ports = [0, 1, 22, 53, 80, 443, 1023, 1024, 1025, 3389, 49152, 65535];
    for (let i = 0; i < 20_000; i++) {
      const sport = i % 3 === 0 ? ports[rand(ports.length)]! : rand(65536);
      const dport = i % 5 === 0 ? ports[rand(ports.length)]! : rand(2000);
      const e = flow(sport, dport, { event_time: rand(2 ** 31) * 1000, n_proto: rand(256), in_bytes: rand(2 ** 31) * (i % 7 === 0 ? 2 ** 20 : 1), flow_in_packets: rand(100_000) });
      const made = f.words(e, undefined)!;
      expect(f.codes!(e, undefined, docs, codes)).toBe(2);
      expect([docs[0], docs[1]]).toEqual(made.docs);
      expect([f.wordOf!(codes[0]!), f.wordOf!(codes[1]!)]).toEqual(made.words);
    }
  });

  it('gives no words where `words` gives none, and leaves what it cannot code to `words`', () => {
    const f = createFlowFeaturizer();
    const docs: string[] = [];
    const codes = new Float64Array(16);
    expect(f.codes!(flow(1, 2, { dst_ip: '' }), undefined, docs, codes)).toBe(-1);
    expect(f.codes!(flow(1, 2, { in_bytes: -1 }), undefined, docs, codes)).toBe(-1);
    expect(f.codes!({ event_id: 'x', event_kind: 'dns', event_time: 0 }, undefined, docs, codes)).toBe(-1);
    expect(f.codes!(flow(70_000, 2), undefined, docs, codes)).toBe(-2);
    expect(f.codes!(flow(1, 2, { n_proto: 300 }), undefined, docs, codes)).toBe(-2);
    expect(f.codes!(flow(1, 2, { event_time: Number.NaN }), undefined, docs, codes)).toBe(-2);
    // An infinite count has no bit length (it made `words` recurse without end): no word, either way.
    expect(f.words(flow(1, 2, { in_bytes: Number.POSITIVE_INFINITY }), undefined)).toBeNull();
    expect(f.codes!(flow(1, 2, { in_bytes: Number.POSITIVE_INFINITY }), undefined, docs, codes)).toBe(-1);
  });
});
