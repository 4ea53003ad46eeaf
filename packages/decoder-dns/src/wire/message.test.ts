import { describe, expect, it } from 'vitest';
import { encodeMessage, rdata } from './encode.js';
import { parseMessage, questionsOf } from './message.js';

const bytes = (...parts: (number[] | Uint8Array | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [...p])));
const u16 = (v: number): number[] => [v >> 8, v & 255];
const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const hex = (s: string): number[] => [...Buffer.from(s, 'hex')];

/** Decodes a response carrying one answer of `type` with `rd` as its RDATA, and returns the answer's presentation form. */
function answer(type: number, rd: Uint8Array | { name: string; prefix?: Uint8Array; suffix?: Uint8Array }): { data: string | undefined; problem: string | undefined } {
  const m = parseMessage(encodeMessage({ id: 7, response: true, questions: [{ name: 'q.example', type }], answers: [{ name: 'q.example', type, ttl: 60, rdata: rd }] }))!;
  return { data: m.answers?.[0]?.data, problem: m.problem?.message };
}

describe('parseMessage: record types in presentation form', () => {
  const cases: [string, number, Uint8Array | { name: string; prefix?: Uint8Array; suffix?: Uint8Array }, string][] = [
    ['A', 1, rdata.a('192.0.2.1'), '192.0.2.1'],
    ['AAAA', 28, rdata.aaaa('2001:db8::1'), '2001:db8::1'],
    ['CNAME (compressed into the question)', 5, rdata.name('www.q.example'), 'www.q.example'],
    ['NS', 2, rdata.name('ns1.example'), 'ns1.example'],
    ['PTR', 12, rdata.name('host.example'), 'host.example'],
    ['DNAME', 39, rdata.name('other.example'), 'other.example'],
    ['MX', 15, rdata.mx(10, 'mx.example'), '10 mx.example'],
    ['TXT, several strings with quotes and bytes to escape', 16, rdata.txt('v=spf1 -all', 'say "hi"\\\x01'), '"v=spf1 -all" "say \\"hi\\"\\\\\\001"'],
    ['SPF', 99, rdata.txt('v=spf1 mx'), '"v=spf1 mx"'],
    ['HINFO', 13, rdata.txt('INTEL-386', 'Windows'), '"INTEL-386" "Windows"'],
    ['SOA', 6, rdata.soa('ns.example', 'hostmaster.example', 2024010101, 7200, 3600, 1209600, 300), 'ns.example hostmaster.example 2024010101 7200 3600 1209600 300'],
    ['SRV', 33, rdata.srv(20, 1, 5060, 'sip.example'), '20 1 5060 sip.example'],
    ['NAPTR', 35, bytes(u16(100), u16(10), [1], 'u', [7], 'E2U+sip', [0], rdata.nameBytes('_sip._udp.example')), '100 10 "u" "E2U+sip" "" _sip._udp.example'],
    ['CAA', 257, bytes([0, 5], 'issue', 'letsencrypt.org'), '0 issue "letsencrypt.org"'],
    ['DS', 43, bytes(u16(18463), [5, 1], hex('0c45b3d090b221e0e33bbeb5a619d89416baf197')), '18463 5 1 0c45b3d090b221e0e33bbeb5a619d89416baf197'],
    ['DNSKEY', 48, bytes(u16(257), [3, 8], hex('030101')), '257 3 8 AwEB'],
    ['RRSIG', 46, bytes(u16(1), [8, 2], u32(3600), u32(1700000000), u32(1690000000), u16(12345), rdata.nameBytes('example'), hex('deadbeef')), 'A 8 2 3600 20231114221320 20230722042640 12345 example 3q2+7w=='],
    ['NSEC', 47, bytes(rdata.nameBytes('b.example'), [0, 6, 0x40, 0x01, 0, 0, 0, 0x03]), 'b.example A MX RRSIG NSEC'],
    ['NSEC3', 50, bytes([1, 1], u16(12), [4], hex('aabbccdd'), [5], hex('0102030405'), [0, 1, 0x40]), '1 1 12 aabbccdd 04106105 A'],
    ['NSEC3PARAM', 51, bytes([1, 0], u16(20), [2], hex('abcd')), '1 0 20 abcd'],
    ['SSHFP', 44, bytes([4, 2], hex('00ff')), '4 2 00ff'],
    ['TLSA', 52, bytes([3, 1, 1], hex('1234')), '3 1 1 1234'],
    ['HTTPS with alpn, port, hints and ech', 65, bytes(u16(1), [0], u16(1), u16(6), [2], 'h2', [2], 'h3', u16(3), u16(2), u16(8443), u16(4), u16(8), [192, 0, 2, 1, 192, 0, 2, 2], u16(5), u16(3), hex('010203'), u16(6), u16(16), rdata.aaaa('2001:db8::5')), '1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1,192.0.2.2 ech=AQID ipv6hint=2001:db8::5'],
    ['SVCB in alias form', 64, bytes(u16(0), rdata.nameBytes('svc.example')), '0 svc.example'],
    ['WKS', 11, bytes([192, 0, 2, 1, 6, 0b01000000, 0, 0, 0, 0, 0, 0b00000100]), '192.0.2.1 6 1 53'],
    ['LOC', 29, bytes([0, 0x12, 0x16, 0x13], u32(2 ** 31 + 152_454_000), u32(2 ** 31 - 256_218_000), u32(10_000_000 - 2_400)), '42 20 54.000 N 71 10 18.000 W -24.00m 1m 10000m 10m'],
    ['URI', 256, bytes(u16(10), u16(1), 'ftp://ftp.example/'), '10 1 "ftp://ftp.example/"'],
    ['an unknown type, in RFC 3597 generic form', 65280, bytes(hex('0a000001')), '\\# 4 0a000001'],
    ['NULL, in generic form', 10, bytes(hex('00ff')), '\\# 2 00ff'],
  ];
  for (const [what, type, rd, expected] of cases) {
    it(`writes ${what} as a zone file would`, () => {
      expect(answer(type, rd)).toEqual({ data: expected, problem: undefined });
    });
  }

  it('decodes TSIG with its algorithm, time, fudge, MAC, original id and error', () => {
    const rd = bytes(rdata.nameBytes('hmac-md5.sig-alg.reg.int'), u16(0), u32(21513), u16(300), u16(4), hex('46bdbf31'), u16(9703), u16(0), u16(0));
    const m = parseMessage(encodeMessage({ id: 9703, questions: [{ name: 'secret-key', type: 3 }], additionals: [{ name: 'key.example', type: 250, class: 255, ttl: 0, rdata: rd }] }))!;
    expect(m.problem).toBeUndefined();
    expect(m.additionals?.[0]).toEqual({ name: 'key.example', type: 250, class: 255, ttl: 0, data: 'hmac-md5.sig-alg.reg.int 21513 300 4 Rr2/MQ== 9703 NOERROR 0' });
  });
});

describe('parseMessage: header, sections and EDNS', () => {
  it('reads the header flags, counts and every section in order', () => {
    const m = parseMessage(
      encodeMessage({
        id: 0xbeef,
        response: true,
        opcode: 0,
        rcode: 3,
        flags: ['AA', 'RD', 'RA', 'AD'],
        questions: [{ name: 'nx.example', type: 1 }],
        authorities: [{ name: 'example', type: 6, ttl: 900, rdata: rdata.soa('ns.example', 'h.example', 1, 2, 3, 4, 5) }],
        additionals: [{ name: 'ns.example', type: 1, rdata: rdata.a('192.0.2.53') }],
      }),
    )!;
    expect([m.id, m.response, m.opcode, m.rcode, m.flags & 0x07b0]).toEqual([0xbeef, true, 0, 3, 0x05a0]);
    expect([m.qdcount, m.ancount, m.nscount, m.arcount]).toEqual([1, 0, 1, 1]);
    expect(questionsOf(m)).toEqual([{ name: 'nx.example', type: 1, class: 1 }]);
    expect(m.answers).toBeUndefined();
    expect(m.authorities?.map((r) => r.type)).toEqual([6]);
    expect(m.additionals?.map((r) => r.data)).toEqual(['192.0.2.53']);
    expect(m.problem).toBeUndefined();
  });

  it('decodes EDNS: payload size, version, DO, client subnet (IPv4 and IPv6), cookie, NSID, keepalive, padding, extended error, others in hex', () => {
    const options = [
      { code: 8, data: bytes(u16(1), [24, 0], [213, 61, 29]) },
      { code: 10, data: bytes(hex('c814985a928a6342')) },
      { code: 3, data: bytes('ns1') },
      { code: 11, data: bytes(u16(370)) },
      { code: 12, data: new Uint8Array(7) },
      { code: 15, data: bytes(u16(18), 'prohibited') },
      { code: 65001, data: bytes(hex('beef')) },
    ];
    const m = parseMessage(encodeMessage({ id: 1, questions: [{ name: 'example', type: 1 }], edns: { udpSize: 4096, dnssecOk: true, version: 0, options } }))!;
    expect(m.problem).toBeUndefined();
    expect(m.edns).toMatchObject({ udpSize: 4096, version: 0, dnssecOk: true, clientSubnet: '213.61.29.0/24', cookie: 'c814985a928a6342', nsid: '6e7331', keepalive: 370, padding: 7, extendedError: '18 prohibited', other: ['OPT65001=beef'] });
    expect(m.edns?.options).toBe('ECS,COOKIE,NSID,KEEPALIVE,PADDING,EDE,OPT65001');
    const v6 = parseMessage(encodeMessage({ id: 1, questions: [{ name: 'example', type: 28 }], edns: { options: [{ code: 8, data: bytes(u16(2), [56, 0], hex('20010470 1f0b16'.replace(' ', ''))) }] } }))!;
    expect(v6.edns?.clientSubnet).toBe('2001:470:1f0b:1600::/56');
  });

  it('joins the EDNS extended bits to the header rcode (BADVERS = 16, BADCOOKIE = 23)', () => {
    expect(parseMessage(encodeMessage({ id: 1, response: true, rcode: 16, questions: [{ name: '.', type: 16 }] }))!.rcode).toBe(16);
    const m = parseMessage(encodeMessage({ id: 1, response: true, rcode: 23, questions: [{ name: '.', type: 6 }] }))!;
    expect([m.headerRcode, m.rcode]).toEqual([7, 23]);
  });

  it('strips the mDNS unicast-response and cache-flush bits from classes only when asked', () => {
    const wire = encodeMessage({ id: 0, response: true, questions: [{ name: 'host.local', type: 1, class: 0x8001 }], answers: [{ name: 'host.local', type: 1, class: 0x8001, rdata: rdata.a('10.0.0.7') }] });
    expect(parseMessage(wire, 0, wire.length, { mdns: true })!.answers?.[0]?.class).toBe(1);
    expect(parseMessage(wire)!.answers?.[0]?.class).toBe(0x8001);
  });
});

describe('parseMessage: malformed messages are kept as far as they go, never thrown', () => {
  it('returns nothing for fewer than 12 bytes', () => {
    expect(parseMessage(new Uint8Array(11))).toBeUndefined();
  });

  it('stops at counts larger than the message (65535 answers announced), allocating nothing by them', () => {
    const wire = encodeMessage({ id: 1, response: true, questions: [{ name: 'a.example', type: 1 }], answers: [{ name: 'a.example', type: 1, rdata: rdata.a('192.0.2.1') }], counts: [1, 65535, 65535, 65535] });
    const m = parseMessage(wire)!;
    expect(m.answers?.map((r) => r.data)).toEqual(['192.0.2.1']);
    expect(m.problem).toMatchObject({ fatal: true, message: 'answer record 2: the owner name runs past the end of the message' });
  });

  it('refuses compression loops: a pointer to itself, two pointers to each other, a forward pointer', () => {
    const header = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0];
    const self = Uint8Array.from([...header, 0xc0, 12, 0, 1, 0, 1]);
    const mutual = Uint8Array.from([...header, 1, 0x61, 0xc0, 16, 1, 0x62, 0xc0, 12, 0, 1, 0, 1]);
    const forward = Uint8Array.from([...header, 0xc0, 20, 0, 1, 0, 1, 3, 0x63, 0x6f, 0x6d, 0]);
    for (const wire of [self, mutual, forward]) {
      const m = parseMessage(wire)!;
      expect(m.problem?.message).toBe('question 1: the name has a compression pointer that does not point backwards (a loop or a forward reference)');
    }
  });

  it('follows a long but legitimate chain of backward pointers (each name points at the previous one)', () => {
    const answers = Array.from({ length: 7 }, (_, i) => ({ name: 'a', type: 1, rdata: rdata.a(`127.0.0.${i + 1}`) }));
    const m = parseMessage(encodeMessage({ id: 1, response: true, questions: [{ name: 'a', type: 1 }], answers }))!;
    expect(m.answers?.map((r) => r.name)).toEqual(Array(7).fill('a'));
  });

  it('rejects names over 255 bytes and reserved label types', () => {
    const long = Array.from({ length: 5 }, () => 'x'.repeat(60)).join('.');
    expect(parseMessage(encodeMessage({ id: 1, questions: [{ name: long, type: 1 }] }))!.problem?.message).toBe('question 1: the name is longer than 255 bytes');
    const bad = Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1]);
    expect(parseMessage(bad)!.problem?.message).toBe('question 1: the name uses a reserved label type (0x40 or 0x80)');
  });

  it('keeps a record whose data does not fit its type in generic form, notes it, and reads on', () => {
    const m = parseMessage(encodeMessage({ id: 1, response: true, questions: [{ name: 'a.example', type: 1 }], answers: [{ name: 'a.example', type: 1, rdata: bytes([1, 2, 3]) }, { name: 'a.example', type: 1, rdata: rdata.a('192.0.2.9') }] }))!;
    expect(m.answers?.map((r) => r.data)).toEqual(['\\# 3 010203', '192.0.2.9']);
    expect(m.problem).toMatchObject({ fatal: false, message: 'answer record 1 (A): A data has 3 bytes, expected 4' });
  });

  it('stops at a record whose data runs past the message', () => {
    const wire = encodeMessage({ id: 1, response: true, questions: [{ name: 'a.example', type: 16 }], answers: [{ name: 'a.example', type: 16, rdata: rdata.txt('hello') }] });
    const m = parseMessage(wire.subarray(0, wire.length - 2))!;
    expect(m.answers).toBeUndefined();
    expect(m.problem?.message).toBe('answer record 1 (TXT) declares 6 data bytes but 4 remain');
  });

  it('notes a second OPT record, a malformed client subnet and bytes after the last section', () => {
    const two = parseMessage(encodeMessage({ id: 1, questions: [{ name: 'a', type: 1 }], additionals: [{ name: '.', type: 41, class: 512, ttl: 0, rdata: new Uint8Array(0) }], edns: {} }))!;
    expect(two.problem?.message).toBe('additional record 2: a second OPT record');
    const ecs = parseMessage(encodeMessage({ id: 1, questions: [{ name: 'a', type: 1 }], edns: { options: [{ code: 8, data: bytes(u16(1), [255, 0]) }] } }))!;
    expect(ecs.problem?.message).toBe('additional record 1 (OPT): EDNS client subnet prefix 255/0 is longer than an IPv4 address');
    const wire = encodeMessage({ id: 1, questions: [{ name: 'a', type: 1 }] });
    const padded = parseMessage(Uint8Array.from([...wire, 0, 0, 0]))!;
    expect([padded.problem, padded.trailing]).toEqual([undefined, 3]);
  });

  it('reads a message in the middle of a larger buffer, with compression offsets counted from its start', () => {
    const wire = encodeMessage({ id: 5, response: true, questions: [{ name: 'www.example', type: 1 }], answers: [{ name: 'www.example', type: 5, rdata: rdata.name('edge.example') }] });
    const framed = Uint8Array.from([9, 9, 9, ...wire, 7, 7]);
    const m = parseMessage(framed, 3, 3 + wire.length)!;
    expect([m.id, m.qname, m.answers?.[0]?.name, m.answers?.[0]?.data, m.trailing]).toEqual([5, 'www.example', 'www.example', 'edge.example', 0]);
  });
});

describe('names in presentation form', () => {
  it('escapes dots and backslashes inside labels and bytes outside printable ASCII as \\DDD, writes the root as .', () => {
    const m = parseMessage(encodeMessage({ id: 1, questions: [{ name: 'a\\.b\\\\c\\032d\\200.example', type: 1 }, { name: '.', type: 2 }] }))!;
    expect(questionsOf(m).map((q) => q.name)).toEqual(['a\\.b\\\\c\\032d\\200.example', '.']);
  });
});
