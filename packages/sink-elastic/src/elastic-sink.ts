import { Client } from '@elastic/elasticsearch';
import {
  type HealthResult,
  type ItemFailure,
  type Logger,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type SinkResult,
  SightlineError,
  describeCause,
  parseSize,
  runPool,
} from '@sightline/core';
import { type BulkChunk, encodeBulk, halve } from './bulk-body.js';
import { clientOptions } from './client-options.js';
import type { ElasticSinkConfig } from './config.schema.js';
import { type BulkItemResponse, classifyItem, classifyRequestError } from './outcome.js';
import { Targets, indexTemplates } from './targets.js';

const FILTER_PATH = 'errors,items.*.status,items.*.error,items.*._id,items.*._index';

/**
 * Elasticsearch sink: ECS documents (core's tables) as bulk `create` actions with `_id` = event id, so a
 * resent document is answered 409 and never duplicated; byte- and count-bounded requests with bounded
 * concurrency; per-item outcomes (429/5xx retried, other 4xx dead-lettered with the cluster's reason), 413
 * answered by halving the request. Retries, backoff and the deadline are the runtime's RetryingSink's.
 */
export class ElasticSink implements Sink {
  readonly name: string;
  readonly client: Client;
  readonly targets: Targets;
  readonly #config: ElasticSinkConfig;
  readonly #maxBytes: number;
  readonly #logger: Logger;
  readonly #where: string;
  #setupDone = false;
  #closed = false;
  /** Cluster version learnt at setup. */
  version: string | undefined;

  constructor(config: ElasticSinkConfig, ctx: PluginContext, name = 'elastic') {
    this.name = name;
    if ((config.node === undefined) === (config.cloud_id === undefined)) {
      throw new SightlineError('SL_PLUGIN_CONFIG_INVALID', `elastic: give exactly one of \`node\` (the cluster's URL) or \`cloud_id\``, { stage: 'plugin', plugin: 'elastic' });
    }
    this.#config = config;
    this.#logger = ctx.logger;
    this.#maxBytes = parseSize(config.batch.max_bytes);
    this.client = new Client(clientOptions(config, ctx));
    this.targets = new Targets(config);
    this.#where = config.cloud_id !== undefined ? `cloud id ${config.cloud_id.split(':')[0]}` : String(Array.isArray(config.node) ? config.node[0] : config.node);
  }

  async open(ctx: PluginContext): Promise<void> {
    if (!this.#config.setup) {
      this.#setupDone = true;
      return;
    }
    try {
      await this.#setup();
    } catch (e) {
      if (SightlineError.is(e) && !e.retryable) throw e;
      // The cluster is down or busy: start anyway; setup is tried again before each write, and the events
      // meanwhile go through the normal retry and dead-letter path with this reason.
      ctx.logger.warn(`elastic: ${this.#where} is not ready; templates will be installed before the first write: ${describeCause(e)}`);
    }
  }

  async #setup(): Promise<void> {
    let info: { version?: { number?: string; build_flavor?: string } };
    try {
      info = (await this.client.transport.request({ method: 'GET', path: '/' })) as typeof info;
    } catch (e) {
      const type = (e as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
      if (type === 'media_type_header_exception') {
        throw new SightlineError('SL_ELASTIC_UNSUPPORTED_VERSION', `elastic: ${this.#where} refused the Elasticsearch 8 REST compatibility headers; this sink supports Elasticsearch 8.x and 9.x`, { stage: 'sink', plugin: 'elastic', cause: e });
      }
      const o = classifyRequestError(e, this.#where);
      throw o.kind === 'error' ? o.error : new SightlineError('SL_SINK_UNAVAILABLE', `elastic: ${this.#where} refused GET /`, { stage: 'sink', plugin: 'elastic', retryable: true });
    }
    const version = info.version?.number ?? '';
    const major = Number.parseInt(version, 10);
    if (major !== 8 && major !== 9) throw new SightlineError('SL_ELASTIC_UNSUPPORTED_VERSION', `elastic: ${this.#where} runs Elasticsearch "${version}"; this sink supports 8.x and 9.x`, { stage: 'sink', plugin: 'elastic' });
    this.version = version;
    for (const t of indexTemplates(this.targets, this.#config.mode, this.#config.template_priority)) {
      try {
        await this.client.transport.request({ method: 'PUT', path: `/_index_template/${encodeURIComponent(t.name)}`, body: t.body });
      } catch (e) {
        throw this.#setupError(e, `installing index template ${t.name}`);
      }
    }
    if (this.#config.mode === 'data_stream') {
      for (const name of this.targets.fixedNames()) {
        try {
          await this.client.transport.request({ method: 'PUT', path: `/_data_stream/${encodeURIComponent(name)}` });
        } catch (e) {
          const type = (e as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
          if (type === 'resource_already_exists_exception') continue;
          throw this.#setupError(e, `creating data stream ${name}`);
        }
      }
    }
    this.#setupDone = true;
    this.#logger.info(`elastic: ${this.#where} (Elasticsearch ${version}) ready: ${this.#config.mode === 'data_stream' ? 'data streams' : 'indices'} ${this.targets.pattern('events')}, ${this.targets.pattern('alerts')}`);
  }

  #setupError(e: unknown, what: string): SightlineError {
    const o = classifyRequestError(e, this.#where);
    if (o.kind === 'error' && o.error.retryable) return o.error;
    const why = o.kind === 'error' ? o.error.message : 'request too large';
    return new SightlineError('SL_ELASTIC_SETUP_FAILED', `elastic: ${what} failed: ${why}`, { stage: 'sink', plugin: 'elastic', cause: e });
  }

  async write(batch: SinkBatch, ctx: PluginContext): Promise<SinkResult> {
    const n = batch.events.length;
    if (n === 0) return { status: 'success' };
    if (this.#closed) return { status: 'failure', error: new SightlineError('SL_SINK_REJECTED', 'elastic: write after close', { stage: 'sink', plugin: this.name }) };
    if (!this.#setupDone) {
      try {
        await this.#setup();
      } catch (e) {
        const error = SightlineError.is(e) ? e : SightlineError.from(e, 'SL_SINK_UNAVAILABLE', 'elastic: setup failed', { stage: 'sink', plugin: this.name, retryable: true });
        return error.retryable ? { status: 'retryable', error } : { status: 'failure', error };
      }
    }
    const { chunks, unencodable } = encodeBulk(batch.events, batch.stream, this.targets, this.#config.batch.max_events, this.#maxBytes);
    const failed: ItemFailure[] = unencodable.map((u) => ({
      index: u.index,
      error: new SightlineError('SL_SINK_REJECTED', `elastic: event ${batch.events[u.index]?.event_id ?? '?'} cannot be serialised: ${u.reason}`, { stage: 'sink', plugin: this.name }),
    }));
    const requestErrors = new Set<SightlineError>();
    let retryAfter: number | undefined;
    const send = async (chunk: BulkChunk): Promise<void> => {
      try {
        const r = (await this.client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: chunk.body, querystring: { filter_path: FILTER_PATH } }, { signal: ctx.signal })) as {
          errors?: boolean;
          items?: Record<string, BulkItemResponse>[];
        };
        if (r.errors !== true) return;
        const items = r.items ?? [];
        for (let j = 0; j < chunk.items.length; j++) {
          const it = items[j];
          const item = it === undefined ? undefined : Object.values(it)[0];
          if (item === undefined) {
            failed.push({ index: chunk.items[j]!, error: new SightlineError('SL_SINK_UNAVAILABLE', `elastic: bulk response has ${items.length} items for ${chunk.items.length} documents`, { stage: 'sink', plugin: this.name, retryable: true }) });
            continue;
          }
          const o = classifyItem(item);
          if (!o.ok) failed.push({ index: chunk.items[j]!, error: o.error });
        }
      } catch (e) {
        const o = classifyRequestError(e, this.#where);
        if (o.kind === 'too-large') {
          if (chunk.items.length === 1) {
            const ev = batch.events[chunk.items[0]!];
            failed.push({
              index: chunk.items[0]!,
              error: new SightlineError('SL_ELASTIC_DOCUMENT_TOO_LARGE', `elastic: document ${ev?.event_id ?? '?'} (${chunk.bytes} bytes with its action line) is larger than ${this.#where} accepts (413)`, { stage: 'sink', plugin: this.name, details: { bytes: chunk.bytes } }),
            });
            return;
          }
          const [a, b] = halve(chunk);
          this.#logger.debug(`elastic: 413 for ${chunk.items.length} documents (${chunk.bytes} bytes); sending them in two halves`);
          await send(a);
          await send(b);
          return;
        }
        requestErrors.add(o.error);
        if (o.retryAfterMs !== undefined) retryAfter = Math.max(retryAfter ?? 0, o.retryAfterMs);
        for (const i of chunk.items) failed.push({ index: i, error: o.error });
      }
    };
    await runPool(chunks, this.#config.concurrency, send);
    if (failed.length === 0) return { status: 'success' };
    if (failed.length === n && requestErrors.size === 1) {
      const error = [...requestErrors][0]!;
      if (!error.retryable) return { status: 'failure', error };
      return retryAfter === undefined ? { status: 'retryable', error } : { status: 'retryable', error, retryAfterMs: retryAfter };
    }
    return { status: 'partial', failed };
  }

  async healthcheck(): Promise<HealthResult> {
    try {
      const h = (await this.client.transport.request({ method: 'GET', path: '/_cluster/health' })) as { status?: string; cluster_name?: string; number_of_nodes?: number };
      const ok = h.status === 'green' || h.status === 'yellow';
      return { ok, message: `Elasticsearch cluster "${h.cluster_name ?? '?'}" at ${this.#where} is ${h.status ?? 'unknown'} (${h.number_of_nodes ?? '?'} nodes)` };
    } catch (e) {
      const o = classifyRequestError(e, this.#where);
      return { ok: false, message: o.kind === 'error' ? o.error.message : `${this.#where}: health request too large` };
    }
  }

  describeOutputs(): readonly string[] {
    return [`${this.#where} ${this.targets.pattern('events')}`, `${this.#where} ${this.targets.pattern('alerts')}`];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.client.close();
  }
}
