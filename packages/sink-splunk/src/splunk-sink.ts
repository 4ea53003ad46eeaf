import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type HealthResult,
  type ItemFailure,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type SinkResult,
  SightlineError,
  describeCause,
  parseDuration,
  parseSize,
  runPool,
} from '@sightline/core';
import type { SplunkSinkConfig } from './config.schema.js';
import { HecClient, type HecResponse } from './hec-client.js';
import { type HecChunk, encodeHec } from './hec-event.js';

const PLUGIN = 'splunk';

function retryAfterMs(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const n = Number(s);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Splunk HTTP Event Collector sink: CIM-named fields (core's tables), sourcetype and index per kind, batches by
 * count and bytes, gzip, a channel, and, when enabled, indexer acknowledgement: a batch counts as delivered only
 * when `/services/collector/ack` says it was indexed. 429, 503 "server busy", other 5xx and network errors are
 * retryable; an event HEC calls invalid (`invalid-event-number`) is dead-lettered with HEC's reason while the
 * ones before it count as delivered and the ones after it are sent again. The runtime's RetryingSink does the
 * backoff, deadline and dead-lettering.
 */
export class SplunkSink implements Sink {
  readonly name: string;
  readonly client: HecClient;
  readonly #config: SplunkSinkConfig;
  readonly #maxBytes: number;
  readonly #pollMs: number;
  readonly #ackTimeoutMs: number;
  #closed = false;

  constructor(config: SplunkSinkConfig, ctx: PluginContext, name = PLUGIN) {
    this.name = name;
    this.#config = config;
    this.#maxBytes = parseSize(config.batch.max_bytes);
    this.#pollMs = parseDuration(config.ack.poll_interval);
    this.#ackTimeoutMs = parseDuration(config.ack.timeout);
    let ca: Buffer | undefined;
    if (config.tls.ca_file !== undefined) {
      const path = ctx.resolvePath(config.tls.ca_file);
      try {
        ca = readFileSync(path);
      } catch (e) {
        throw new SightlineError('SL_PLUGIN_INIT_FAILED', `splunk: cannot read tls.ca_file ${path}: ${describeCause(e)}`, { stage: 'plugin', plugin: PLUGIN, cause: e });
      }
    }
    this.client = new HecClient({
      url: config.url,
      token: config.token,
      channel: config.channel ?? (config.ack.enabled ? randomUUID() : undefined),
      timeoutMs: parseDuration(config.request_timeout),
      gzip: config.gzip,
      rejectUnauthorized: config.tls.reject_unauthorized,
      maxSockets: config.concurrency + 1,
      ...(ca === undefined ? {} : { ca }),
    });
  }

  #hecError(r: HecResponse, count: number): { error: SightlineError; retryAfterMs?: number } {
    const code = r.body?.code;
    const text = r.body?.text ?? (r.raw.slice(0, 200) || `HTTP ${r.status}`);
    const message = `Splunk HEC at ${this.#config.url} answered ${r.status}${code === undefined ? '' : ` code ${code}`} "${text}" for ${count} events`;
    const details = { status: r.status, code, text };
    if (r.status === 401 || r.status === 403 || code === 1 || code === 2 || code === 3 || code === 4) return { error: new SightlineError('SL_SPLUNK_AUTH_FAILED', message, { stage: 'sink', plugin: PLUGIN, details }) };
    if (code === 10 || code === 11 || code === 14) return { error: new SightlineError('SL_SPLUNK_CHANNEL', message, { stage: 'sink', plugin: PLUGIN, details }) };
    if (r.status === 429 || r.status === 408 || r.status >= 500 || code === 9) {
      const after = retryAfterMs(r.headers['retry-after']);
      const error = new SightlineError('SL_SINK_UNAVAILABLE', message, { stage: 'sink', plugin: PLUGIN, retryable: true, details });
      return after === undefined ? { error } : { error, retryAfterMs: after };
    }
    return { error: new SightlineError('SL_SINK_REJECTED', message, { stage: 'sink', plugin: PLUGIN, details }) };
  }

  async write(batch: SinkBatch, ctx: PluginContext): Promise<SinkResult> {
    const n = batch.events.length;
    if (n === 0) return { status: 'success' };
    if (this.#closed) return { status: 'failure', error: new SightlineError('SL_SINK_REJECTED', 'splunk: write after close', { stage: 'sink', plugin: this.name }) };
    const { chunks, unencodable } = encodeHec(batch.events, batch.stream, this.#config, this.#config.batch.max_events, this.#maxBytes);
    const failed: ItemFailure[] = unencodable.map((u) => ({ index: u.index, error: new SightlineError('SL_SINK_REJECTED', `splunk: event cannot be serialised: ${u.reason}`, { stage: 'sink', plugin: PLUGIN }) }));
    const requestErrors = new Set<SightlineError>();
    let retryAfter: number | undefined;
    const pendingAcks: { ackId: number; items: readonly number[]; cookie: string | undefined }[] = [];
    const fail = (items: readonly number[], error: SightlineError): void => {
      for (const i of items) failed.push({ index: i, error });
    };

    const send = async (chunk: HecChunk): Promise<void> => {
      let r: HecResponse;
      try {
        r = await this.client.send('POST', this.#config.endpoint, chunk.body, {}, ctx.signal);
      } catch (e) {
        const error = new SightlineError('SL_SINK_UNAVAILABLE', `Splunk HEC at ${this.#config.url} could not be reached: ${describeCause(e)}`, { stage: 'sink', plugin: PLUGIN, retryable: true, cause: e });
        requestErrors.add(error);
        return fail(chunk.items, error);
      }
      if (r.status === 200 && (r.body?.code ?? 0) === 0) {
        if (this.#config.ack.enabled) {
          if (typeof r.body?.ackId !== 'number') {
            return fail(chunk.items, new SightlineError('SL_SPLUNK_CHANNEL', `Splunk HEC at ${this.#config.url} returned no ackId although ack.enabled is true (is indexer acknowledgement on for the token?)`, { stage: 'sink', plugin: PLUGIN }));
          }
          const setCookie = r.headers['set-cookie'];
          pendingAcks.push({ ackId: r.body.ackId, items: chunk.items, cookie: setCookie === undefined ? undefined : (Array.isArray(setCookie) ? setCookie : [setCookie]).map((c) => c.split(';')[0]).join('; ') });
        }
        return;
      }
      const bad = r.body?.['invalid-event-number'];
      if (r.status === 400 && typeof bad === 'number' && bad >= 0 && bad < chunk.items.length) {
        // HEC indexed the events before the bad one; the bad one is poison; the rest were not read.
        const text = r.body?.text ?? 'invalid event';
        const ev = batch.events[chunk.items[bad]!];
        failed.push({
          index: chunk.items[bad]!,
          error: new SightlineError('SL_SINK_REJECTED', `Splunk HEC refused event ${ev?.event_id ?? '?'} with code ${r.body?.code ?? '?'} "${text}"`, { stage: 'sink', plugin: PLUGIN, details: { code: r.body?.code, text } }),
        });
        const rest = chunk.items.slice(bad + 1);
        if (rest.length > 0) fail(rest, new SightlineError('SL_SINK_UNAVAILABLE', `not read by HEC after an invalid event in the same request`, { stage: 'sink', plugin: PLUGIN, retryable: true }));
        // with acknowledgement on, the events before the bad one have no ackId to confirm them: send them again
        if (this.#config.ack.enabled && bad > 0) fail(chunk.items.slice(0, bad), new SightlineError('SL_SPLUNK_UNACKNOWLEDGED', 'accepted before an invalid event, without an ackId to confirm indexing', { stage: 'sink', plugin: PLUGIN }));
        return;
      }
      const { error, retryAfterMs: after } = this.#hecError(r, chunk.items.length);
      requestErrors.add(error);
      if (after !== undefined) retryAfter = Math.max(retryAfter ?? 0, after);
      fail(chunk.items, error);
    };

    await runPool(chunks, this.#config.concurrency, send);
    if (pendingAcks.length > 0) await this.#awaitAcks(pendingAcks, failed, ctx.signal);
    if (failed.length === 0) return { status: 'success' };
    if (failed.length === n && requestErrors.size === 1) {
      const error = [...requestErrors][0]!;
      if (!error.retryable) return { status: 'failure', error };
      return retryAfter === undefined ? { status: 'retryable', error } : { status: 'retryable', error, retryAfterMs: retryAfter };
    }
    return { status: 'partial', failed };
  }

  /** Polls /services/collector/ack until every ackId is true or the timeout passes; the rest fail (retryable). */
  async #awaitAcks(pending: { ackId: number; items: readonly number[]; cookie: string | undefined }[], failed: ItemFailure[], signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.#ackTimeoutMs;
    let waiting = pending;
    let lastProblem = '';
    for (let first = true; waiting.length > 0 && Date.now() < deadline && !signal.aborted; first = false) {
      if (!first) await sleep(Math.min(this.#pollMs, Math.max(0, deadline - Date.now())), signal);
      const byCookie = new Map<string, typeof waiting>();
      for (const p of waiting) {
        const k = p.cookie ?? '';
        byCookie.set(k, [...(byCookie.get(k) ?? []), p]);
      }
      const still: typeof waiting = [];
      for (const [cookie, group] of byCookie) {
        try {
          const r = await this.client.send('POST', '/services/collector/ack', JSON.stringify({ acks: group.map((p) => p.ackId) }), cookie === '' ? {} : { cookie }, signal);
          if (r.status !== 200 || r.body?.acks === undefined) {
            lastProblem = `ack query answered ${r.status} ${r.body?.text ?? r.raw.slice(0, 100)}`;
            still.push(...group);
            continue;
          }
          for (const p of group) if (r.body.acks[String(p.ackId)] !== true) still.push(p);
        } catch (e) {
          lastProblem = `ack query failed: ${describeCause(e)}`;
          still.push(...group);
        }
      }
      waiting = still;
    }
    for (const p of waiting) {
      const error = new SightlineError('SL_SPLUNK_UNACKNOWLEDGED', `Splunk did not acknowledge ackId ${p.ackId} (${p.items.length} events) within ${this.#ackTimeoutMs} ms${lastProblem === '' ? '' : ` (${lastProblem})`}`, {
        stage: 'sink',
        plugin: PLUGIN,
        details: { ackId: p.ackId, channel: this.client.channel },
      });
      for (const i of p.items) failed.push({ index: i, error });
    }
  }

  async healthcheck(): Promise<HealthResult> {
    try {
      const r = await this.client.send('GET', '/services/collector/health', undefined);
      return { ok: r.status === 200, message: `Splunk HEC at ${this.#config.url}: ${r.body?.text ?? `HTTP ${r.status}`}` };
    } catch (e) {
      return { ok: false, message: `Splunk HEC at ${this.#config.url} could not be reached: ${describeCause(e)}` };
    }
  }

  describeOutputs(): readonly string[] {
    return [`${this.#config.url}${this.#config.endpoint}${this.client.channel === undefined ? '' : ` (channel ${this.client.channel})`}`];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.client.close();
  }
}
