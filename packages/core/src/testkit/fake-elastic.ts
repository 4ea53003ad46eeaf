/**
 * A local Elasticsearch endpoint for tests: the documented REST formats of the calls a sink makes (`GET /`,
 * `_cluster/health`, `_index_template`, `_data_stream`, `_bulk` with per-item results, `_doc`, `_count`,
 * `_refresh`), on 127.0.0.1, with an in-memory store. It checks what a real cluster checks that a sink can get
 * wrong: the bulk body (NDJSON, final newline, action lines), op types on data streams, `create` conflicts (409),
 * field values against the index template's types (`ip`, `long`, `date`…, answered with a 400
 * `mapper_parsing_exception`), the REST compatibility header against the cluster's major version, auth, and
 * `http.max_content_length` (413). It can be scripted to answer with per-item 429s and 5xx, whole-request
 * errors with Retry-After, slow responses and dropped connections, so delivery guarantees can be tested with the
 * real `@elastic/elasticsearch` client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A scripted misbehaviour. `times` (default 1) counts items for `item` faults and requests for the others. */
export type ElasticFault =
  | {
      readonly kind: 'item';
      /** Item status to answer with: 429 (rejected execution), 5xx, 400 (mapping error), 403, 404… */
      readonly status: number;
      readonly times?: number;
      /** Which items (by `_id` and target) it applies to; default all. */
      readonly match?: (id: string | undefined, target: string) => boolean;
      readonly error?: { readonly type: string; readonly reason: string };
    }
  | { readonly kind: 'http'; readonly status: number; readonly times?: number; readonly retryAfterSeconds?: number; readonly body?: unknown }
  /** Answer after `ms` (the request is processed first, as a slow cluster would). */
  | { readonly kind: 'delay'; readonly ms: number; readonly times?: number }
  /** Close the connection without an answer, `before` or `after` the bulk is applied. */
  | { readonly kind: 'drop'; readonly when: 'before' | 'after'; readonly times?: number };

export interface FakeElasticOptions {
  /** Version the cluster reports (default 8.17.0); its major decides which compatibility headers it accepts. */
  readonly version?: string;
  /** Require `Authorization: ApiKey <this>`. */
  readonly apiKey?: string;
  /** Require HTTP basic auth with these credentials. */
  readonly basic?: { readonly username: string; readonly password: string };
  /** Largest request body in bytes (Elasticsearch `http.max_content_length`, default 100 MiB). */
  readonly maxContentLength?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Cluster health status to report. */
  readonly health?: 'green' | 'yellow' | 'red';
}

export interface StoredDocument {
  readonly id: string;
  /** Index or data stream name the document was written to. */
  readonly target: string;
  source: Record<string, unknown>;
  version: number;
  /** Successful writes of this id (creates + overwrites): 1 means delivered exactly once. */
  writes: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly bytes: number;
}

const PRODUCT_HEADERS = { 'x-elastic-product': 'Elasticsearch' };

interface BulkItemResult {
  [op: string]: Record<string, unknown>;
}

function flattenMappings(props: Record<string, { type?: string; properties?: Record<string, unknown> }>, prefix: string, out: Map<string, string>): void {
  for (const [k, v] of Object.entries(props)) {
    const path = `${prefix}${k}`;
    if (v.type !== undefined) out.set(path, v.type);
    else if (v.properties !== undefined) out.set(path, 'object');
    if (v.properties !== undefined && v.type !== 'nested' && v.type !== 'flattened') flattenMappings(v.properties as never, `${path}.`, out);
    if (v.type === 'nested' && v.properties !== undefined) flattenMappings(v.properties as never, `${path}.`, out);
  }
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function valueProblem(type: string, v: unknown): string | undefined {
  const scalars = Array.isArray(v) ? v : [v];
  for (const s of scalars) {
    if (s === null) continue;
    switch (type) {
      case 'ip':
        if (typeof s !== 'string' || isIP(s) === 0) return `'${String(s)}' is not an IP string literal.`;
        break;
      case 'long':
      case 'integer':
      case 'short':
      case 'byte':
        if (!(typeof s === 'number' && Number.isFinite(s)) && !(typeof s === 'string' && /^-?\d+(\.\d+)?$/.test(s))) return `For input string: "${String(s)}"`;
        break;
      case 'float':
      case 'double':
        if (!(typeof s === 'number' && Number.isFinite(s)) && !(typeof s === 'string' && Number.isFinite(Number(s)))) return `For input string: "${String(s)}"`;
        break;
      case 'date':
        if (!(typeof s === 'number' || (typeof s === 'string' && !Number.isNaN(Date.parse(s))))) return `failed to parse date field [${String(s)}]`;
        break;
      case 'boolean':
        if (typeof s !== 'boolean' && s !== 'true' && s !== 'false') return `Failed to parse value [${String(s)}] as only [true] or [false] are allowed.`;
        break;
      case 'geo_point':
        if (typeof s !== 'object' || typeof (s as { lat?: unknown }).lat !== 'number' || typeof (s as { lon?: unknown }).lon !== 'number') return 'failed to parse geo_point';
        break;
      case 'keyword':
      case 'text':
        if (typeof s === 'object') return 'tried to parse field as a concrete value, but found an object';
        break;
      case 'object':
        if (typeof s !== 'object') return 'tried to parse field as object, but found a concrete value';
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** The first field of `source` whose value does not fit the mapping, with the reason, or undefined. */
function mappingProblem(types: ReadonlyMap<string, string>, source: Record<string, unknown>, prefix = ''): { field: string; type: string; reason: string } | undefined {
  for (const [k, v] of Object.entries(source)) {
    const path = `${prefix}${k}`;
    const type = types.get(path);
    if (type !== undefined) {
      const reason = valueProblem(type, v);
      if (reason !== undefined) return { field: path, type, reason };
      if (type === 'nested' || type === 'flattened' || type === 'geo_point') continue;
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const p = mappingProblem(types, v as Record<string, unknown>, `${path}.`);
      if (p !== undefined) return p;
    } else if (Array.isArray(v)) {
      for (const el of v) {
        if (typeof el === 'object' && el !== null && !Array.isArray(el)) {
          const p = mappingProblem(types, el as Record<string, unknown>, `${path}.`);
          if (p !== undefined) return p;
        }
      }
    }
  }
  return undefined;
}

const today = (): string => new Date().toISOString().slice(0, 10).replace(/-/g, '.');

/** A local Elasticsearch endpoint with scripted faults. Start with `FakeElastic.start()`, stop with `close()`. */
export class FakeElastic {
  readonly url: string;
  readonly options: FakeElasticOptions;
  readonly templates = new Map<string, Record<string, unknown>>();
  readonly dataStreams = new Set<string>();
  readonly requests: RecordedRequest[] = [];
  /** Bulk requests received (including ones answered with a fault). */
  bulkRequests = 0;
  health: 'green' | 'yellow' | 'red';
  readonly #docs = new Map<string, Map<string, StoredDocument>>();
  readonly #faults: { fault: ElasticFault; left: number }[] = [];
  readonly #templateOf = new Map<string, Record<string, unknown> | undefined>();
  readonly #typesOf = new WeakMap<object, Map<string, string>>();
  readonly #server: Server;
  readonly #sockets = new Set<import('node:net').Socket>();

  private constructor(server: Server, url: string, options: FakeElasticOptions) {
    this.#server = server;
    this.url = url;
    this.options = options;
    this.health = options.health ?? 'green';
  }

  static async start(options: FakeElasticOptions = {}): Promise<FakeElastic> {
    let self: FakeElastic | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void self!.#handle(req, res);
    const server = options.tls === undefined ? createServer(handler) : createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handler);
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    self = new FakeElastic(server, `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`, options);
    server.on('connection', (s) => {
      self!.#sockets.add(s);
      s.on('close', () => self!.#sockets.delete(s));
    });
    return self;
  }

  get major(): number {
    return Number((this.options.version ?? '8.17.0').split('.')[0]);
  }

  /** Scripts a misbehaviour; faults apply in the order they were added. */
  fail(fault: ElasticFault): this {
    this.#faults.push({ fault, left: fault.times ?? 1 });
    return this;
  }

  /** Faults not yet used up. */
  pendingFaults(): number {
    return this.#faults.reduce((n, f) => n + f.left, 0);
  }

  /** Every stored document, or those of one index / data stream. */
  documents(target?: string): StoredDocument[] {
    if (target !== undefined) return [...(this.#docs.get(target)?.values() ?? [])];
    return [...this.#docs.values()].flatMap((m) => [...m.values()]);
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #take(kind: ElasticFault['kind'], pred: (f: ElasticFault) => boolean = () => true): ElasticFault | undefined {
    for (const f of this.#faults) {
      if (f.left > 0 && f.fault.kind === kind && pred(f.fault)) {
        f.left--;
        return f.fault;
      }
    }
    return undefined;
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...PRODUCT_HEADERS, 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  #error(res: ServerResponse, status: number, type: string, reason: string, headers: Record<string, string> = {}): void {
    this.#send(res, status, { error: { root_cause: [{ type, reason }], type, reason }, status }, headers);
  }

  #authorized(req: IncomingMessage): boolean {
    const { apiKey, basic } = this.options;
    if (apiKey === undefined && basic === undefined) return true;
    const auth = req.headers.authorization ?? '';
    if (apiKey !== undefined && auth === `ApiKey ${apiKey}`) return true;
    if (basic !== undefined && auth === `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`) return true;
    return false;
  }

  /** A compatible-with=N in Accept or Content-Type that this major does not accept. */
  #badCompat(req: IncomingMessage): string | undefined {
    for (const h of [req.headers.accept, req.headers['content-type']]) {
      const m = /compatible-with=(\d+)/.exec(h ?? '');
      if (m !== null) {
        const n = Number(m[1]);
        if (n !== this.major && n !== this.major - 1) return `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${req.headers.accept}, Content-Type=${req.headers['content-type']}`;
      }
    }
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.options.maxContentLength ?? 100 * 1024 * 1024;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size <= limit) chunks.push(c as Buffer);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, headers: req.headers, bytes: size });
    if (size > limit) {
      res.writeHead(413, { ...PRODUCT_HEADERS, 'content-length': 0 });
      res.end();
      return;
    }
    if (!this.#authorized(req)) {
      this.#error(res, 401, 'security_exception', 'unable to authenticate user for REST request [' + path + ']', { 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' });
      return;
    }
    const compat = this.#badCompat(req);
    if (compat !== undefined) return this.#error(res, 400, 'media_type_header_exception', compat);
    let raw = Buffer.concat(chunks);
    if ((req.headers['content-encoding'] ?? '').includes('gzip')) raw = gunzipSync(raw);
    const body = raw.toString('utf8');
    const parts = path.split('/').filter((p) => p !== '');
    try {
      if (parts.length === 0) {
        if (method === 'HEAD') return this.#send(res, 200, undefined);
        return this.#send(res, 200, {
          name: 'fake-node',
          cluster_name: 'sightline-fake',
          cluster_uuid: 'fake-cluster-uuid',
          version: { number: this.options.version ?? '8.17.0', build_flavor: 'default', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0' },
          tagline: 'You Know, for Search',
        });
      }
      if (parts[0] === '_cluster' && parts[1] === 'health') {
        return this.#send(res, this.health === 'red' && url.searchParams.has('wait_for_status') ? 408 : 200, {
          cluster_name: 'sightline-fake',
          status: this.health,
          timed_out: false,
          number_of_nodes: 1,
          number_of_data_nodes: 1,
          active_primary_shards: this.#docs.size,
          active_shards: this.#docs.size,
          unassigned_shards: this.health === 'green' ? 0 : 1,
        });
      }
      if (parts[0] === '_index_template' && parts[1] !== undefined) return this.#template(method, parts[1], body, res);
      if (parts[0] === '_data_stream' && parts[1] !== undefined) return this.#dataStream(method, parts[1], res);
      if (parts[0] === '_bulk' || parts[1] === '_bulk') return await this.#bulk(req, res, body, parts[1] === '_bulk' ? parts[0] : undefined);
      if (parts[1] === '_refresh') return this.#send(res, 200, { _shards: { total: 1, successful: 1, failed: 0 } });
      if (parts[1] === '_count') return this.#send(res, 200, { count: this.documents(parts[0]).length, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
      if (parts[1] === '_doc' && parts[2] !== undefined && method === 'GET') {
        const d = this.#docs.get(parts[0]!)?.get(decodeURIComponent(parts[2]));
        if (d === undefined) return this.#send(res, 404, { _index: parts[0], _id: parts[2], found: false });
        return this.#send(res, 200, { _index: parts[0], _id: d.id, _version: d.version, found: true, _source: d.source });
      }
      return this.#error(res, 404, 'illegal_argument_exception', `no handler found for uri [${path}] and method [${method}]`);
    } catch (e) {
      return this.#error(res, 500, 'exception', e instanceof Error ? e.message : String(e));
    }
  }

  #template(method: string, name: string, body: string, res: ServerResponse): void {
    if (method === 'PUT' || method === 'POST') {
      let t: Record<string, unknown>;
      try {
        t = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return this.#error(res, 400, 'parse_exception', 'request body is required and must be JSON');
      }
      if (!Array.isArray(t['index_patterns']) || t['index_patterns'].length === 0) return this.#error(res, 400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
      this.templates.set(name, t);
      this.#templateOf.clear();
      return this.#send(res, 200, { acknowledged: true });
    }
    if (method === 'GET') {
      const t = this.templates.get(name);
      if (t === undefined) return this.#error(res, 404, 'resource_not_found_exception', `index template matching [${name}] not found`);
      return this.#send(res, 200, { index_templates: [{ name, index_template: t }] });
    }
    if (method === 'DELETE') {
      this.templates.delete(name);
      this.#templateOf.clear();
      return this.#send(res, 200, { acknowledged: true });
    }
    return this.#error(res, 405, 'illegal_argument_exception', `method [${method}] not allowed`);
  }

  /** The highest-priority template whose patterns match `name`. */
  templateFor(name: string): Record<string, unknown> | undefined {
    if (this.#templateOf.has(name)) return this.#templateOf.get(name);
    let best: Record<string, unknown> | undefined;
    let bestPriority = -Infinity;
    for (const t of this.templates.values()) {
      const patterns = t['index_patterns'] as string[];
      const priority = typeof t['priority'] === 'number' ? t['priority'] : 0;
      if (patterns.some((p) => globMatch(p, name)) && priority > bestPriority) {
        best = t;
        bestPriority = priority;
      }
    }
    this.#templateOf.set(name, best);
    return best;
  }

  #dataStream(method: string, name: string, res: ServerResponse): void {
    if (method === 'PUT') {
      if (this.dataStreams.has(name)) return this.#error(res, 400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
      const t = this.templateFor(name);
      if (t === undefined || t['data_stream'] === undefined) return this.#error(res, 400, 'illegal_argument_exception', `no matching index template found for data stream [${name}]`);
      this.dataStreams.add(name);
      return this.#send(res, 200, { acknowledged: true });
    }
    if (method === 'GET') {
      if (!this.dataStreams.has(name)) return this.#error(res, 404, 'index_not_found_exception', `no such index [${name}]`);
      return this.#send(res, 200, { data_streams: [{ name, timestamp_field: { name: '@timestamp' }, indices: [{ index_name: `.ds-${name}-${today()}-000001` }], generation: 1, status: this.health.toUpperCase() }] });
    }
    return this.#error(res, 405, 'illegal_argument_exception', `method [${method}] not allowed`);
  }

  async #bulk(req: IncomingMessage, res: ServerResponse, body: string, defaultIndex: string | undefined): Promise<void> {
    this.bulkRequests++;
    if (this.#take('drop', (f) => f.kind === 'drop' && f.when === 'before') !== undefined) {
      req.socket.destroy();
      return;
    }
    const http = this.#take('http');
    if (http !== undefined && http.kind === 'http') {
      const headers: Record<string, string> = http.retryAfterSeconds === undefined ? {} : { 'retry-after': String(http.retryAfterSeconds) };
      if (http.body !== undefined) return this.#send(res, http.status, http.body, headers);
      const type = http.status === 429 ? 'es_rejected_execution_exception' : http.status >= 500 ? 'cluster_block_exception' : 'illegal_argument_exception';
      return this.#error(res, http.status, type, `scripted ${http.status}`, headers);
    }
    if (body.length > 0 && !body.endsWith('\n')) return this.#error(res, 400, 'illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]');
    const lines = body.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) return this.#error(res, 400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
    const items: BulkItemResult[] = [];
    let errors = false;
    const start = Date.now();
    for (let i = 0; i < lines.length; ) {
      let action: Record<string, Record<string, unknown>>;
      try {
        action = JSON.parse(lines[i]!) as Record<string, Record<string, unknown>>;
      } catch {
        return this.#error(res, 400, 'x_content_parse_exception', `[1:1] Malformed action/metadata line [${i + 1}], expected START_OBJECT`);
      }
      const op = Object.keys(action)[0];
      if (op === undefined || !['index', 'create', 'update', 'delete'].includes(op)) return this.#error(res, 400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${op}]`);
      const meta = action[op]!;
      const target = (meta['_index'] as string | undefined) ?? defaultIndex;
      const id = meta['_id'] as string | undefined;
      let source: Record<string, unknown> | undefined;
      if (op !== 'delete') {
        const line = lines[i + 1];
        if (line === undefined) return this.#error(res, 400, 'illegal_argument_exception', `The bulk request must be terminated by a newline [\\n]`);
        try {
          source = JSON.parse(line) as Record<string, unknown>;
        } catch (e) {
          items.push({ [op]: { _index: target, _id: id, status: 400, error: { type: 'document_parsing_exception', reason: `[1:1] failed to parse: ${e instanceof Error ? e.message : String(e)}` } } });
          errors = true;
          i += 2;
          continue;
        }
        i += 2;
      } else i += 1;
      const r = this.#applyItem(op, target, id, source);
      if (r['error'] !== undefined) errors = true;
      items.push({ [op]: r });
    }
    const delay = this.#take('delay');
    const answer = (): void => {
      if (this.#take('drop', (f) => f.kind === 'drop' && f.when === 'after') !== undefined) {
        req.socket.destroy();
        return;
      }
      this.#send(res, 200, { errors, took: Date.now() - start, items });
    };
    if (delay !== undefined && delay.kind === 'delay') setTimeout(answer, delay.ms);
    else answer();
  }

  #applyItem(op: string, target: string | undefined, id: string | undefined, source: Record<string, unknown> | undefined): Record<string, unknown> {
    if (target === undefined) return { _id: id, status: 400, error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' } };
    const fault = this.#take('item', (f) => f.kind === 'item' && (f.match === undefined || f.match(id, target)));
    if (fault !== undefined && fault.kind === 'item') {
      const type = fault.error?.type ?? (fault.status === 429 ? 'es_rejected_execution_exception' : fault.status === 400 ? 'mapper_parsing_exception' : fault.status === 409 ? 'version_conflict_engine_exception' : 'unavailable_shards_exception');
      const reason = fault.error?.reason ?? `scripted item ${fault.status} (${type})`;
      return { _index: target, _id: id, status: fault.status, error: { type, reason, index: target } };
    }
    const template = this.templateFor(target);
    const isStream = template?.['data_stream'] !== undefined;
    const index = isStream ? `.ds-${target}-${today()}-000001` : target;
    if (isStream) {
      if (op !== 'create') return { _index: target, _id: id, status: 400, error: { type: 'illegal_argument_exception', reason: `only write ops with an op_type of create are allowed in data streams` } };
      if (source?.['@timestamp'] === undefined) return { _index: index, _id: id, status: 400, error: { type: 'document_parsing_exception', reason: 'data stream timestamp field [@timestamp] is missing' } };
      this.dataStreams.add(target);
    }
    let docs = this.#docs.get(target);
    if (docs === undefined) this.#docs.set(target, (docs = new Map()));
    const docId = id ?? `auto-${docs.size}-${Math.random().toString(36).slice(2)}`;
    const existing = docs.get(docId);
    if (op === 'delete') {
      if (existing === undefined) return { _index: index, _id: docId, status: 404, result: 'not_found' };
      docs.delete(docId);
      return { _index: index, _id: docId, status: 200, result: 'deleted' };
    }
    if (op === 'create' && existing !== undefined) {
      return { _index: index, _id: docId, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${docId}]: version conflict, document already exists (current version [${existing.version}])`, index } };
    }
    const mappings = (template?.['template'] as { mappings?: { properties?: Record<string, never> } } | undefined)?.mappings?.properties;
    if (mappings !== undefined && source !== undefined) {
      let types = this.#typesOf.get(mappings);
      if (types === undefined) {
        types = new Map<string, string>();
        flattenMappings(mappings, '', types);
        this.#typesOf.set(mappings, types);
      }
      const p = mappingProblem(types, source);
      if (p !== undefined) {
        return { _index: index, _id: docId, status: 400, error: { type: 'document_parsing_exception', reason: `[1:1] failed to parse field [${p.field}] of type [${p.type}] in document with id '${docId}'. Preview of field's value: ${p.reason}`, caused_by: { type: 'illegal_argument_exception', reason: p.reason } } };
      }
    }
    if (existing !== undefined) {
      existing.source = source ?? {};
      existing.version++;
      existing.writes++;
      return { _index: index, _id: docId, _version: existing.version, result: 'updated', status: 200, _seq_no: existing.version - 1, _primary_term: 1, _shards: { total: 1, successful: 1, failed: 0 } };
    }
    docs.set(docId, { id: docId, target, source: source ?? {}, version: 1, writes: 1 });
    return { _index: index, _id: docId, _version: 1, result: 'created', status: 201, _seq_no: 0, _primary_term: 1, _shards: { total: 1, successful: 1, failed: 0 } };
  }
}
