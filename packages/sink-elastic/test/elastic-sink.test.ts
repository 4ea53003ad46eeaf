import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OdmEvent, SightlineError } from '@sightline/core';
import { EventFixtures, FakeElastic, createTestContext, instantiate, registerConformance, sinkConformance } from '@sightline/core/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ElasticSink, manifest } from '../src/index.js';
import { accounting, deliver, makeCertificates } from './helpers.js';

const events = (n: number): OdmEvent[] => EventFixtures.mixed(n);

async function sinkFor(es: FakeElastic, config: Record<string, unknown> = {}): Promise<ElasticSink> {
  const ctx = createTestContext({ step: 'elastic' });
  const sink = (await instantiate(manifest, { node: es.url, request_timeout: '2s', ...config }, ctx)) as ElasticSink;
  await sink.open(ctx);
  return sink;
}

describe('elastic sink: conformance against the local bulk endpoint', () => {
  let es: FakeElastic;
  beforeAll(async () => {
    es = await FakeElastic.start();
  });
  afterAll(async () => es.close());
  registerConformance(
    sinkConformance({
      manifest,
      config: () => ({ node: es.url, namespace: `c${Math.random().toString(36).slice(2, 8)}` }),
      delivered: async (config) => {
        const ns = (config as { namespace: string }).namespace;
        return es.documents().filter((d) => d.target.endsWith(`-${ns}`) && d.target.startsWith('logs-sightline.') && !d.target.includes('alerts')).map((d) => d.id);
      },
    }),
    { describe, it },
  );
});

describe('elastic sink: setup and documents', () => {
  let es: FakeElastic | undefined;
  afterEach(async () => es?.close());

  it('installs ECS index templates (ip fields typed ip) and creates the data streams on start', async () => {
    es = await FakeElastic.start();
    const sink = await sinkFor(es);
    expect([...es.templates.keys()].sort()).toEqual(['sightline-logs-sightline.alerts-default', 'sightline-logs-sightline.dns-default', 'sightline-logs-sightline.flow-default', 'sightline-logs-sightline.proxy-default']);
    const flow = es.templates.get('sightline-logs-sightline.flow-default') as { data_stream?: object; priority: number; template: { mappings: { properties: { source: { properties: { ip: { type: string } } } } } } };
    expect(flow.data_stream).toEqual({});
    expect(flow.priority).toBe(200);
    expect(flow.template.mappings.properties.source.properties.ip.type).toBe('ip');
    expect([...es.dataStreams].sort()).toEqual(['logs-sightline.alerts-default', 'logs-sightline.dns-default', 'logs-sightline.flow-default', 'logs-sightline.proxy-default']);
    await sink.close();
  });

  it('writes ECS documents with _id = event id into the stream of their kind, and alerts with the model in the id', async () => {
    es = await FakeElastic.start();
    const sink = await sinkFor(es);
    const evs = events(9);
    const { report } = await deliver(sink, { stream: 'events', events: evs });
    expect(report.delivered).toBe(9);
    const flow = es.documents('logs-sightline.flow-default');
    expect(flow.map((d) => d.id).sort()).toEqual(evs.filter((e) => e.event_kind === 'flow').map((e) => e.event_id).sort());
    expect(flow[0]!.source['source']).toMatchObject({ ip: '10.1.2.3', port: expect.any(Number) });
    const alert = { ...evs[1]!, score_model: 'lda', score_value: 0.01, score_risk: 99 } as OdmEvent;
    await deliver(sink, { stream: 'alerts', events: [alert] });
    const a = es.documents('logs-sightline.alerts-default');
    expect(a.map((d) => d.id)).toEqual([`${alert.event_id}.lda`]);
    expect(a[0]!.source['event']).toMatchObject({ kind: 'alert', risk_score: 0.01 });
    await sink.close();
  });

  it('in index mode writes to the index of the event\'s own UTC day (so a retry lands in the same index)', async () => {
    es = await FakeElastic.start();
    const sink = await sinkFor(es, { mode: 'index' });
    await deliver(sink, { stream: 'events', events: [EventFixtures.flow({ event_time: Date.UTC(2025, 11, 31, 23, 59, 59) })] });
    expect(es.documents().map((d) => d.target)).toEqual(['sightline-flow-2025.12.31']);
    expect(es.templates.has('sightline-flow')).toBe(true);
    expect([...es.templates.values()].map((t) => (t['index_patterns'] as string[])[0]).sort()).toEqual(['sightline-alerts-*', 'sightline-dns-*', 'sightline-flow-*', 'sightline-proxy-*']);
    await sink.close();
  });

  it('splits batches by count and by bytes', async () => {
    es = await FakeElastic.start();
    const sink = await sinkFor(es, { batch: { max_events: 10, max_bytes: '4KiB' } });
    const before = es.bulkRequests;
    await deliver(sink, { stream: 'events', events: events(35) });
    const sizes = es.requests.filter((r) => r.path === '/_bulk').map((r) => r.bytes);
    expect(es.bulkRequests - before).toBeGreaterThanOrEqual(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(es.documents()).toHaveLength(35);
    await sink.close();
  });
});

// Each fault: every event ends delivered exactly once (by _id: one successful write each) or dead-lettered with
// the cluster's reason, and delivered + dead-lettered equals what was sent.
describe('elastic sink: faults end delivered exactly once or dead-lettered with a reason', () => {
  let es: FakeElastic | undefined;
  afterEach(async () => es?.close());

  const cases: { name: string; faults: (es: FakeElastic, evs: OdmEvent[]) => void; config?: Record<string, unknown>; dead: number; reason?: RegExp }[] = [
    { name: 'per-item 429s', faults: (f) => f.fail({ kind: 'item', status: 429, times: 25 }), dead: 0 },
    { name: 'per-item 500 / 503', faults: (f) => f.fail({ kind: 'item', status: 500, times: 10 }).fail({ kind: 'item', status: 503, times: 10 }), dead: 0 },
    {
      name: 'mapping errors (scripted 400s)',
      faults: (f, evs) => {
        const bad = new Set([evs[3]!.event_id, evs[17]!.event_id]);
        f.fail({ kind: 'item', status: 400, times: 2, match: (id) => bad.has(id ?? ''), error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [x]' } });
      },
      dead: 2,
      reason: /400 mapper_parsing_exception: failed to parse field \[x\]/,
    },
    {
      name: 'mapping errors from the template (an address field that is not an address)',
      faults: (_f, evs) => {
        (evs[5] as { src_ip: string }).src_ip = 'not-an-ip';
      },
      dead: 1,
      reason: /failed to parse field \[source\.ip\] of type \[ip\]/,
    },
    { name: 'whole-request 503 with Retry-After, then 429', faults: (f) => f.fail({ kind: 'http', status: 503, times: 2, retryAfterSeconds: 0 }).fail({ kind: 'http', status: 429, times: 1 }), dead: 0 },
    { name: 'slow responses (past the request timeout, after the documents landed)', faults: (f) => f.fail({ kind: 'delay', ms: 1500, times: 2 }), config: { request_timeout: '300ms' }, dead: 0 },
    { name: 'dropped connections before the bulk is applied', faults: (f) => f.fail({ kind: 'drop', when: 'before', times: 3 }), dead: 0 },
    { name: 'dropped connections after the bulk is applied', faults: (f) => f.fail({ kind: 'drop', when: 'after', times: 3 }), dead: 0 },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      es = await FakeElastic.start();
      const sink = await sinkFor(es, { batch: { max_events: 10 }, concurrency: 3, ...c.config });
      const evs = events(60);
      c.faults(es, evs);
      const { report, dead } = await deliver(sink, { stream: 'events', events: evs });
      const docs = es.documents();
      expect(docs.every((d) => d.writes === 1), 'a document was written twice').toBe(true);
      const acc = accounting(evs, docs.map((d) => d.id), dead.map((d) => d.event.event_id));
      expect(acc).toEqual({ duplicates: 0, overlap: 0, missing: 0, unknown: 0, sum: 60 });
      expect(report.delivered + report.deadLettered).toBe(60);
      expect(report.delivered).toBe(docs.length);
      expect(dead).toHaveLength(c.dead);
      if (c.reason !== undefined) for (const d of dead) expect(d.error.message).toMatch(c.reason);
      expect(es.pendingFaults()).toBe(0);
      await sink.close();
    });
  }

  it('413: halves the request until it fits, and dead-letters a single document larger than the limit', async () => {
    es = await FakeElastic.start({ maxContentLength: 6000 });
    const sink = await sinkFor(es, { batch: { max_events: 1000, max_bytes: '1MiB' }, setup: false });
    const evs = events(40);
    (evs[7] as { raw: string }).raw = 'x'.repeat(7000);
    const { report, dead } = await deliver(sink, { stream: 'events', events: evs });
    expect(report.delivered).toBe(39);
    expect(dead.map((d) => [d.event.event_id, d.error.code])).toEqual([[evs[7]!.event_id, 'SL_ELASTIC_DOCUMENT_TOO_LARGE']]);
    expect(es.documents()).toHaveLength(39);
    await sink.close();
  });

  it('dead-letters the batch with the cluster\'s reason when the deadline passes while the cluster stays busy', async () => {
    es = await FakeElastic.start();
    const sink = await sinkFor(es);
    es.fail({ kind: 'http', status: 503, times: 1000 });
    const evs = events(5);
    const { report, dead } = await deliver(sink, { stream: 'events', events: evs }, { deadlineMs: 300 });
    expect(report.deadLettered).toBe(5);
    expect(dead[0]!.error.code).toBe('SL_SINK_DEADLINE');
    expect(dead[0]!.error.message).toMatch(/answered 503/);
    await sink.close();
  });
});

describe('elastic sink: connection, auth, TLS, health', () => {
  let es: FakeElastic | undefined;
  afterEach(async () => es?.close());

  it('authenticates with an API key or user and password, and fails to start with a clear error on wrong credentials', async () => {
    es = await FakeElastic.start({ apiKey: 'a2V5', basic: { username: 'u', password: 'p' } });
    await (await sinkFor(es, { auth: { api_key: 'a2V5' } })).close();
    await (await sinkFor(es, { auth: { username: 'u', password: 'p' } })).close();
    const err = await sinkFor(es, { auth: { api_key: 'd3Jvbmc=' } }).catch((e: unknown) => e);
    expect(SightlineError.isCode(err, 'SL_ELASTIC_AUTH_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/answered 401 \(security_exception/);
  });

  it('trusts a cluster certificate signed by the configured CA, and refuses it without the CA', async () => {
    const certs = makeCertificates();
    if (certs === undefined) {
      console.warn('[elastic] openssl is not installed: the custom-CA test is skipped');
      return;
    }
    es = await FakeElastic.start({ tls: { key: certs.key, cert: certs.cert } });
    const sink = await sinkFor(es, { tls: { ca_file: certs.caFile } });
    expect((await sink.healthcheck()).ok).toBe(true);
    const { report } = await deliver(sink, { stream: 'events', events: events(3) });
    expect(report.delivered).toBe(3);
    await sink.close();
    const ctx = createTestContext();
    const untrusting = (await instantiate(manifest, { node: es.url, setup: false }, ctx)) as ElasticSink;
    const h = await untrusting.healthcheck();
    expect(h.ok).toBe(false);
    expect(h.message).toMatch(/could not be reached|certificate/i);
    await untrusting.close();
  });

  it('derives the node from an Elastic Cloud id', async () => {
    const id = `my-deployment:${Buffer.from('eu-west-1.aws.found.io:443$abc123$kib456').toString('base64')}`;
    const sink = (await instantiate(manifest, { cloud_id: id, auth: { api_key: 'k' }, setup: false })) as ElasticSink;
    const urls = (sink.client.connectionPool as unknown as { connections: { url: URL }[] }).connections.map((c) => c.url.href);
    expect(urls).toEqual(['https://abc123.eu-west-1.aws.found.io/']);
    await sink.close();
  });

  it('reports health green/yellow as ok and red or unreachable as not ok', async () => {
    es = await FakeElastic.start({ health: 'yellow' });
    const sink = await sinkFor(es);
    expect(await sink.healthcheck()).toMatchObject({ ok: true, message: expect.stringMatching(/is yellow/) });
    es.health = 'red';
    expect(await sink.healthcheck()).toMatchObject({ ok: false, message: expect.stringMatching(/is red/) });
    await es.close();
    es = undefined;
    expect(await sink.healthcheck()).toMatchObject({ ok: false, message: expect.stringMatching(/could not be reached/) });
    await sink.close();
  });

  it('starts when the cluster is down, answers writes as retryable, and installs templates once it is up', async () => {
    es = await FakeElastic.start();
    const url = es.url;
    await es.close();
    es = undefined;
    const ctx = createTestContext({ step: 'elastic' });
    const sink = (await instantiate(manifest, { node: url }, ctx)) as ElasticSink;
    await sink.open(ctx);
    expect(ctx.logger.lines.some((l) => l.level === 'warn' && /not ready/.test(l.message))).toBe(true);
    const r = await sink.write({ stream: 'events', events: events(2) }, ctx);
    expect(r.status).toBe('retryable');
    await sink.close();
  });

  it('refuses to start against something that is not Elasticsearch 8 or 9', async () => {
    es = await FakeElastic.start({ version: '7.17.0' });
    const err = await sinkFor(es).catch((e: unknown) => e);
    expect(SightlineError.isCode(err, 'SL_ELASTIC_UNSUPPORTED_VERSION')).toBe(true);
  });

  it('works against a 9.x cluster (the 8.x client\'s compatible-with=8 headers are accepted by 9.x)', async () => {
    es = await FakeElastic.start({ version: '9.2.0' });
    const sink = await sinkFor(es);
    expect(sink.version).toBe('9.2.0');
    expect((await deliver(sink, { stream: 'events', events: events(6) })).report.delivered).toBe(6);
    await sink.close();
  });
});

// Opt-in: a real cluster. SIGHTLINE_ELASTIC_URL (+ SIGHTLINE_ELASTIC_API_KEY or _USERNAME/_PASSWORD, _CA_FILE).
const realUrl = process.env['SIGHTLINE_ELASTIC_URL'];
describe.skipIf(realUrl === undefined)(`elastic sink against a real cluster${realUrl === undefined ? ' (skipped: set SIGHTLINE_ELASTIC_URL)' : ''}`, () => {
  it('installs templates, writes events idempotently and counts them back', async () => {
    const env = process.env;
    const auth = env['SIGHTLINE_ELASTIC_API_KEY'] !== undefined ? { api_key: env['SIGHTLINE_ELASTIC_API_KEY'] } : env['SIGHTLINE_ELASTIC_USERNAME'] !== undefined ? { username: env['SIGHTLINE_ELASTIC_USERNAME'], password: env['SIGHTLINE_ELASTIC_PASSWORD'] ?? '' } : undefined;
    const namespace = `sltest${Date.now()}`;
    const ctx = createTestContext({ step: 'elastic' });
    const sink = (await instantiate(manifest, { node: realUrl, namespace, ...(auth === undefined ? {} : { auth }), ...(env['SIGHTLINE_ELASTIC_CA_FILE'] === undefined ? {} : { tls: { ca_file: env['SIGHTLINE_ELASTIC_CA_FILE'] } }) }, ctx)) as ElasticSink;
    await sink.open(ctx);
    const evs = events(30);
    for (let i = 0; i < 2; i++) expect((await deliver(sink, { stream: 'events', events: evs })).report.delivered).toBe(30);
    const streams = ['flow', 'dns', 'proxy'].map((k) => `logs-sightline.${k}-${namespace}`);
    await sink.client.indices.refresh({ index: streams.join(',') });
    const { count } = await sink.client.count({ index: streams.join(',') });
    expect(count).toBe(30);
    for (const s of streams) await sink.client.indices.deleteDataStream({ name: s }).catch(() => undefined);
    await sink.close();
  });
});

void writeFileSync;
void join;
