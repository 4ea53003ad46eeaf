/**
 * Crafted events for the detector tests: each builder makes what one behaviour puts on the wire (both flow
 * directions of a connection, the DNS answer a resolver sends, a proxy log line), as ODM events with ids.
 * Deterministic: a seeded generator stands in for chance.
 */
import { type DnsEvent, type FlowEvent, type OdmEvent, type ProxyEvent, assignEventId } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import type { Model, ModelState, ModelWindow, Rating, ScoreOutcome } from '@sightline/core';
import { type HeuristicsData, manifest } from '../src/index.js';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;

let ordinal = 0;

/** A small deterministic generator (mulberry32). */
export class Rand {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  token(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

export interface FlowSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: number;
  t: number;
  durationMs?: number;
  packets: number;
  bytes: number;
  flags?: number;
}

export function flow(s: FlowSpec): FlowEvent {
  const begin = s.t;
  const end = s.t + (s.durationMs ?? 10);
  return assignEventId(
    {
      event_id: '',
      event_kind: 'flow',
      event_time: end + 2000,
      begin_time: begin,
      end_time: end,
      src_ip: s.src,
      dst_ip: s.dst,
      src_port: s.sport,
      dst_port: s.dport,
      n_proto: s.proto ?? 6,
      in_bytes: s.bytes,
      flow_in_packets: s.packets,
      ...(s.flags === undefined ? {} : { net_flags: s.flags }),
    } as FlowEvent,
    ordinal++,
  );
}

/** Both directions of a completed TCP (or UDP) exchange. */
export function exchange(o: { client: string; server: string; cport: number; sport: number; t: number; up: number; down: number; proto?: number; durationMs?: number }): FlowEvent[] {
  const proto = o.proto ?? 6;
  const flags = proto === 6 ? 0x1b : undefined;
  const pk = (b: number): number => Math.max(proto === 6 ? 3 : 1, Math.ceil(b / 1200));
  const common = { proto, durationMs: o.durationMs ?? 200, ...(flags === undefined ? {} : { flags }) };
  return [
    flow({ ...common, src: o.client, dst: o.server, sport: o.cport, dport: o.sport, t: o.t, packets: pk(o.up), bytes: o.up }),
    flow({ ...common, src: o.server, dst: o.client, sport: o.sport, dport: o.cport, t: o.t + 3, packets: pk(o.down), bytes: o.down }),
  ];
}

export interface AnswerSpec {
  client: string;
  name: string;
  t: number;
  type?: number;
  rcode?: number;
  answer?: string;
}

/** A resolver's answer to a client (the client is the destination). */
export function answer(s: AnswerSpec): DnsEvent {
  const rcode = s.rcode ?? 0;
  const type = s.type ?? 1;
  return assignEventId(
    {
      event_id: '',
      event_kind: 'dns',
      event_time: s.t,
      src_ip: '10.20.0.53',
      dst_ip: s.client,
      src_port: 53,
      dst_port: 50000 + (ordinal % 10000),
      n_proto: 17,
      dns_message_type: 'response',
      dns_query: s.name,
      dns_type: type,
      dns_class: 1,
      dns_response_code: rcode,
      ...(rcode === 0 && s.answer !== undefined ? { dns_answers: [{ name: s.name, type, class: 1, ttl: 60, data: s.answer }] } : {}),
    } as DnsEvent,
    ordinal++,
  );
}

export function request(o: { client: string; host: string; t: number; up: number; down: number; method?: string; path?: string }): ProxyEvent {
  return assignEventId(
    {
      event_id: '',
      event_kind: 'proxy',
      event_time: o.t,
      duration: 150,
      src_ip: o.client,
      dst_ip: '198.18.7.7',
      dst_port: 443,
      prx_method: o.method ?? 'GET',
      prx_host: o.host,
      prx_path: o.path ?? '/',
      prx_code: 200,
      out_bytes: o.up,
      in_bytes: o.down,
    } as ProxyEvent,
    ordinal++,
  );
}

/** Ordinary background: workstations browsing a few popular sites and asking the resolver for them. */
export function background(r: Rand, hosts = 20, hours = 8): OdmEvent[] {
  const out: OdmEvent[] = [];
  const sites = ['198.18.1.10', '198.18.1.11', '198.18.1.12', '198.18.2.20', '198.18.3.30'];
  const names = ['www.google.com', 'outlook.office365.com', 'www.wikipedia.org', 'github.com', 'cdn.jsdelivr.net'];
  for (let h = 0; h < hosts; h++) {
    const ip = `10.10.0.${h + 10}`;
    for (let k = 0; k < hours * 6; k++) {
      const t = T0 + Math.floor(r.next() * hours * HOUR);
      out.push(...exchange({ client: ip, server: sites[r.int(0, sites.length - 1)]!, cport: r.int(49152, 65000), sport: 443, t, up: r.int(400, 4000), down: r.int(2000, 400000) }));
      if (k % 3 === 0) out.push(answer({ client: ip, name: names[r.int(0, names.length - 1)]!, t, answer: sites[r.int(0, 4)]! }));
    }
  }
  return out;
}

export interface Fitted {
  model: Model;
  state: ModelState;
  data: HeuristicsData;
  outcomes: (ScoreOutcome | null)[];
  /** Scored events with their outcomes, most suspicious first. */
  alerts: { event: OdmEvent; outcome: ScoreOutcome }[];
}

/**
 * A window over events in memory, sorted by time. (The testkit's memoryWindow spreads every time into
 * Math.min, which overflows the stack beyond ~100k events.)
 */
export function windowOf(sorted: readonly OdmEvent[], batchSize = 1000): ModelWindow {
  return {
    start: sorted.length === 0 ? 0 : sorted[0]!.event_time,
    end: sorted.length === 0 ? 1 : sorted[sorted.length - 1]!.event_time + 1,
    count: sorted.length,
    async *batches() {
      for (let i = 0; i < sorted.length; i += batchSize) yield sorted.slice(i, i + batchSize);
    },
  };
}

/** Fits the heuristics model on the events, scores them, and ranks the outcomes. */
export async function fitScore(events: readonly OdmEvent[], config: Record<string, unknown> = {}, options: { feedback?: readonly Rating[]; previous?: ModelState; model?: Model } = {}): Promise<Fitted> {
  const ctx = createTestContext({ step: 'heuristics' });
  const model = options.model ?? ((await instantiate(manifest, config, ctx)) as Model);
  const sorted = [...events].sort((a, b) => a.event_time - b.event_time);
  const state = await model.fit(windowOf(sorted), { ...ctx, feedback: options.feedback ?? [], seed: 1, ...(options.previous === undefined ? {} : { previous: options.previous }) });
  const outcomes = await model.score(sorted, state, ctx);
  const alerts = sorted
    .map((event, i) => ({ event, outcome: outcomes[i] }))
    .filter((x): x is { event: OdmEvent; outcome: ScoreOutcome } => x.outcome !== null && x.outcome !== undefined)
    .sort((a, b) => b.outcome.value - a.outcome.value);
  return { model, state, data: state.data as HeuristicsData, outcomes, alerts };
}

export const detectorsOf = (f: Fitted): string[] => f.data.findings.map((x) => x.detector);
