/**
 * Query/response pairing, as Zeek's dns.log does: a response is joined to the oldest pending query of the same
 * client and server (addresses, ports, transport), transaction id and question, into one `transaction` event
 * with the round-trip time. Queries that get no response within the timeout (capture time), or that are pushed
 * out by the pending limit, come out alone as `query` events; responses without a pending query (unsolicited,
 * duplicated, or whose query was not captured) come out alone as `response` events. Nothing is dropped.
 */
import type { DnsEvent } from '@sightline/core';
import { transactionId } from './event-id.js';

export interface PairingOptions {
  /** How long a query waits for its response, in ms of capture time. */
  readonly timeoutMs: number;
  /** Queries held at once; beyond it the oldest is given up (emitted alone). */
  readonly maxPending: number;
}

interface Pending {
  readonly event: DnsEvent;
  /** Capture time in ms with sub-millisecond precision. */
  readonly time: number;
  readonly key: string;
  /** Answered or given up: no longer waiting. */
  settled: boolean;
}

const keyOf = (proto: number | undefined, client: string | undefined, clientPort: number | undefined, server: string | undefined, serverPort: number | undefined, id: number | undefined): string =>
  `${proto}|${client}|${clientPort}|${server}|${serverPort}|${id}`;

/** A response answers a query when their questions agree (a response without a question matches any). */
function sameQuestion(query: DnsEvent, response: DnsEvent): boolean {
  if (response.dns_query === undefined) return true;
  return query.dns_type === response.dns_type && query.dns_class === response.dns_class && query.dns_query?.toLowerCase() === response.dns_query.toLowerCase();
}

export class Pairer {
  readonly #opts: PairingOptions;
  // Queue per key (retransmitted queries share a key; settled entries are skipped and compacted away);
  // `#order` keeps every pending query in arrival order.
  readonly #byKey = new Map<string, { items: Pending[]; head: number }>();
  readonly #order: Pending[] = [];
  #head = 0;
  #size = 0;

  constructor(options: PairingOptions) {
    this.#opts = options;
  }

  get pending(): number {
    return this.#size;
  }

  /** Offers a query or response event seen at `timeMs` (precise); pushes what is ready to `out`. */
  offer(e: DnsEvent, timeMs: number, out: DnsEvent[]): void {
    this.expire(timeMs, out);
    if (e.dns_message_type === 'query') {
      const p: Pending = { event: e, time: timeMs, settled: false, key: keyOf(e.n_proto, e.src_ip, e.src_port, e.dst_ip, e.dst_port, e.dns_id) };
      const list = this.#byKey.get(p.key);
      if (list === undefined) this.#byKey.set(p.key, { items: [p], head: 0 });
      else list.items.push(p);
      this.#order.push(p);
      this.#size++;
      while (this.#size > this.#opts.maxPending) this.#giveUpOldest(out);
      return;
    }
    const key = keyOf(e.n_proto, e.dst_ip, e.dst_port, e.src_ip, e.src_port, e.dns_id);
    const list = this.#byKey.get(key);
    let q: Pending | undefined;
    if (list !== undefined) {
      for (let i = list.head; i < list.items.length; i++) {
        const p = list.items[i]!;
        if (!p.settled && sameQuestion(p.event, e)) {
          q = p;
          break;
        }
      }
    }
    if (q === undefined) {
      out.push(e);
      return;
    }
    this.#dequeue(q);
    out.push(transaction(q.event, e, timeMs - q.time));
  }

  /** Gives up queries older than the timeout at capture time `nowMs`. */
  expire(nowMs: number, out: DnsEvent[]): void {
    const order = this.#order;
    while (this.#head < order.length) {
      const p = order[this.#head]!;
      if (!this.#isPending(p)) {
        this.#head++;
        continue;
      }
      if (nowMs - p.time <= this.#opts.timeoutMs) break;
      this.#head++;
      this.#dequeue(p);
      out.push(p.event);
    }
    this.#compact();
  }

  /** At the end of the input: every pending query comes out alone. */
  flush(out: DnsEvent[]): void {
    for (let i = this.#head; i < this.#order.length; i++) {
      const p = this.#order[i]!;
      if (this.#isPending(p)) {
        this.#dequeue(p);
        out.push(p.event);
      }
    }
    this.#order.length = 0;
    this.#head = 0;
  }

  #isPending(p: Pending): boolean {
    return !p.settled;
  }

  #dequeue(p: Pending): void {
    if (p.settled) return;
    p.settled = true;
    this.#size--;
    const list = this.#byKey.get(p.key);
    if (list === undefined) return;
    while (list.head < list.items.length && list.items[list.head]!.settled) list.head++;
    if (list.head === list.items.length) this.#byKey.delete(p.key);
    else if (list.head > 32 && list.head * 2 > list.items.length) {
      list.items.splice(0, list.head);
      list.head = 0;
    }
  }

  #giveUpOldest(out: DnsEvent[]): void {
    while (this.#head < this.#order.length) {
      const p = this.#order[this.#head++]!;
      if (this.#isPending(p)) {
        this.#dequeue(p);
        out.push(p.event);
        return;
      }
    }
  }

  #compact(): void {
    if (this.#head > 4096 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/**
 * One event for a query and its response: the client's view (query's addresses and time), the response's data,
 * the round-trip time; its id is derived from both messages' ids.
 */
export function transaction(query: DnsEvent, response: DnsEvent, rttMs: number): DnsEvent {
  const t: DnsEvent = { ...response };
  t.event_id = transactionId(query.event_id, response.event_id);
  t.dns_message_type = 'transaction';
  t.event_time = query.event_time;
  if (query.src_ip !== undefined) t.src_ip = query.src_ip;
  if (query.dst_ip !== undefined) t.dst_ip = query.dst_ip;
  if (query.src_port !== undefined) t.src_port = query.src_port;
  if (query.dst_port !== undefined) t.dst_port = query.dst_port;
  if (t.dns_query === undefined && query.dns_query !== undefined) t.dns_query = query.dns_query;
  if (t.dns_type === undefined && query.dns_type !== undefined) t.dns_type = query.dns_type;
  if (t.dns_class === undefined && query.dns_class !== undefined) t.dns_class = query.dns_class;
  t.dns_rtt = Math.max(0, Math.round(rttMs * 1000) / 1000);
  t.duration = t.dns_rtt;
  const attrs = { ...(query.additional_attrs === undefined ? {} : prefixed(query.additional_attrs)), ...(response.additional_attrs ?? {}) };
  attrs['query_len'] = query.dns_len ?? null;
  attrs['query_msg_len'] = query.dns_msg_len ?? null;
  // The client's header flags (RD: recursion asked for; AD/CD: DNSSEC intent); dns_flags holds the response's.
  attrs['query_flags'] = (query.dns_flags ?? []).join(',');
  t.additional_attrs = attrs;
  return t;
}

function prefixed(a: NonNullable<DnsEvent['additional_attrs']>): NonNullable<DnsEvent['additional_attrs']> {
  const out: NonNullable<DnsEvent['additional_attrs']> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[`query_${k}`] = v;
  return out;
}
