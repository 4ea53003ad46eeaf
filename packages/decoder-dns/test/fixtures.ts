/**
 * Captures the tests make themselves (the project's own writers: @sightline/capture's frame and pcap writers and
 * this package's DNS encoder), so the always-on tests need no corpus.
 */
import { ipFragments, pcapFile, tcpFrame, udpFrame } from '@sightline/capture';
import { type EncodeMessage, encodeMessage, rdata } from '../src/index.js';

export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
export const CLIENT = '192.0.2.10';
export const RESOLVER = '192.0.2.53';

export function query(id: number, name = 'www.example.com', type = 1, extra: Partial<EncodeMessage> = {}): Uint8Array {
  return encodeMessage({ id, flags: ['RD'], questions: [{ name, type }], ...extra });
}

export function response(id: number, name = 'www.example.com', addresses: readonly string[] = ['192.0.2.80'], extra: Partial<EncodeMessage> = {}): Uint8Array {
  return encodeMessage({
    id,
    response: true,
    flags: ['RD', 'RA'],
    questions: [{ name, type: 1 }],
    answers: addresses.map((a, i) => ({ name, type: 1, ttl: 300 + i, rdata: rdata.a(a) })),
    ...extra,
  });
}

/** One UDP exchange per id: query from CLIENT:port to RESOLVER:53 at T0 + k·10 ms, response 2.5 ms later. */
export function udpExchanges(ids: readonly number[], port = 53): { timeMs: number; data: Uint8Array }[] {
  return ids.flatMap((id, k) => [
    { timeMs: T0 + k * 10, data: udpFrame({ src: CLIENT, dst: RESOLVER, srcPort: 40000 + k, dstPort: port, payload: query(id) }) },
    { timeMs: T0 + k * 10 + 2.5, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: port, dstPort: 40000 + k, payload: response(id) }) },
  ]);
}

/** A length-prefixed message (DNS over TCP). */
export function framed(msg: Uint8Array): Uint8Array {
  return Uint8Array.from([msg.length >> 8, msg.length & 255, ...msg]);
}

export interface TcpPlan {
  /** The client's bytes cut into segments: [offset in the stream, length]. */
  readonly client: readonly (readonly [number, number])[];
  readonly server: readonly (readonly [number, number])[];
  /** Segment order on the wire: 'c0', 's1'… (default: client segments then server segments). */
  readonly order?: readonly string[];
  readonly syn?: boolean;
}

/** A DNS-over-TCP connection carrying `clientBytes` and `serverBytes`, cut and ordered as planned. */
export function tcpConversation(clientBytes: Uint8Array, serverBytes: Uint8Array, plan: TcpPlan): { timeMs: number; data: Uint8Array }[] {
  const c = { src: CLIENT, dst: RESOLVER, srcPort: 41000, dstPort: 53 };
  const s = { src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 41000 };
  const cIsn = 1000;
  const sIsn = 9000;
  const frames: Uint8Array[] = [];
  if (plan.syn !== false) {
    frames.push(tcpFrame({ ...c, seq: cIsn - 1, flags: 'S' }), tcpFrame({ ...s, seq: sIsn - 1, ack: cIsn, flags: 'SA' }), tcpFrame({ ...c, seq: cIsn, ack: sIsn, flags: 'A' }));
  }
  const segs = new Map<string, Uint8Array>();
  plan.client.forEach(([o, n], i) => segs.set(`c${i}`, tcpFrame({ ...c, seq: cIsn + o, ack: sIsn, flags: 'PA', payload: clientBytes.subarray(o, o + n) })));
  plan.server.forEach(([o, n], i) => segs.set(`s${i}`, tcpFrame({ ...s, seq: sIsn + o, ack: cIsn + clientBytes.length, flags: 'PA', payload: serverBytes.subarray(o, o + n) })));
  const order = plan.order ?? [...plan.client.map((_, i) => `c${i}`), ...plan.server.map((_, i) => `s${i}`)];
  for (const k of order) frames.push(segs.get(k)!);
  return frames.map((data, k) => ({ timeMs: T0 + k, data }));
}

/** A big response (many TXT records) sent as IP fragments, in the given order. */
export function fragmentedResponse(order: readonly number[], family: 4 | 6 = 4): { frames: { timeMs: number; data: Uint8Array }[]; message: Uint8Array } {
  const message = encodeMessage({
    id: 0x4242,
    response: true,
    flags: ['RD', 'RA'],
    questions: [{ name: 'big.example', type: 16 }],
    answers: Array.from({ length: 12 }, (_, i) => ({ name: 'big.example', type: 16, ttl: 60, rdata: rdata.txt(`record ${i} `.padEnd(200, 'x')) })),
    edns: { udpSize: 4096 },
  });
  const frame = udpFrame(family === 4 ? { src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40001, payload: message } : { src: '2001:db8::53', dst: '2001:db8::10', srcPort: 53, dstPort: 40001, payload: message });
  const frags = ipFragments(frame, 1200, 0x77);
  return { frames: order.map((i, k) => ({ timeMs: T0 + k, data: frags[i]! })), message };
}

/** NetFlow v5 export datagrams to a collector on 2055 (a capture the NetFlow decoder, not this one, should claim). */
export function netflowV5Capture(datagrams = 5): Buffer {
  const frames = Array.from({ length: datagrams }, (_, k) => {
    const count = 2;
    const p = Buffer.alloc(24 + 48 * count);
    p.writeUInt16BE(5, 0);
    p.writeUInt16BE(count, 2);
    p.writeUInt32BE(123456 + k, 4);
    p.writeUInt32BE(Math.floor(T0 / 1000) + k, 8);
    p.writeUInt32BE(k * count, 16);
    for (let r = 0; r < count; r++) {
      const o = 24 + 48 * r;
      p.writeUInt32BE(0x0a000001 + r, o);
      p.writeUInt32BE(0x0a000002, o + 4);
      p.writeUInt32BE(10, o + 16);
      p.writeUInt32BE(1000, o + 20);
      p.writeUInt16BE(443, o + 34);
      p[o + 38] = 6;
    }
    return { timeMs: T0 + k * 1000, data: udpFrame({ src: '198.51.100.1', dst: '198.51.100.2', srcPort: 50000, dstPort: 2055, payload: p }) };
  });
  return pcapFile(frames);
}
