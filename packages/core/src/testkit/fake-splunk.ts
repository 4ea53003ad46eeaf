/**
 * A local Splunk HTTP Event Collector for tests: the documented request and response formats of
 * `/services/collector/event` (batched JSON event objects, gzip, `Authorization: Splunk <token>`, the
 * `X-Splunk-Request-Channel` header or `channel` query parameter), `/services/collector/ack` (indexer
 * acknowledgement: `{"acks":[ids]}` -> `{"acks":{"id":true|false}}`) and `/services/collector/health`, with HEC's
 * status codes (2 token required, 4 invalid token, 6 invalid data format with `invalid-event-number`, 9 server
 * busy, 10 data channel missing, 11 invalid channel, 12/13 event field missing or blank, 14 ACK disabled). Events
 * before an invalid one in a batch are indexed, the invalid one and those after it are not, as HEC does. It can
 * be scripted to answer 429/503/5xx, to be slow, to drop connections, and to leave batches unacknowledged
 * (never indexed), so a sink's delivery guarantees can be tested with real HTTP clients.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type SplunkFault =
  /** Answer the whole request with this HTTP status (503 "Server is busy" code 9 by default). */
  | { readonly kind: 'http'; readonly status: number; readonly code?: number; readonly text?: string; readonly times?: number; readonly retryAfterSeconds?: number }
  /** Events for which `match` is true are invalid data (code 6); applies to `times` requests that contain one. */
  | { readonly kind: 'invalid'; readonly match: (event: Record<string, unknown>) => boolean; readonly times?: number }
  /** Answer after `ms` (the events are indexed first, as a slow collector would). */
  | { readonly kind: 'delay'; readonly ms: number; readonly times?: number }
  /** Close the connection without an answer, `before` or `after` the events are indexed. */
  | { readonly kind: 'drop'; readonly when: 'before' | 'after'; readonly times?: number }
  /** Accept the next requests with an ackId that never turns true: the events are lost before indexing. */
  | { readonly kind: 'unacked'; readonly times?: number };

export interface FakeSplunkOptions {
  /** Tokens accepted (default `['test-token']`). */
  readonly tokens?: readonly string[];
  /** Indexer acknowledgement enabled on the tokens: a channel is required and responses carry an ackId. */
  readonly acks?: boolean;
  /** How long after a request its ackId turns true (default 0: at once). */
  readonly ackDelayMs?: number;
  /** Indexes that exist (default: any). An unknown index answers code 7 "Incorrect index". */
  readonly indexes?: readonly string[];
}

export interface IndexedEvent {
  readonly event: unknown;
  readonly time?: number;
  readonly host?: string;
  readonly source?: string;
  readonly sourcetype?: string;
  readonly index?: string;
  readonly fields?: Record<string, unknown>;
  readonly channel?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Splits concatenated JSON objects (HEC's batch format). Returns the objects and the index of the first bad one. */
export function splitHecBatch(body: string): { events: unknown[]; invalidAt?: number } {
  const events: unknown[] = [];
  let i = 0;
  const n = body.length;
  while (i < n) {
    while (i < n && /\s/.test(body[i]!)) i++;
    if (i >= n) break;
    if (body[i] !== '{') return { events, invalidAt: events.length };
    let depth = 0;
    let inStr = false;
    let j = i;
    for (; j < n; j++) {
      const ch = body[j]!;
      if (inStr) {
        if (ch === '\\') j++;
        else if (ch === '"') inStr = false;
      } else if (ch === '"') inStr = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
    }
    if (depth !== 0 || j >= n) return { events, invalidAt: events.length };
    try {
      events.push(JSON.parse(body.slice(i, j + 1)));
    } catch {
      return { events, invalidAt: events.length };
    }
    i = j + 1;
  }
  return { events };
}

/** A local HEC with scripted faults. Start with `FakeSplunk.start()`, stop with `close()`. */
export class FakeSplunk {
  readonly url: string;
  readonly options: FakeSplunkOptions;
  /** Every indexed event, in order. */
  readonly events: IndexedEvent[] = [];
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; bytes: number }[] = [];
  /** Event requests received (including ones answered with a fault). */
  eventRequests = 0;
  ackQueries = 0;
  healthy = true;
  readonly #faults: { fault: SplunkFault; left: number }[] = [];
  readonly #acks = new Map<string, Map<number, { readyAt: number; lost: boolean }>>();
  #nextAck = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server, url: string, options: FakeSplunkOptions) {
    this.#server = server;
    this.url = url;
    this.options = options;
  }

  static async start(options: FakeSplunkOptions = {}): Promise<FakeSplunk> {
    let self: FakeSplunk | undefined;
    const server = createServer((req, res) => void self!.#handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeSplunk(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    server.on('connection', (s) => {
      self!.#sockets.add(s);
      s.on('close', () => self!.#sockets.delete(s));
    });
    return self;
  }

  fail(fault: SplunkFault): this {
    this.#faults.push({ fault, left: fault.times ?? 1 });
    return this;
  }

  pendingFaults(): number {
    return this.#faults.reduce((n, f) => n + f.left, 0);
  }

  /** How many times each value of `event[field]` was indexed (1 = exactly once). */
  countBy(field = 'event_id'): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.events) {
      const v = (e.event as Record<string, unknown> | undefined)?.[field];
      if (typeof v === 'string') out.set(v, (out.get(v) ?? 0) + 1);
    }
    return out;
  }

  /** Ack ids issued on a channel and not yet reported as indexed. */
  pendingAcks(channel: string): number {
    return this.#acks.get(channel)?.size ?? 0;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #take(kind: SplunkFault['kind'], pred: (f: SplunkFault) => boolean = () => true): SplunkFault | undefined {
    for (const f of this.#faults) {
      if (f.left > 0 && f.fault.kind === kind && pred(f.fault)) {
        f.left--;
        return f.fault;
      }
    }
    return undefined;
  }

  #send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const size = chunks.reduce((n, c) => n + c.length, 0);
    this.requests.push({ method, path, headers: req.headers, bytes: size });
    if (path === '/services/collector/health' || path === '/services/collector/health/1.0') {
      return this.healthy ? this.#send(res, 200, { text: 'HEC is healthy', code: 17 }) : this.#send(res, 503, { text: 'HEC is unhealthy, queues are full', code: 18 });
    }
    const isEvent = path === '/services/collector' || path === '/services/collector/event' || path === '/services/collector/event/1.0';
    const isAck = path === '/services/collector/ack';
    if (!isEvent && !isAck) return this.#send(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
    const auth = req.headers.authorization;
    if (auth === undefined) return this.#send(res, 401, { text: 'Token is required', code: 2 });
    const m = /^(?:Splunk|Bearer)\s+(.+)$/i.exec(auth);
    if (m === null) return this.#send(res, 401, { text: 'Invalid authorization', code: 3 });
    if (!(this.options.tokens ?? ['test-token']).includes(m[1]!.trim())) return this.#send(res, 403, { text: 'Invalid token', code: 4 });
    const channel = (req.headers['x-splunk-request-channel'] as string | undefined) ?? url.searchParams.get('channel') ?? undefined;
    if (channel !== undefined && !GUID.test(channel)) return this.#send(res, 400, { text: 'Invalid data channel', code: 11 });
    if (isAck) return this.#ack(res, channel, Buffer.concat(chunks).toString('utf8'));

    this.eventRequests++;
    if (this.options.acks === true && channel === undefined) return this.#send(res, 400, { text: 'Data channel is missing', code: 10 });
    if (this.#take('drop', (f) => f.kind === 'drop' && f.when === 'before') !== undefined) {
      req.socket.destroy();
      return;
    }
    const http = this.#take('http');
    if (http !== undefined && http.kind === 'http') {
      const text = http.text ?? (http.status === 503 ? 'Server is busy' : http.status === 429 ? 'Too Many Requests' : 'Internal server error');
      const code = http.code ?? (http.status === 503 ? 9 : 8);
      return this.#send(res, http.status, { text, code }, http.retryAfterSeconds === undefined ? {} : { 'retry-after': String(http.retryAfterSeconds) });
    }
    let raw = Buffer.concat(chunks);
    if ((req.headers['content-encoding'] ?? '').includes('gzip')) {
      try {
        raw = gunzipSync(raw);
      } catch {
        return this.#send(res, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 });
      }
    }
    const body = raw.toString('utf8');
    if (body.trim() === '') return this.#send(res, 400, { text: 'No data', code: 5 });
    const { events, invalidAt } = splitHecBatch(body);
    let badAt = invalidAt;
    let badText = 'Invalid data format';
    let badCode = 6;
    const invalid = this.#faults.find((f) => f.left > 0 && f.fault.kind === 'invalid' && events.some((e) => (f.fault as { match: (e: Record<string, unknown>) => boolean }).match(((e as Record<string, unknown>)['event'] ?? {}) as Record<string, unknown>)));
    for (let i = 0; i < (badAt ?? events.length); i++) {
      const e = events[i] as Record<string, unknown>;
      if (typeof e !== 'object' || e === null || !('event' in e)) {
        [badAt, badText, badCode] = [i, 'Event field is required', 12];
        break;
      }
      if (e['event'] === '' || e['event'] === null) {
        [badAt, badText, badCode] = [i, 'Event field cannot be blank', 13];
        break;
      }
      const idx = e['index'];
      if (this.options.indexes !== undefined && typeof idx === 'string' && !this.options.indexes.includes(idx)) {
        [badAt, badText, badCode] = [i, 'Incorrect index', 7];
        break;
      }
      if (invalid !== undefined && (invalid.fault as { match: (e: Record<string, unknown>) => boolean }).match(e['event'] as Record<string, unknown>)) {
        invalid.left--;
        [badAt, badText, badCode] = [i, 'Invalid data format', 6];
        break;
      }
    }
    const accepted = events.slice(0, badAt ?? events.length) as Record<string, unknown>[];
    const unacked = badAt === undefined && this.options.acks === true && this.#take('unacked') !== undefined;
    if (!unacked) for (const e of accepted) this.events.push({ ...(e as object), ...(channel === undefined ? {} : { channel }) } as IndexedEvent);
    if (badAt !== undefined) return this.#send(res, 400, { text: badText, code: badCode, 'invalid-event-number': badAt });
    const reply: Record<string, unknown> = { text: 'Success', code: 0 };
    if (this.options.acks === true && channel !== undefined) {
      const id = this.#nextAck++;
      let acks = this.#acks.get(channel);
      if (acks === undefined) this.#acks.set(channel, (acks = new Map()));
      acks.set(id, { readyAt: Date.now() + (this.options.ackDelayMs ?? 0), lost: unacked });
      reply['ackId'] = id;
    }
    const delay = this.#take('delay');
    const answer = (): void => {
      if (this.#take('drop', (f) => f.kind === 'drop' && f.when === 'after') !== undefined) {
        req.socket.destroy();
        return;
      }
      this.#send(res, 200, reply);
    };
    if (delay !== undefined && delay.kind === 'delay') setTimeout(answer, delay.ms);
    else answer();
  }

  #ack(res: ServerResponse, channel: string | undefined, body: string): void {
    this.ackQueries++;
    if (this.options.acks !== true) return this.#send(res, 400, { text: 'ACK is disabled', code: 14 });
    if (channel === undefined) return this.#send(res, 400, { text: 'Data channel is missing', code: 10 });
    let ids: unknown;
    try {
      ids = (JSON.parse(body) as { acks?: unknown }).acks;
    } catch {
      return this.#send(res, 400, { text: 'Invalid data format', code: 6 });
    }
    if (!Array.isArray(ids)) return this.#send(res, 400, { text: 'Invalid data format', code: 6 });
    const acks = this.#acks.get(channel);
    const out: Record<string, boolean> = {};
    const now = Date.now();
    for (const id of ids) {
      const a = acks?.get(Number(id));
      const done = a !== undefined && !a.lost && a.readyAt <= now;
      out[String(id)] = done;
      if (done) acks!.delete(Number(id)); // an ack reported true is forgotten, as Splunk does
    }
    return this.#send(res, 200, { acks: out });
  }
}
