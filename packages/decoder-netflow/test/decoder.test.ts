import { type InputChunk, type InputSource, validateEvent } from '@sightline/core';
import { pcapFile, udpFrame } from '@sightline/capture';
import { describe, expect, it } from 'vitest';
import { sniffNetflow } from '../src/index.js';
import { IE, type Field, V9_FLOW_FIELDS, ipfixMessage, nfdumpCsv, v5Packet, v9Packet } from './encode.js';
import { datagrams, decode, decodeWith, makeDecoder, stream } from './helpers.js';

const SECS = 1_700_000_000;
const flowRow = (src: string, dst: string, octets: number, first = 1000, last = 5000): (number | string)[] => [src, dst, 40000, 443, 6, 0x1b, 0, octets, 3, first, last, 1, 2];

describe('NetFlow v5', () => {
  it('maps every v5 field and turns sysUptime-relative times into epoch milliseconds', async () => {
    const p = v5Packet({ uptime: 10_000, secs: SECS, nsecs: 500_000_000, engineType: 1, engineId: 2, sampling: 0x4000 | 100, flows: [{ src: '10.0.0.1', dst: '10.0.0.2', nextHop: '10.0.0.254', input: 3, output: 4, packets: 7, bytes: 900, first: 4000, last: 9000, srcPort: 1234, dstPort: 80, flags: 0x12, proto: 6, tos: 8, srcAs: 64512, dstAs: 64513, srcMask: 24, dstMask: 16 }] });
    const { events, issues } = await decode(datagrams('v5', [{ bytes: p, from: '198.51.100.7:9995', at: 1_700_000_001_000 }]));
    expect(issues).toEqual([]);
    const export_ = SECS * 1000 + 500;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ src_ip: '10.0.0.1', dst_ip: '10.0.0.2', flow_next_hop: '10.0.0.254', flow_input: 3, flow_output: 4, flow_in_packets: 7, in_bytes: 900, src_port: 1234, dst_port: 80, net_flags: 0x12, n_proto: 6, src_tos: 8, src_asn: 64512, dst_asn: 64513, src_mask: 24, dst_mask: 16, begin_time: export_ - 6000, end_time: export_ - 1000, duration: 5000, event_time: 1_700_000_001_000, dvc_ip: '198.51.100.7', dvc_port: 9995, flow_version: 5, flow_domain_id: 0x0102, flow_sampling_rate: 100 });
    expect(validateEvent(events[0]!).ok).toBe(true);
  });

  it('reads NetFlow v1 and v7 records (their own header and record layouts)', async () => {
    const v5 = v5Packet({ uptime: 10_000, secs: SECS, flows: [{ src: '10.7.0.1', dst: '10.7.0.2', packets: 2, bytes: 120, first: 5000, last: 9000, srcPort: 53, dstPort: 5353, flags: 0, proto: 17, tos: 4, srcAs: 65000, dstAs: 65001, srcMask: 8, dstMask: 16 }] });
    // v7: the v5 header and record plus a 4-byte router_sc per record.
    const v7 = Uint8Array.from([...v5.subarray(0, 24), ...v5.subarray(24, 72), 192, 0, 2, 99]);
    v7[1] = 7;
    // v1: a 16-byte header; the record keeps v5's first 36 bytes, then pad(2), protocol, tos, tcp flags, pad(7).
    const v1 = Uint8Array.from([...v5.subarray(0, 16), ...v5.subarray(24, 60), 0, 0, 6, 8, 0x12, 0, 0, 0, 0, 0, 0, 0]);
    v1[1] = 1;
    const { events, issues } = await decode(datagrams('v1 v7', [{ bytes: v7 }, { bytes: v1 }]));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ flow_version: 7, src_ip: '10.7.0.1', n_proto: 17, src_asn: 65000, dst_mask: 16, additional_attrs: { routerSc: '192.0.2.99' } });
    expect(events[1]).toMatchObject({ flow_version: 1, src_ip: '10.7.0.1', n_proto: 6, src_tos: 8, net_flags: 0x12, in_bytes: 120 });
    expect(events[1]!.src_asn).toBeUndefined();
  });

  it('quarantines a packet whose record count lies (more records than the format or the packet can hold)', async () => {
    const p = v5Packet({ uptime: 1, secs: SECS, flows: [{ src: '10.0.0.1', dst: '10.0.0.2', packets: 1, bytes: 1, first: 0, last: 0, srcPort: 1, dstPort: 2, proto: 17 }] });
    const lying = Uint8Array.from(p);
    lying[2] = 0xd9; // 55,582 records in 72 bytes, like flowbeat's netflow5_test_invalid01.dat
    lying[3] = 0x1e;
    const short = Uint8Array.from(p);
    short[3] = 2; // two records, one present
    const { events, issues } = await decode(datagrams('bad', [{ bytes: lying }, { bytes: short }, { bytes: p.subarray(0, 30) }]));
    expect(events).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['SL_NETFLOW_BAD_PACKET', 'SL_NETFLOW_BAD_PACKET', 'SL_NETFLOW_BAD_PACKET']);
    expect(issues[0]!.message).toContain('55582');
    expect(issues[0]!.raw).toBeInstanceOf(Uint8Array);
  });
});

describe('NetFlow v9 templates', () => {
  const tpl = { template: [{ id: 256, fields: V9_FLOW_FIELDS }] };
  it('decodes data with the template of the same packet, uptime-relative times made absolute', async () => {
    const p = v9Packet({ uptime: 60_000, secs: SECS, sourceId: 7, sets: [tpl, { data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.1.0.1', '10.2.0.1', 1500, 50_000, 59_000), flowRow('10.1.0.2', '10.2.0.2', 40)] } }] });
    const { events, issues } = await decode(datagrams('v9', [{ bytes: p }]));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.src_ip, e.in_bytes])).toEqual([['10.1.0.1', 1500], ['10.1.0.2', 40]]);
    expect(events[0]).toMatchObject({ begin_time: SECS * 1000 - 10_000, end_time: SECS * 1000 - 1000, duration: 9000, flow_domain_id: 7, flow_version: 9, net_flags: 0x1b, flow_input: 1, flow_output: 2 });
  });

  it('holds data that comes before its template and decodes it when the template arrives; quarantines it when none comes', async () => {
    const data = v9Packet({ uptime: 1000, secs: SECS, sets: [{ data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.1.0.1', '10.2.0.1', 10)] } }] });
    const templ = v9Packet({ uptime: 1000, secs: SECS, sets: [tpl] });
    const late = await decode(datagrams('late', [{ bytes: data }, { bytes: templ }]));
    expect(late.issues).toEqual([]);
    expect(late.events).toHaveLength(1);
    const never = await decode(datagrams('never', [{ bytes: data }]));
    expect(never.events).toEqual([]);
    expect(never.issues).toMatchObject([{ code: 'SL_NETFLOW_TEMPLATE_MISSING', details: { template_id: 256, domain: 0, exporter: '192.0.2.1:2055' } }]);
  });

  it('keeps exporters apart: the same template id from two exporters means two layouts', async () => {
    const other: Field[] = [{ id: IE.dst4, length: 4 }, { id: IE.src4, length: 4 }, { id: IE.octets, length: 8 }];
    const a = v9Packet({ uptime: 1, secs: SECS, sets: [tpl, { data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.0.0.1', '10.0.0.2', 5)] } }] });
    const b = v9Packet({ uptime: 1, secs: SECS, sets: [{ template: [{ id: 256, fields: other }] }, { data: { id: 256, fields: other, rows: [['10.9.9.9', '10.8.8.8', 77]] } }] });
    const a2 = v9Packet({ uptime: 2, secs: SECS, sets: [{ data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.0.0.3', '10.0.0.4', 6)] } }] });
    const { events } = await decode(datagrams('two', [{ bytes: a, from: '192.0.2.1:2055' }, { bytes: b, from: '192.0.2.2:2055' }, { bytes: a2, from: '192.0.2.1:2055' }]));
    expect(events.map((e) => [e.dvc_ip, e.src_ip, e.dst_ip, e.in_bytes])).toEqual([
      ['192.0.2.1', '10.0.0.1', '10.0.0.2', 5],
      ['192.0.2.2', '10.8.8.8', '10.9.9.9', 77],
      ['192.0.2.1', '10.0.0.3', '10.0.0.4', 6],
    ]);
  });

  it('expires a template ttl after its last announcement (input time) and then holds data again', async () => {
    const t = v9Packet({ uptime: 1, secs: SECS, sets: [tpl] });
    const d = v9Packet({ uptime: 2, secs: SECS, sets: [{ data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.0.0.1', '10.0.0.2', 5)] } }] });
    const { events, issues } = await decode(datagrams('ttl', [{ bytes: t, at: 0 }, { bytes: d, at: 59_000 }, { bytes: d, at: 61_000 }]), { templates: { ttl: '1m', pending_max_age: '1h' } });
    expect(events).toHaveLength(1);
    expect(issues.map((i) => i.code)).toEqual(['SL_NETFLOW_TEMPLATE_MISSING']);
  });

  it('rejects templates with no fields or only zero-length fields, and data sets that claim more than the packet holds', async () => {
    const empty = v9Packet({ uptime: 1, secs: SECS, sets: [{ raw: { id: 0, body: [1, 0, 0, 0] } }] });
    const zero = v9Packet({ uptime: 1, secs: SECS, sets: [{ template: [{ id: 300, fields: [{ id: 8, length: 0 }, { id: 12, length: 0 }] }] }] });
    const huge = v9Packet({ uptime: 1, secs: SECS, sets: [{ raw: { id: 0, body: [1, 44, 0xff, 0xff, 0, 8, 0, 4] } }] });
    const overrun = Uint8Array.from([...v9Packet({ uptime: 1, secs: SECS, sets: [tpl] }), 1, 0, 0x40, 0]);
    const { events, issues } = await decode(datagrams('bad', [{ bytes: empty }, { bytes: zero }, { bytes: huge }, { bytes: overrun }]));
    expect(events).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['SL_NETFLOW_TEMPLATE_INVALID', 'SL_NETFLOW_TEMPLATE_INVALID', 'SL_NETFLOW_TEMPLATE_INVALID', 'SL_DECODE_TRUNCATED']);
  });

  it('learns the sampling interval from options data and puts it on the flows', async () => {
    const opt = { options: { id: 260, scope: [{ id: 1, length: 4 }], fields: [{ id: IE.samplerId, length: 1 }, { id: IE.samplingInterval, length: 4 }] } };
    const fields = [...V9_FLOW_FIELDS, { id: IE.samplerId, length: 1 }];
    const p = v9Packet({ uptime: 1, secs: SECS, sets: [opt, { data: { id: 260, fields: [{ id: 1, length: 4 }, { id: IE.samplerId, length: 1 }, { id: IE.samplingInterval, length: 4 }], rows: [[0, 3, 512]] } }, { template: [{ id: 257, fields }] }, { data: { id: 257, fields, rows: [[...flowRow('10.0.0.1', '10.0.0.2', 5), 3]] } }] });
    const { events, issues } = await decode(datagrams('sampling', [{ bytes: p }]));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.flow_sampling_rate).toBe(512);
  });
});

describe('IPFIX', () => {
  it('reads variable-length, enterprise and reverse (RFC 5103) elements, IPv6 and absolute times', async () => {
    const fields: Field[] = [
      { id: IE.src6, length: 16 },
      { id: IE.dst6, length: 16 },
      { id: IE.octets, length: 8 },
      { id: IE.octets, length: 8, pen: 29305 },
      { id: IE.packets, length: 4, pen: 29305 },
      { id: IE.startMs, length: 8 },
      { id: IE.endMs, length: 8 },
      { id: IE.applicationName, length: 65535 },
      { id: 42, length: 2, pen: 9 },
      { id: IE.postNatSrc4, length: 4 },
      { id: IE.postNaptSrcPort, length: 2 },
    ];
    const long = 'x'.repeat(300);
    const p = ipfixMessage({ secs: SECS, domain: 42, sets: [{ template: [{ id: 400, fields }] }, { data: { id: 400, fields, rows: [['2001:db8::1', '2001:db8::2', 1e10, 20, 4, 1_699_999_999_000, 1_700_000_000_000, 'https', Uint8Array.from([0xbe, 0xef]), '203.0.113.9', 61000], ['2001:db8::3', '::ffff:c000:201', 1, 2, 3, 1_699_999_999_500, 1_700_000_000_000, long, Uint8Array.from([0, 1]), '203.0.113.9', 61001]] } }] });
    const { events, issues } = await decode(datagrams('ipfix', [{ bytes: p }]));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ src_ip: '2001:db8::1', dst_ip: '2001:db8::2', in_bytes: 1e10, out_bytes: 20, flow_out_packets: 4, begin_time: 1_699_999_999_000, end_time: 1_700_000_000_000, duration: 1000, flow_version: 10, flow_domain_id: 42, xlate_src_ip: '203.0.113.9', xlate_src_port: 61000, additional_attrs: { applicationName: 'https', 'ipfix.9.42': 'beef' } });
    expect(events[1]!.dst_ip).toBe('::ffff:192.0.2.1');
    expect(events[1]!.additional_attrs!['applicationName']).toBe(long);
    for (const e of events) expect(validateEvent(e).ok).toBe(true);
  });

  it('turns IPFIX uptime stamps into times once options data gives the exporter\'s boot time, and keeps them raw before', async () => {
    const f: Field[] = [{ id: IE.src4, length: 4 }, { id: IE.dst4, length: 4 }, { id: IE.first, length: 4 }, { id: IE.last, length: 4 }];
    const opt = { options: { id: 500, scope: [{ id: 144, length: 4 }], fields: [{ id: IE.systemInit, length: 8 }] } };
    const before = ipfixMessage({ secs: SECS, domain: 9, sets: [{ template: [{ id: 300, fields: f }] }, { data: { id: 300, fields: f, rows: [['10.0.0.1', '10.0.0.2', 1000, 2000]] } }] });
    const after = ipfixMessage({ secs: SECS, domain: 9, sets: [opt, { data: { id: 500, fields: [{ id: 144, length: 4 }, { id: IE.systemInit, length: 8 }], rows: [[1, 1_699_999_000_000]] } }, { data: { id: 300, fields: f, rows: [['10.0.0.3', '10.0.0.4', 1000, 2000]] } }] });
    const { events, issues } = await decode(datagrams('boot', [{ bytes: before }, { bytes: after }]));
    expect(issues).toEqual([]);
    expect(events[0]!.begin_time).toBeUndefined();
    expect(events[0]!.additional_attrs).toMatchObject({ flowStartSysUpTime: 1000, flowEndSysUpTime: 2000 });
    expect(events[1]).toMatchObject({ begin_time: 1_699_999_001_000, end_time: 1_699_999_002_000, duration: 1000 });
  });

  it('withdraws a template (field count 0) so later data waits for a new one', async () => {
    const f: Field[] = [{ id: IE.src4, length: 4 }, { id: IE.dst4, length: 4 }];
    const t = ipfixMessage({ secs: SECS, sets: [{ template: [{ id: 300, fields: f }] }, { data: { id: 300, fields: f, rows: [['10.0.0.1', '10.0.0.2']] } }] });
    const w = ipfixMessage({ secs: SECS, sets: [{ raw: { id: 2, body: [1, 44, 0, 0] } }, { data: { id: 300, fields: f, rows: [['10.0.0.3', '10.0.0.4']] } }] });
    const { events, issues } = await decode(datagrams('withdraw', [{ bytes: t }, { bytes: w }]));
    expect(events.map((e) => e.src_ip)).toEqual(['10.0.0.1']);
    expect(issues.map((i) => i.code)).toEqual(['SL_NETFLOW_TEMPLATE_MISSING']);
  });

  it('reports a message whose length field lies, and decodes the sets that are complete', async () => {
    const f: Field[] = [{ id: IE.src4, length: 4 }, { id: IE.dst4, length: 4 }];
    const p = Uint8Array.from(ipfixMessage({ secs: SECS, sets: [{ template: [{ id: 300, fields: f }] }, { data: { id: 300, fields: f, rows: [['10.0.0.1', '10.0.0.2']] } }] }));
    p[2] = 0xff;
    p[3] = 0xff;
    const { events, issues } = await decode(datagrams('lies', [{ bytes: p }]));
    expect(events).toHaveLength(1);
    expect(issues.map((i) => i.code)).toEqual(['SL_DECODE_TRUNCATED']);
  });
});

describe('inputs and detection', () => {
  const v9 = v9Packet({ uptime: 1000, secs: SECS, sets: [{ template: [{ id: 256, fields: V9_FLOW_FIELDS }] }, { data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.1.0.1', '10.2.0.1', 100)] } }] });
  const capture = pcapFile([
    { timeMs: 1_700_000_000_123, data: udpFrame({ src: '192.0.2.10', dst: '192.0.2.20', srcPort: 40001, dstPort: 2055, payload: v9 }) },
    { timeMs: 1_700_000_000_200, data: udpFrame({ src: '192.0.2.10', dst: '192.0.2.53', srcPort: 5353, dstPort: 53, payload: Uint8Array.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]) }) },
  ]);

  it('reads a pcap of export packets: exporter from IP source and UDP port, event time = capture time', async () => {
    expect(sniffNetflow(capture, 'stream')).toMatchObject({ format: 'pcap' });
    expect(sniffNetflow(capture, 'stream')!.confidence).toBeGreaterThanOrEqual(0.5);
    const { events, issues } = await decode(stream('exports.pcap', capture));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ dvc_ip: '192.0.2.10', dvc_port: 40001, event_time: 1_700_000_000_123, src_ip: '10.1.0.1' });
  });

  it('sniffs a capture of export packets high and a capture of DNS low', () => {
    const exportsOnly = pcapFile([{ timeMs: 1, data: udpFrame({ src: '192.0.2.10', dst: '192.0.2.20', srcPort: 40001, dstPort: 2055, payload: v9 }) }]);
    const dnsOnly = pcapFile([1, 2, 3].map((i) => ({ timeMs: i, data: udpFrame({ src: '192.0.2.10', dst: '192.0.2.53', srcPort: 5353 + i, dstPort: 53, payload: Uint8Array.from([0x12, i, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 119, 119, 119, 0, 0, 1, 0, 1]) }) })));
    expect(sniffNetflow(exportsOnly, 'stream')!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(sniffNetflow(dnsOnly, 'stream')?.confidence ?? 0).toBeLessThanOrEqual(0.2);
    expect(sniffNetflow(v9, 'datagram')!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(sniffNetflow(Uint8Array.from([0x12, 0x34, 1, 0, 0, 1]), 'datagram')).toBeUndefined();
  });

  it('reads raw export payloads back to back in a file (v5, v9 and IPFIX mixed)', async () => {
    const f: Field[] = [{ id: IE.src4, length: 4 }, { id: IE.dst4, length: 4 }];
    const v5 = v5Packet({ uptime: 1, secs: SECS, flows: [{ src: '10.5.0.1', dst: '10.5.0.2', packets: 1, bytes: 1, first: 0, last: 0, srcPort: 1, dstPort: 2, proto: 17 }] });
    const ipfix = ipfixMessage({ secs: SECS, sets: [{ template: [{ id: 300, fields: f }] }, { data: { id: 300, fields: f, rows: [['10.10.0.1', '10.10.0.2']] } }] });
    const all = Uint8Array.from([...v9, ...v5, ...ipfix, ...v9]);
    const { events, issues } = await decode(stream('raw.dat', all));
    expect(issues).toEqual([]);
    expect(events.map((e) => e.src_ip)).toEqual(['10.1.0.1', '10.5.0.1', '10.10.0.1', '10.1.0.1']);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(4);
  });

  it('reads nfdump CSV (1.7 layout) and reports a Summary that disagrees with the rows', async () => {
    const csv = nfdumpCsv([['2023-05-14 17:28:32', '2023-05-14 17:28:33', '10.0.0.1', '10.0.0.2', 443, 53744, 'TCP', '...AP.S.', 3, 436, '2023-05-14 17:29:00.304'], ['2023-05-14 17:28:32', '2023-05-14 17:28:32', '2001:db8::1', '2001:db8::2', 53, 5353, 'UDP', '........', 1, 60, '2023-05-14 17:29:00.304']]);
    expect(sniffNetflow(Buffer.from(csv), 'stream')).toMatchObject({ format: 'nfdump-csv' });
    const { events, issues } = await decode(stream('flows.csv', Buffer.from(csv)));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ begin_time: Date.UTC(2023, 4, 14, 17, 28, 32), end_time: Date.UTC(2023, 4, 14, 17, 28, 33), duration: 1000, src_port: 443, n_proto: 6, net_flags: 0x1a, flow_in_packets: 3, in_bytes: 436, event_time: Date.UTC(2023, 4, 14, 17, 29, 0, 304), dvc_ip: '127.0.0.1', flow_input: 1, flow_output: 2, src_mask: 24 });
    expect(events[1]!.src_ip).toBe('2001:db8::1');
    const cut = csv.replace(/\n[^\n]*UDP[^\n]*/, '');
    expect((await decode(stream('cut.csv', Buffer.from(cut)))).issues.map((i) => i.code)).toEqual(['SL_DECODE_TRUNCATED']);
    const bad = csv.replace('443,53744', 'x,53744');
    const b = await decode(stream('bad.csv', Buffer.from(bad)));
    expect(b.events).toHaveLength(1);
    expect(b.issues).toMatchObject([{ code: 'SL_DECODE_MALFORMED', line: 2 }]);
  });

  it('reads nfdump 1.6 CSV without a receive time (event time = flow start) and headerless CSV with configured columns', async () => {
    const old = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,ra,eng\n2016-07-08 12:00:00,2016-07-08 12:00:01,1.000,10.0.0.1,10.0.0.2,1234,80,TCP,.AP.SF,0,0,4,400,0,0,1,2,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,192.0.2.1,0/0\n';
    const a = await decode(stream('old.csv', Buffer.from(old)));
    expect(a.issues).toEqual([]);
    expect(a.events[0]).toMatchObject({ event_time: Date.UTC(2016, 6, 8, 12), begin_time: Date.UTC(2016, 6, 8, 12), net_flags: 0x1b, dvc_ip: '192.0.2.1', in_bytes: 400 });
    const headerless = '2016-07-08 12:00:00,10.0.0.1,10.0.0.2,1234,80,TCP,4,400\n';
    const b = await decode(stream('q.csv', Buffer.from(headerless)), { csv_columns: ['ts', 'sa', 'da', 'sp', 'dp', 'pr', 'ipkt', 'ibyt'] });
    expect(b.issues).toEqual([]);
    expect(b.events[0]).toMatchObject({ src_ip: '10.0.0.1', dst_port: 80, flow_in_packets: 4, event_time: Date.UTC(2016, 6, 8, 12) });
  });

  it('hands on what it decoded from a live datagram source that goes quiet, without waiting for a full batch', async () => {
    const { decoder, ctx } = await makeDecoder();
    let release!: () => void;
    const quiet = new Promise<void>((r) => (release = r));
    const source: InputSource = {
      name: 'udp://127.0.0.1:2055',
      framing: 'datagram',
      async *chunks(): AsyncGenerator<InputChunk> {
        yield { bytes: v9, offset: 0, receivedAt: 1_700_000_000_000, peer: { address: '192.0.2.7', port: 2055 } };
        await quiet; // the exporter says nothing more for a while
      },
    };
    const started = Date.now();
    const it = decoder.decode(source, { ...ctx, batchSize: 1000, keepRaw: false })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.events).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5000);
    release();
    while (!(await it.next()).done);
  });

  it('says clearly when a stream is none of its formats', async () => {
    const { issues } = await decode(stream('notes.txt', Buffer.from('hello, this is not netflow\n')));
    expect(issues).toMatchObject([{ code: 'SL_DECODE_UNSUPPORTED' }]);
  });

  it('keeps templates across inputs of one decoder: a template file then a data file decode like one session', async () => {
    const { decoder, ctx } = await makeDecoder();
    const t = v9Packet({ uptime: 1, secs: SECS, sets: [{ template: [{ id: 256, fields: V9_FLOW_FIELDS }] }] });
    const d = v9Packet({ uptime: 2, secs: SECS, sets: [{ data: { id: 256, fields: V9_FLOW_FIELDS, rows: [flowRow('10.0.0.1', '10.0.0.2', 5)] } }] });
    expect((await decodeWith(decoder, ctx, stream('tpl.dat', t))).events).toEqual([]);
    expect((await decodeWith(decoder, ctx, stream('data.dat', d))).events).toHaveLength(1);
    await decoder.close();
  });
});

describe('live datagram sources', () => {
  it('hands on a partly filled batch while a quiet exporter sends nothing more, and the rest after it resumes', async () => {
    const packet = (src: string): Uint8Array => v5Packet({ uptime: 10_000, secs: SECS, flows: [{ src, dst: '10.0.0.2', packets: 1, bytes: 60, first: 5000, last: 9000, srcPort: 1000, dstPort: 53, proto: 17 }] });
    let resume: () => void = () => undefined;
    const quiet = new Promise<void>((r) => (resume = r));
    const source: InputSource = {
      name: 'live',
      framing: 'datagram',
      async *chunks(): AsyncGenerator<InputChunk> {
        yield { bytes: packet('10.0.0.1'), offset: 0, receivedAt: SECS * 1000, peer: { address: '192.0.2.1', port: 2055 } };
        yield { bytes: packet('10.0.0.3'), offset: 1, receivedAt: SECS * 1000 + 1, peer: { address: '192.0.2.1', port: 2055 } };
        await quiet; // the exporter goes quiet until the first batch has been handed on
        yield { bytes: packet('10.0.0.5'), offset: 2, receivedAt: SECS * 1000 + 2, peer: { address: '192.0.2.1', port: 2055 } };
      },
    };
    const { decoder, ctx } = await makeDecoder();
    const batches: string[][] = [];
    for await (const b of decoder.decode(source, { ...ctx, batchSize: 1000, keepRaw: false })) {
      batches.push(b.events.map((e) => e.src_ip as string));
      resume();
    }
    await decoder.close();
    expect(batches).toEqual([['10.0.0.1', '10.0.0.3'], ['10.0.0.5']]);
  });
});
