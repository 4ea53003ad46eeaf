import type { DnsEvent } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { Pairer } from './pairing.js';

let n = 0;
const msg = (type: 'query' | 'response', id: number, port = 40000, name = 'a.example'): DnsEvent => ({
  event_id: (n++).toString(16).padStart(32, '0'),
  event_kind: 'dns',
  event_time: 1000 + n,
  src_ip: type === 'query' ? '10.0.0.1' : '10.0.0.53',
  dst_ip: type === 'query' ? '10.0.0.53' : '10.0.0.1',
  src_port: type === 'query' ? port : 53,
  dst_port: type === 'query' ? 53 : port,
  n_proto: 17,
  dns_message_type: type,
  dns_id: id,
  dns_query: name,
  dns_type: 1,
  dns_class: 1,
});

describe('Pairer', () => {
  it('joins a response to the oldest matching query of its client, server, transport, id and question', () => {
    const p = new Pairer({ timeoutMs: 10_000, maxPending: 100 });
    const out: DnsEvent[] = [];
    const first = msg('query', 7);
    p.offer(first, 0, out);
    p.offer(msg('query', 7), 1, out); // a retransmission
    p.offer(msg('response', 7, 40000, 'other.example'), 2, out); // another question: not an answer to these
    p.offer(msg('response', 7), 3, out);
    expect(out.map((e) => [e.dns_message_type, e.dns_rtt])).toEqual([['response', undefined], ['transaction', 3]]);
    expect(out[1]!.event_id).not.toBe(first.event_id);
    p.flush(out);
    expect(out.map((e) => e.dns_message_type)).toEqual(['response', 'transaction', 'query']);
  });

  it('holds at most maxPending queries: the oldest come out alone, in order, and a flood of identical retransmits stays cheap and exact', () => {
    const p = new Pairer({ timeoutMs: 1e9, maxPending: 1000 });
    const out: DnsEvent[] = [];
    for (let i = 0; i < 20_000; i++) p.offer(msg('query', 9), i, out);
    expect(out).toHaveLength(19_000);
    expect(p.pending).toBe(1000);
    p.offer(msg('response', 9), 20_000, out);
    expect(out.at(-1)!.dns_message_type).toBe('transaction');
    expect(out.at(-1)!.dns_rtt).toBe(1000);
    p.flush(out);
    expect(out).toHaveLength(20_000);
    expect(p.pending).toBe(0);
  });
});
