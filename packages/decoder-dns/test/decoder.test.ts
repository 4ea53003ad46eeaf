import { pcapFile, pcapngFile, tcpFrame, udpFrame } from '@sightline/capture';
import { type DnsEvent, SPOT_DNS_INGEST_COLUMNS, memorySource, validateEvent } from '@sightline/core';
import { createTestContext, decoderConformance, instantiate, prng, randomChunks, registerConformance } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { encodeMessage, manifest, rdata } from '../src/index.js';
import { CLIENT, RESOLVER, T0, fragmentedResponse, framed, netflowV5Capture, query, response, tcpConversation, udpExchanges } from './fixtures.js';
import { decodeBytes } from './helpers.js';

const sniff = async (bytes: Uint8Array, framing: 'stream' | 'datagram' = 'stream'): Promise<number> => {
  const d = await instantiate(manifest, {});
  return d.sniff({ head: bytes.subarray(0, 65536), name: 'probe', framing });
};

describe('dns decoder: UDP', () => {
  it('makes one valid event per message with the header, question, answers, sizes, addresses and capture time', async () => {
    const { events, issues } = await decodeBytes(pcapFile(udpExchanges([0x1234])));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    for (const e of events) expect(validateEvent(e)).toMatchObject({ ok: true });
    const [q, r] = events as [DnsEvent, DnsEvent];
    expect(q).toMatchObject({ event_kind: 'dns', event_time: T0, src_ip: CLIENT, dst_ip: RESOLVER, src_port: 40000, dst_port: 53, n_proto: 17, dns_message_type: 'query', dns_id: 0x1234, dns_flags: ['RD'], dns_query: 'www.example.com', dns_type: 1, dns_class: 1 });
    expect(r).toMatchObject({ event_time: T0 + 2, src_ip: RESOLVER, dst_ip: CLIENT, dns_message_type: 'response', dns_flags: ['RD', 'RA'], dns_response_code: 0, dns_answer_count: 1 });
    expect(r.dns_answers).toEqual([{ name: 'www.example.com', type: 1, class: 1, ttl: 300, data: '192.0.2.80' }]);
    const msgLen = response(0x1234).length;
    expect([r.dns_msg_len, r.dns_len]).toEqual([msgLen, 14 + 20 + 8 + msgLen]);
    expect(r.event_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads pcapng and nanosecond pcap into the same events (same ids) as microsecond pcap', async () => {
    const frames = udpExchanges([1, 2, 3]);
    const ids = async (b: Uint8Array) => (await decodeBytes(b)).events.map((e) => e.event_id);
    const base = await ids(pcapFile(frames));
    expect(await ids(pcapFile(frames, { nanoseconds: true }))).toEqual(base);
    expect(await ids(pcapngFile(frames))).toEqual(base);
  });

  it('gives identical messages at different places in the capture different ids, and the same ids on every read', async () => {
    const frame = udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 40000, dstPort: 53, payload: query(7) });
    const bytes = pcapFile([{ timeMs: T0, data: frame }, { timeMs: T0, data: frame }]);
    const a = await decodeBytes(bytes);
    const b = await decodeBytes(bytes);
    expect(new Set(a.events.map((e) => e.event_id)).size).toBe(2);
    expect(b.events.map((e) => e.event_id)).toEqual(a.events.map((e) => e.event_id));
  });

  it('decodes mDNS (5353) and LLMNR (5355) on their ports, and DNS on other ports only when it decodes cleanly (heuristic), never NetBIOS (137)', async () => {
    const on = (port: number, payload = query(9, 'host.local')) => ({ timeMs: T0, data: udpFrame({ src: CLIENT, dst: '224.0.0.251', srcPort: port, dstPort: port, payload }) });
    const bytes = pcapFile([on(5353), on(5355), on(5300), on(137), on(6000, Buffer.from('not dns at all, just some text'))]);
    expect((await decodeBytes(bytes)).events.map((e) => e.src_port)).toEqual([5353, 5355, 5300]);
    expect((await decodeBytes(bytes, { heuristic: false })).events.map((e) => e.src_port)).toEqual([5353, 5355]);
    expect((await decodeBytes(bytes, { udp_ports: [53, 6000], heuristic: false })).issues).toMatchObject([{ code: 'SL_DNS_PARTIAL' }]);
  });
});

describe('dns decoder: IP fragments', () => {
  for (const family of [4, 6] as const) {
    it(`reassembles a fragmented IPv${family} response in any order before decoding it; its frame length is the last fragment's`, async () => {
      for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2]]) {
        const { frames, message } = fragmentedResponse(order, family);
        const { events, issues } = await decodeBytes(pcapFile(frames));
        expect(issues).toEqual([]);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ dns_id: 0x4242, dns_msg_len: message.length, dns_len: frames.at(-1)!.data.length, additional_attrs: { ip_fragments: 3 } });
        expect(events[0]!.dns_answers).toHaveLength(12);
      }
    });
  }

  it('reports a datagram with a missing fragment as an issue, with the first fragment quarantined', async () => {
    const { frames } = fragmentedResponse([0, 2]);
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(events).toEqual([]);
    expect(issues).toMatchObject([{ code: 'SL_CAPTURE_FRAGMENTS_INCOMPLETE', offset: 24 }]);
  });
});

describe('dns decoder: TCP', () => {
  const q1 = query(0x1001);
  const q2 = query(0x1002, 'mail.example.com', 15);
  const r1 = response(0x1001);
  const r2 = encodeMessage({ id: 0x1002, response: true, questions: [{ name: 'mail.example.com', type: 15 }], answers: [{ name: 'mail.example.com', type: 15, rdata: rdata.mx(10, 'mx.example.com') }] });
  const client = Uint8Array.from([...framed(q1), ...framed(q2)]);
  const server = Uint8Array.from([...framed(r1), ...framed(r2)]);
  const ids = (events: DnsEvent[]) => events.map((e) => [e.dns_message_type, e.dns_id, e.n_proto]);
  const all = [['query', 0x1001, 6], ['query', 0x1002, 6], ['response', 0x1001, 6], ['response', 0x1002, 6]];

  it('frames length-prefixed messages: one per segment, two in one segment, one split over three segments (the length prefix itself split)', async () => {
    for (const c of [
      [[0, framed(q1).length], [framed(q1).length, framed(q2).length]],
      [[0, client.length]],
      [[0, 1], [1, 10], [11, client.length - 11]],
    ] as const) {
      const { events, issues } = await decodeBytes(pcapFile(tcpConversation(client, server, { client: c, server: [[0, server.length]] })));
      expect(issues).toEqual([]);
      expect(ids(events)).toEqual(all);
    }
  });

  it('puts out-of-order and retransmitted segments back in order; each message once, timed by the packet that completed it', async () => {
    const frames = tcpConversation(client, server, { client: [[0, 5], [5, 20], [25, client.length - 25], [5, 20]], server: [[0, 10], [10, server.length - 10]], order: ['c1', 'c0', 's1', 'c3', 'c2', 's0'] });
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.dns_message_type, e.dns_id])).toEqual([['query', 0x1001], ['query', 0x1002], ['response', 0x1001], ['response', 0x1002]]);
    // Both queries complete with c2, the 8th frame on the wire (3 for the handshake, then c1 c0 s1 c3 c2).
    expect(events.map((e) => e.event_time - T0)).toEqual([7, 7, 8, 8]);
  });

  it('picks up a connection without its SYN in the middle of a message: skips to the next whole message and says how many bytes it skipped', async () => {
    const cut = 7; // the capture starts 7 bytes into the first framed query
    const frames = tcpConversation(client.subarray(cut), server, { syn: false, client: [[0, client.length - cut]], server: [[0, server.length]] });
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(ids(events)).toEqual([['query', 0x1002, 6], ['response', 0x1001, 6], ['response', 0x1002, 6]]);
    expect(issues).toMatchObject([{ code: 'SL_DNS_TCP_INCOMPLETE' }]);
    expect(issues[0]!.message).toContain(`${framed(q1).length - cut} bytes of a DNS-over-TCP stream were skipped`);
  });

  it('skips a capture gap (bytes the other side acknowledged but the capture never saw) and resumes at the next message', async () => {
    const q3 = query(0x1003, 'c.example.com');
    const stream = Uint8Array.from([...framed(q1), ...framed(q2), ...framed(q3)]);
    const at2 = framed(q1).length;
    const at3 = at2 + framed(q2).length;
    const frames = tcpConversation(stream, server, { client: [[0, at2], [at2, at3 - at2], [at3, stream.length - at3]], server: [[0, server.length]], order: ['c0', 'c2', 's0'] });
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(events.filter((e) => e.dns_message_type === 'query').map((e) => e.dns_id)).toEqual([0x1001, 0x1003]);
    expect(issues).toMatchObject([{ code: 'SL_DNS_TCP_INCOMPLETE' }]);
    expect(issues[0]!.message).toContain(`${at3 - at2} bytes of a DNS-over-TCP stream were never captured`);
  });

  it('accounts for every byte of a stream picked up mid-way that never yields a message: skipped or left over, none vanish', async () => {
    // Plausible-looking length prefixes and headers whose messages never decode: the search for a boundary does bounded work.
    const unit = Uint8Array.from([0x00, 0x20, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f]);
    const junk = Uint8Array.from({ length: 60_000 }, (_, i) => unit[i % unit.length]!);
    const segs: [number, number][] = [];
    for (let o = 0; o < junk.length; o += 1400) segs.push([o, Math.min(1400, junk.length - o)]);
    const { events, issues } = await decodeBytes(pcapFile(tcpConversation(junk, new Uint8Array(0), { syn: false, client: segs, server: [] })));
    expect(events).toEqual([]);
    const accounted = issues.map((i) => /(\d+) bytes (?:of a DNS-over-TCP stream were skipped|at the end of a TCP stream)/.exec(i.message)).reduce((n, m) => n + (m === null ? 0 : Number(m[1])), 0);
    expect(accounted).toBe(junk.length);
  });

  it('reports a message cut by the end of its stream', async () => {
    const frames = tcpConversation(client.subarray(0, client.length - 3), server, { client: [[0, client.length - 3]], server: [] });
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(ids(events)).toEqual([['query', 0x1001, 6]]);
    expect(issues).toMatchObject([{ code: 'SL_DNS_TCP_INCOMPLETE' }]);
    expect(issues[0]!.message).toMatch(/a DNS message of \d+ bytes was cut by the end of its TCP stream/);
  });
});

describe('dns decoder: bad input', () => {
  it('keeps a message with a compression loop as an event (what was readable, what went wrong) plus an SL_DNS_PARTIAL issue with its bytes, and goes on', async () => {
    const loop = Uint8Array.from([0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 3, 0x77, 0x77, 0x77, 0, 0, 1, 0, 1, 0xc0, 21, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]);
    const frames = [
      { timeMs: T0, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40000, payload: loop }) },
      { timeMs: T0 + 1, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40001, payload: response(5) }) },
    ];
    const { events, issues } = await decodeBytes(pcapFile(frames));
    expect(events.map((e) => e.dns_id)).toEqual([0xabcd, 5]);
    expect(events[0]).toMatchObject({ dns_query: 'www', additional_attrs: { dns_malformed: expect.stringContaining('answer record 1: the owner name has a compression pointer that does not point backwards') } });
    expect(events[0]!.dns_answers).toBeUndefined();
    expect(issues).toMatchObject([{ code: 'SL_DNS_PARTIAL', offset: 24, event_id: events[0]!.event_id, details: { packet: 1, at: 21 } }]);
    expect(Buffer.from(issues[0]!.raw as Uint8Array).equals(Buffer.from(loop))).toBe(true);
  });

  it('survives absurd counts (65535 of everything) without allocating for them', async () => {
    const liar = encodeMessage({ id: 1, response: true, questions: [{ name: 'a.example', type: 1 }], counts: [65535, 65535, 65535, 65535] });
    const { events, issues } = await decodeBytes(pcapFile([{ timeMs: T0, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40000, payload: liar }) }]));
    expect(events[0]).toMatchObject({ dns_question_count: 65535, dns_answer_count: 65535, dns_query: 'a.example' });
    expect(issues).toMatchObject([{ code: 'SL_DNS_PARTIAL', message: expect.stringContaining('question 2: the name runs past the end of the message') }]);
  });

  it('turns a payload too short for a DNS header into an SL_DNS_MALFORMED issue only', async () => {
    const { events, issues } = await decodeBytes(pcapFile([{ timeMs: T0, data: udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 1024, dstPort: 53, payload: new Uint8Array(5) }) }]));
    expect(events).toEqual([]);
    expect(issues).toMatchObject([{ code: 'SL_DNS_MALFORMED', offset: 24, details: { packet: 1 } }]);
  });

  it('decodes what comes before a cut in the capture file, and reports the cut', async () => {
    const bytes = pcapFile(udpExchanges([1, 2]));
    const { events, issues } = await decodeBytes(bytes.subarray(0, bytes.length - 10));
    expect(events).toHaveLength(3);
    expect(issues).toMatchObject([{ code: 'SL_CAPTURE_TRUNCATED' }]);
  });

  it('reports an unsupported link type once, then how many more packets it skipped', async () => {
    const bytes = pcapFile([1, 2, 3].map((k) => ({ timeMs: T0 + k, data: new Uint8Array(40) })), { linkType: 147 });
    const { issues } = await decodeBytes(bytes);
    expect(issues.map((i) => [i.code, i.message.replace(/packet \d+/, 'packet N')])).toEqual([
      ['SL_CAPTURE_UNSUPPORTED_LINK', 'packet N: link-layer type 147 is not supported'],
      ['SL_CAPTURE_UNSUPPORTED_LINK', '2 more packets of link-layer type 147 were skipped (only the first is quarantined)'],
    ]);
  });

  it('gives the same events whatever the chunk boundaries of the capture stream', async () => {
    const bytes = pcapFile([...udpExchanges([1, 2, 3]), ...fragmentedResponse([2, 0, 1]).frames]);
    const whole = (await decodeBytes(bytes)).events.map((e) => e.event_id);
    const rand = prng(4);
    for (const max of [1, 13, 700]) expect((await decodeBytes(bytes, {}, randomChunks(bytes, rand, max))).events.map((e) => e.event_id)).toEqual(whole);
  });
});

describe('dns decoder: pairing into transactions (as Zeek dns.log)', () => {
  it('joins a query and its response into one transaction event with the round-trip time, from the client\'s point of view', async () => {
    const { events } = await decodeBytes(pcapFile(udpExchanges([0x55])), { pairing: 'transactions' });
    expect(events).toHaveLength(1);
    expect(validateEvent(events[0]!)).toMatchObject({ ok: true });
    expect(events[0]).toMatchObject({ dns_message_type: 'transaction', event_time: T0, src_ip: CLIENT, dst_ip: RESOLVER, src_port: 40000, dst_port: 53, dns_id: 0x55, dns_rtt: 2.5, dns_answers: [{ data: '192.0.2.80' }], additional_attrs: { query_len: 14 + 20 + 8 + query(0x55).length } });
  });

  it('lets unanswered queries (after the timeout), unsolicited and duplicate responses come out alone, nothing dropped', async () => {
    const frames = [
      { timeMs: T0, data: udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 40000, dstPort: 53, payload: query(1) }) },
      { timeMs: T0 + 1, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40000, payload: response(9) }) },
      { timeMs: T0 + 2, data: udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 40001, dstPort: 53, payload: query(2) }) },
      { timeMs: T0 + 3, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40001, payload: response(2) }) },
      { timeMs: T0 + 4, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40001, payload: response(2) }) },
      { timeMs: T0 + 20_000, data: udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 40002, dstPort: 53, payload: query(3) }) },
    ];
    const { events } = await decodeBytes(pcapFile(frames), { pairing: 'transactions', pairing_timeout: '10s' });
    expect(events.map((e) => [e.dns_message_type, e.dns_id])).toEqual([['response', 9], ['transaction', 2], ['response', 2], ['query', 1], ['query', 3]]);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(5);
  });
});

describe('dns decoder: format detection', () => {
  it('claims captures of DNS traffic with confidence >= 0.9: UDP 53, TCP 53, mDNS, DNS over TLS (853), fragments', async () => {
    expect(await sniff(pcapFile(udpExchanges([1, 2])))).toBeGreaterThanOrEqual(0.9);
    expect(await sniff(pcapngFile(udpExchanges([1, 2])))).toBeGreaterThanOrEqual(0.9);
    expect(await sniff(pcapFile(tcpConversation(framed(query(1)), framed(response(1)), { client: [[0, 10]], server: [] })))).toBeGreaterThanOrEqual(0.9);
    expect(await sniff(pcapFile([{ timeMs: T0, data: udpFrame({ src: CLIENT, dst: '224.0.0.251', srcPort: 5353, dstPort: 5353, payload: query(0) }) }]))).toBeGreaterThanOrEqual(0.9);
    expect(await sniff(pcapFile([{ timeMs: T0, data: tcpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 50000, dstPort: 853, seq: 1, flags: 'S' }) }]))).toBeGreaterThanOrEqual(0.9);
    expect(await sniff(pcapFile(fragmentedResponse([0, 1, 2]).frames))).toBeGreaterThanOrEqual(0.9);
  });

  it('leaves captures of NetFlow export packets to the NetFlow decoder (<= 0.2), and does not claim what is not a capture', async () => {
    expect(await sniff(netflowV5Capture())).toBeLessThanOrEqual(0.2);
    expect(await sniff(Buffer.from('{"event_kind":"dns"}\n'))).toBe(0);
    expect(await sniff(pcapFile(udpExchanges([1])), 'datagram')).toBe(0);
  });
});

describe('dns decoder: Apache Spot view', () => {
  it('gives Spot\'s tshark columns: frame length, first record (answers, authorities, additionals), header rcode, first A anywhere', async () => {
    const msg = encodeMessage({
      id: 1,
      response: true,
      rcode: 3,
      questions: [{ name: 'nx.example', type: 1 }],
      authorities: [{ name: 'example', type: 6, ttl: 900, rdata: rdata.soa('ns.example', 'h.example', 1, 2, 3, 4, 5) }],
      additionals: [{ name: 'ns.example', type: 1, rdata: rdata.a('192.0.2.53') }],
    });
    const { events } = await decodeBytes(pcapFile([{ timeMs: T0 + 0.5, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40000, payload: msg }) }]));
    const row = Object.fromEntries(SPOT_DNS_INGEST_COLUMNS.map((c) => [c.name, c.get(events[0] as never)]));
    expect(row).toEqual({ frame_time: 'Jan  5 2026 10:00:00.000000000 UTC', unix_tstamp: T0 / 1000, frame_len: 14 + 20 + 8 + msg.length, ip_dst: CLIENT, ip_src: RESOLVER, dns_qry_name: 'example', dns_qry_class: '0x00000001', dns_qry_type: 6, dns_qry_rcode: 3, dns_a: '192.0.2.53' });
  });
});

describe('dns decoder: raw bytes on request', () => {
  it('keeps each message in hex in `raw` when the run asks for it', async () => {
    const base = createTestContext({ step: 'dns' });
    const d = await instantiate(manifest, {}, base);
    const out: DnsEvent[] = [];
    for await (const b of d.decode(memorySource('t.pcap', [pcapFile(udpExchanges([1]))]), { ...base, batchSize: 10, keepRaw: true })) out.push(...(b.events as DnsEvent[]));
    expect(out[0]!.raw).toBe(Buffer.from(query(1)).toString('hex'));
  });
});

// The contract every decoder keeps, on the project's own captures (fuzzed and cut by the kit).
const tcpClient = Uint8Array.from([...framed(query(1)), ...framed(query(2))]);
const tcpServer = framed(response(1));
registerConformance(
  decoderConformance({
    manifest,
    samples: [
      { name: 'UDP queries and responses (the project\'s writers)', bytes: pcapFile(udpExchanges([1, 2, 3, 4])), minEvents: 8 },
      { name: 'DNS over TCP with split and out-of-order segments', bytes: pcapFile(tcpConversation(tcpClient, tcpServer, { client: [[0, 3], [3, 40], [43, tcpClient.length - 43]], server: [[0, 20], [20, tcpServer.length - 20]], order: ['c0', 's1', 'c2', 'c1', 's0'] })), minEvents: 3 },
      { name: 'a fragmented response, pcapng', bytes: pcapngFile(fragmentedResponse([1, 0, 2]).frames), minEvents: 1 },
    ],
    fuzzCases: 200,
  }),
  { describe, it },
);
