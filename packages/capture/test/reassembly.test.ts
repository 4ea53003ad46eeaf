import { type CapturedPacket, IpReassembler, type IpPacket, type StreamConsumer, type StreamEndReason, TcpReassembler, type TcpDirection, decodeIp, decodeLink, decodeTcp, ipFragments, isLayerError, pcapFile, readCaptureBytes, tcpFrame, udpFrame } from '../src/index.js';
import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';

const T = Date.UTC(2026, 0, 5, 12, 0, 0);

/** Frames → captured packets (through a real pcap file, so offsets and numbers are the reader's). */
function capture(frames: readonly { timeMs: number; data: Uint8Array }[]): CapturedPacket[] {
  const { packets, issues } = readCaptureBytes(pcapFile(frames));
  expect(issues).toEqual([]);
  return packets;
}

function ipOf(p: CapturedPacket): IpPacket {
  const link = decodeLink(p.linkType, p.data);
  if (isLayerError(link)) throw new Error(link.error.message);
  const ip = decodeIp(p.data, link.offset);
  if (isLayerError(ip)) throw new Error(ip.error.message);
  return ip;
}

const payload = (n: number, seed = 1): Uint8Array => {
  const r = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
};

describe('IpReassembler', () => {
  const datagram = payload(3000);
  const v4 = udpFrame({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 53, dstPort: 40000, payload: datagram });
  const v6 = udpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 53, dstPort: 40000, payload: datagram });
  const udpBytes = (frame: Uint8Array): Uint8Array => {
    const ip = ipOf(capture([{ timeMs: T, data: frame }])[0]!);
    return ip.payload;
  };

  for (const [family, frame] of [['IPv4', v4], ['IPv6', v6]] as const) {
    it(`puts a ${family} datagram back together from fragments in any order, ignoring a repeated fragment`, () => {
      const frags = ipFragments(frame, 1200);
      expect(frags.length).toBe(3);
      const whole = udpBytes(frame);
      for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 1, 0]]) {
        const r = new IpReassembler('t');
        const packets = capture(order.map((i, k) => ({ timeMs: T + k, data: frags[i]! })));
        const results = packets.map((p) => r.push(p, ipOf(p)));
        const done = results.filter((x) => x !== undefined);
        expect(done).toHaveLength(1);
        expect(results.at(-1)).toBe(done[0]);
        expect(Buffer.from(done[0]!.payload).equals(Buffer.from(whole))).toBe(true);
        expect(done[0]).toMatchObject({ protocol: 17, src: family === 'IPv4' ? '192.0.2.1' : '2001:db8::1', reassembled: { fragments: 3, firstPacket: 1 } });
        expect(done[0]!.fragment).toBeUndefined();
        expect(r.takeIssues()).toEqual([]);
        expect(r.stats()).toMatchObject({ completed: 1, pending: 0, bytes: 0 });
      }
    });
  }

  it('reports a datagram whose fragment never came, at the end of the input, with its first fragment', () => {
    const frags = ipFragments(v4, 1200);
    const r = new IpReassembler('t');
    for (const p of capture([{ timeMs: T, data: frags[0]! }, { timeMs: T + 1, data: frags[2]! }])) expect(r.push(p, ipOf(p))).toBeUndefined();
    const issues = r.flush();
    expect(issues).toMatchObject([{ code: 'SL_CAPTURE_FRAGMENTS_INCOMPLETE', offset: 24, details: { packet: 1 } }]);
    expect(issues[0]!.message).toMatch(/192\.0\.2\.1 > 192\.0\.2\.2 id 4660 given up \(incomplete at the end of the capture\): 2 fragment\(s\) held, bytes 0-1200, 2400-3008 of 3008/);
  });

  it('gives up an incomplete datagram after the timeout (capture time), and holds no memory for it', () => {
    const frags = ipFragments(v4, 1200);
    const r = new IpReassembler('t', { timeoutSeconds: 30 });
    const [first, later] = capture([{ timeMs: T, data: frags[0]! }, { timeMs: T + 31_000, data: frags[1]! }]);
    r.push(first!, ipOf(first!));
    expect(r.stats().bytes).toBe(1200);
    r.push(later!, ipOf(later!));
    expect(r.takeIssues()).toMatchObject([{ code: 'SL_CAPTURE_FRAGMENTS_INCOMPLETE' }]);
    expect(r.stats()).toMatchObject({ pending: 1, bytes: 1200 }); // only the later fragment, as a new datagram
  });

  it('keeps the bytes seen first when fragments overlap with different bytes, and says so', () => {
    const frags = ipFragments(v4, 1200);
    const evil = Uint8Array.from(frags[1]!);
    evil[evil.length - 1] = evil[evil.length - 1]! ^ 0xff;
    const r = new IpReassembler('t');
    const packets = capture([frags[0]!, frags[1]!, evil, frags[2]!].map((data, k) => ({ timeMs: T + k, data })));
    const done = packets.map((p) => r.push(p, ipOf(p))).filter((x) => x !== undefined);
    expect(Buffer.from(done[0]!.payload).equals(Buffer.from(udpBytes(v4)))).toBe(true);
    expect(r.takeIssues()).toMatchObject([{ code: 'SL_CAPTURE_FRAGMENT_OVERLAP' }]);
  });

  it('bounds memory: beyond the limits the oldest incomplete datagrams are given up, each reported', () => {
    const r = new IpReassembler('t', { maxDatagrams: 2 });
    const firsts = [1, 2, 3].map((id) => ipFragments(v4, 1200, id)[0]!);
    for (const p of capture(firsts.map((data, k) => ({ timeMs: T + k, data })))) r.push(p, ipOf(p));
    expect(r.stats().pending).toBe(2);
    expect(r.takeIssues()).toMatchObject([{ code: 'SL_CAPTURE_FRAGMENTS_INCOMPLETE', details: { packet: 1 } }]);
    const small = new IpReassembler('t', { maxBytes: 2000 });
    for (const p of capture(firsts.map((data, k) => ({ timeMs: T + k, data })))) small.push(p, ipOf(p));
    expect(small.stats().bytes).toBeLessThanOrEqual(2000);
    expect(small.takeIssues().length).toBe(2);
  });
});

class Recorder implements StreamConsumer {
  chunks: { bytes: number[]; gap: number; packet: number }[] = [];
  ended: StreamEndReason[] = [];
  buffered = 0;
  constructor(readonly dir: TcpDirection) {}
  data(bytes: Uint8Array, packet: CapturedPacket, gap: number): void {
    this.chunks.push({ bytes: [...bytes], gap, packet: packet.index });
  }
  end(reason: StreamEndReason): void {
    this.ended.push(reason);
  }
  text(): string {
    return Buffer.from(this.chunks.flatMap((c) => c.bytes)).toString('latin1');
  }
}

function tcpRun(frames: Uint8Array[], options = {}) {
  const consumers: Recorder[] = [];
  const r = new TcpReassembler('t', (d) => {
    const c = new Recorder(d);
    consumers.push(c);
    return c;
  }, options);
  for (const p of capture(frames.map((data, k) => ({ timeMs: T + k * 10, data })))) {
    const ip = ipOf(p);
    const tcp = decodeTcp(ip.payload);
    if (isLayerError(tcp)) throw new Error(tcp.error.message);
    r.push(p, ip, tcp);
  }
  const issues = r.flush();
  const client = consumers.find((c) => c.dir.srcPort === 40000)!;
  const server = consumers.find((c) => c.dir.srcPort === 53);
  return { r, client, server, issues };
}

const C = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 53 };
const S = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 53, dstPort: 40000 };
const seg = (seq: number, text: string, flags = 'PA', ack = 5001): Uint8Array => tcpFrame({ ...C, seq, ack, flags, payload: Buffer.from(text) });

describe('TcpReassembler', () => {
  const syn = tcpFrame({ ...C, seq: 999, flags: 'S' });
  const synAck = tcpFrame({ ...S, seq: 5000, ack: 1000, flags: 'SA' });

  it('delivers a stream in order whatever the order of its segments, retransmits and overlaps once', () => {
    const { client } = tcpRun([syn, synAck, seg(1010, 'klmno'), seg(1000, 'abcde'), seg(1000, 'abcde'), seg(1003, 'defghij'), seg(1015, 'pq')]);
    expect(client.text()).toBe('abcdefghijklmnopq');
    expect(client.dir.midstream).toBe(false);
    expect(client.chunks.every((c) => c.gap === 0)).toBe(true);
    expect(client.ended).toEqual(['end-of-input']);
  });

  it('skips a hole once the other side acknowledged bytes the capture never saw and more data waits behind it, reporting its size', () => {
    const ackPast = tcpFrame({ ...S, seq: 5001, ack: 1015, flags: 'A' });
    const { client, r } = tcpRun([syn, synAck, seg(1000, 'abcde'), seg(1010, 'klmno'), ackPast, seg(1015, 'pq')]);
    expect(client.chunks.map((c) => [Buffer.from(c.bytes).toString(), c.gap])).toEqual([['abcde', 0], ['klmno', 5], ['pq', 0]]);
    expect(client.chunks[1]!.packet).toBe(4); // the packet that carried the bytes, not the one that released them
    expect(r.stats()).toMatchObject({ gaps: 1, gapBytes: 5 });
  });

  it('does not give up a hole while one segment waits behind it: the capture may have seen the missing segment after the ACK', () => {
    const ackPast = tcpFrame({ ...S, seq: 5001, ack: 1015, flags: 'A' });
    const { client } = tcpRun([syn, synAck, seg(1000, 'abcde'), ackPast, seg(1010, 'klmno'), seg(1005, 'fghij')]);
    expect(client.chunks.map((c) => [Buffer.from(c.bytes).toString(), c.gap, c.packet])).toEqual([['abcde', 0, 3], ['fghij', 0, 6], ['klmno', 0, 6]]);
  });

  it('follows a connection picked up without its SYN from its first segment, marked midstream', () => {
    const { client } = tcpRun([seg(7000, 'xyz'), seg(7003, 'w')]);
    expect([client.dir.midstream, client.text()]).toEqual([true, 'xyzw']);
  });

  it('ends directions on FIN (after the last byte), on RST, and when idle past the timeout', () => {
    const fin = tcpFrame({ ...C, seq: 1005, ack: 5001, flags: 'FA' });
    const a = tcpRun([syn, synAck, fin, seg(1000, 'abcde')]);
    expect([a.client.text(), a.client.ended]).toEqual(['abcde', ['fin']]);
    const rst = tcpFrame({ ...S, seq: 5001, flags: 'R' });
    const b = tcpRun([syn, synAck, seg(1000, 'abc'), rst]);
    expect([b.client.ended, b.server?.ended]).toEqual([['rst'], ['rst']]);
    const consumers: Recorder[] = [];
    const r = new TcpReassembler('t', (d) => {
      const c = new Recorder(d);
      consumers.push(c);
      return c;
    }, { idleTimeoutSeconds: 60 });
    const other = tcpFrame({ src: '10.0.0.9', dst: '10.0.0.2', srcPort: 41000, dstPort: 53, seq: 1, flags: 'PA', payload: Buffer.from('z') });
    const packets = capture([{ timeMs: T, data: seg(1000, 'abc') }, { timeMs: T + 61_000, data: other }]);
    for (const p of packets) {
      const ip = ipOf(p);
      const tcp = decodeTcp(ip.payload);
      if (!isLayerError(tcp)) r.push(p, ip, tcp);
    }
    expect(consumers[0]!.ended).toEqual(['idle']);
  });

  it('bounds memory: held out-of-order bytes beyond the limit are passed on with a gap; connections beyond the limit are closed and reported', () => {
    const { client } = tcpRun([syn, synAck, seg(1000, 'ab'), seg(1100, 'x'.repeat(50)), seg(1200, 'y'.repeat(50))], { maxOutOfOrderBytes: 60 });
    expect(client.chunks.map((c) => c.gap)).toEqual([0, 98, 50]);
    const many = [0, 1, 2].map((i) => tcpFrame({ src: `10.0.1.${i}`, dst: '10.0.0.2', srcPort: 40000, dstPort: 53, seq: 1, flags: 'PA', payload: Buffer.from('hello') }));
    const limited = tcpRun(many, { maxStreams: 2 });
    expect(limited.issues.filter((i) => i.code === 'SL_CAPTURE_REASSEMBLY_LIMIT')).toHaveLength(1);
    expect(limited.r.stats()).toMatchObject({ streams: 3, evicted: 1 });
  });

  it('handles sequence numbers that wrap around 2^32', () => {
    const wrapSyn = tcpFrame({ ...C, seq: 0xfffffffd, flags: 'S' });
    const { client } = tcpRun([wrapSyn, tcpFrame({ ...C, seq: 0xfffffffe, flags: 'PA', payload: Buffer.from('abc') }), tcpFrame({ ...C, seq: 1, flags: 'PA', payload: Buffer.from('def') })]);
    expect(client.text()).toBe('abcdef');
  });
});
