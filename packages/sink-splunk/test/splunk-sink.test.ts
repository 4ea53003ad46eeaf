import { InMemoryDeadLetterStore, type OdmEvent, RetryingSink, SightlineError, type SinkBatch } from '@sightline/core';
import { EventFixtures, FakeSplunk, createTestContext, instantiate, registerConformance, sinkConformance } from '@sightline/core/testkit';
// @ts-expect-error splunk-logging ships no types
import splunkLogging from 'splunk-logging';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SplunkSink, manifest } from '../src/index.js';

async function sinkFor(hec: FakeSplunk, config: Record<string, unknown> = {}): Promise<SplunkSink> {
  return (await instantiate(manifest, { url: hec.url, token: 'test-token', request_timeout: '2s', ...config })) as SplunkSink;
}

async function deliver(sink: SplunkSink, batch: SinkBatch, deadlineMs = 20_000) {
  const dl = new InMemoryDeadLetterStore();
  const report = await new RetryingSink(sink, { policy: { initialDelayMs: 5, maxDelayMs: 50, deadlineMs, maxAttempts: 50 }, deadLetter: dl, pipeline: 'test' }).deliver(batch, createTestContext());
  return { report, dead: dl.records };
}

describe('FakeSplunk answers the real splunk-logging client as HEC would', () => {
  let hec: FakeSplunk | undefined;
  afterEach(async () => hec?.close());
  it('accepts a batch from splunk-logging, and reports HEC error bodies that the client passes to its error handler', async () => {
    hec = await FakeSplunk.start();
    const url = new URL(hec.url);
    const logger = new splunkLogging.Logger({ token: 'test-token', url: hec.url, host: url.hostname, port: Number(url.port), protocol: 'http', maxBatchCount: 0, maxBatchSize: 0, batchInterval: 0 });
    const send = (payload: unknown) => new Promise<{ body: unknown }>((resolve, reject) => { logger.send({ message: payload }, () => undefined); logger.flush((err: unknown, _resp: unknown, body: unknown) => (err ? reject(err) : resolve({ body }))); });
    const ok = await send({ event_id: 'a', n: 1 });
    expect(ok.body).toEqual({ text: 'Success', code: 0 });
    expect(hec.events).toHaveLength(1);
    expect(hec.events[0]!.event).toMatchObject({ message: { event_id: 'a', n: 1 } });
    const errors: unknown[] = [];
    logger.error = (err: { code?: number; message: string }) => errors.push([err.code, err.message]);
    hec.fail({ kind: 'http', status: 503 });
    await send({ event_id: 'b' });
    expect(errors).toEqual([[9, 'Server is busy']]);
  });
});

describe('splunk sink: conformance against the local HEC', () => {
  let hec: FakeSplunk;
  beforeAll(async () => {
    hec = await FakeSplunk.start({ acks: true });
  });
  afterAll(async () => hec.close());
  registerConformance(sinkConformance({ manifest, config: () => ({ url: hec.url, token: 'test-token', ack: { enabled: true, poll_interval: '10ms' } }) }), { describe, it });
});

describe('splunk sink: events', () => {
  let hec: FakeSplunk | undefined;
  afterEach(async () => hec?.close());
  it('sends CIM-named fields with sourcetype and index per kind, time in seconds, gzip and a channel', async () => {
    hec = await FakeSplunk.start();
    const sink = await sinkFor(hec, { index: { flow: 'netflow', alerts: 'notable' }, channel: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' });
    const evs = EventFixtures.mixed(6);
    expect((await deliver(sink, { stream: 'events', events: evs })).report.delivered).toBe(6);
    const flow = hec.events.find((e) => e.sourcetype === 'sightline:flow')!;
    expect(flow).toMatchObject({ index: 'netflow', source: 'sightline', host: '192.0.2.1', time: evs[0]!.event_time / 1000, channel: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' });
    expect(flow.event).toMatchObject({ src_ip: '10.1.2.3', dest_ip: '198.51.100.20', bytes_out: 5230, transport: 'tcp', event_id: evs[0]!.event_id });
    expect(hec.events.filter((e) => e.sourcetype === 'sightline:dns')[0]!.event).toMatchObject({ query: 'www.example.com', record_type: 'A', reply_code: 'NoError' });
    expect(hec.requests.some((r) => r.headers['content-encoding'] === 'gzip')).toBe(true);
    await deliver(sink, { stream: 'alerts', events: [{ ...evs[2]!, score_model: 'lda', score_severity: 'high' } as OdmEvent] });
    expect(hec.events.at(-1)).toMatchObject({ sourcetype: 'sightline:alert', index: 'notable', event: { signature: 'lda', severity: 'high', http_method: 'GET' } });
    await sink.close();
  });
  it('fails with a clear coded error on a bad token and on an ack-enabled token without acks configured', async () => {
    hec = await FakeSplunk.start({ acks: true });
    const bad = await sinkFor(hec, { token: 'nope' });
    const r = await bad.write({ stream: 'events', events: EventFixtures.mixed(2) }, createTestContext());
    expect(r.status === 'failure' && SightlineError.isCode(r.error, 'SL_SPLUNK_AUTH_FAILED')).toBe(true);
    const noAck = await sinkFor(hec);
    const r2 = await noAck.write({ stream: 'events', events: EventFixtures.mixed(2) }, createTestContext());
    expect(r2.status === 'failure' && SightlineError.isCode(r2.error, 'SL_SPLUNK_CHANNEL') && /Data channel is missing/.test(r2.error.message)).toBe(true);
  });
  it('reports HEC health', async () => {
    hec = await FakeSplunk.start();
    const sink = await sinkFor(hec);
    expect((await sink.healthcheck()).ok).toBe(true);
    hec.healthy = false;
    expect(await sink.healthcheck()).toMatchObject({ ok: false, message: expect.stringMatching(/queues are full/) });
  });
});

// Each fault: every event ends indexed (counted by its event_id) or dead-lettered with HEC's reason, and
// delivered + dead-lettered equals what was sent. HEC has no idempotent ids: where the fault is after indexing
// (a dropped answer), delivery is at least once, and the test says so.
describe('splunk sink: faults end delivered or dead-lettered with a reason', () => {
  let hec: FakeSplunk | undefined;
  afterEach(async () => hec?.close());
  const cases: { name: string; acks?: boolean; faults: (h: FakeSplunk, evs: OdmEvent[]) => void; config?: Record<string, unknown>; dead: number; atLeastOnce?: boolean; reason?: RegExp }[] = [
    { name: '503 server busy (code 9) with Retry-After', faults: (h) => h.fail({ kind: 'http', status: 503, times: 3, retryAfterSeconds: 0 }), dead: 0 },
    { name: '429 too many requests', faults: (h) => h.fail({ kind: 'http', status: 429, times: 2 }), dead: 0 },
    { name: '500 internal error', faults: (h) => h.fail({ kind: 'http', status: 500, code: 8, times: 2 }), dead: 0 },
    {
      name: 'invalid events (code 6 with invalid-event-number)',
      faults: (h, evs) => {
        const bad = new Set([evs[4]!.event_id, evs[33]!.event_id]);
        h.fail({ kind: 'invalid', match: (e) => bad.has(String(e['event_id'])), times: 2 });
      },
      dead: 2,
      reason: /refused event .* code 6 "Invalid data format"/,
    },
    { name: 'slow responses past the request timeout (indexed before the answer: at least once)', faults: (h) => h.fail({ kind: 'delay', ms: 800, times: 1 }), config: { request_timeout: '200ms' }, dead: 0, atLeastOnce: true },
    { name: 'dropped connections before reading the events', faults: (h) => h.fail({ kind: 'drop', when: 'before', times: 3 }), dead: 0 },
    { name: 'dropped connections after indexing (at least once)', faults: (h) => h.fail({ kind: 'drop', when: 'after', times: 2 }), dead: 0, atLeastOnce: true },
    { name: 'unacknowledged batches (lost before indexing) are sent again', acks: true, faults: (h) => h.fail({ kind: 'unacked', times: 2 }), config: { ack: { enabled: true, poll_interval: '20ms', timeout: '200ms' } }, dead: 0 },
    { name: 'acks that arrive late are waited for', acks: true, faults: () => undefined, config: { ack: { enabled: true, poll_interval: '20ms', timeout: '5s' } }, dead: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      hec = await FakeSplunk.start({ acks: c.acks ?? false, ...(c.name.includes('late') ? { ackDelayMs: 150 } : {}) });
      const sink = await sinkFor(hec, { batch: { max_events: 10 }, concurrency: 3, ...c.config });
      const evs = EventFixtures.mixed(60);
      c.faults(hec, evs);
      const { report, dead } = await deliver(sink, { stream: 'events', events: evs });
      const counts = hec.countBy('event_id');
      const deadIds = new Set(dead.map((d) => d.event.event_id));
      for (const e of evs) {
        const n = counts.get(e.event_id) ?? 0;
        if (deadIds.has(e.event_id)) expect(n, 'a dead-lettered event was also indexed').toBe(0);
        else if (c.atLeastOnce === true) expect(n).toBeGreaterThanOrEqual(1);
        else expect(n, `event ${e.event_id} indexed ${n} times`).toBe(1);
      }
      expect(counts.size + deadIds.size).toBe(60);
      expect(report.delivered + report.deadLettered).toBe(60);
      expect(dead).toHaveLength(c.dead);
      if (c.reason !== undefined) for (const d of dead) expect(d.error.message).toMatch(c.reason);
      expect(hec.pendingFaults()).toBe(0);
      if (c.acks === true) expect(hec.ackQueries).toBeGreaterThan(0);
      await sink.close();
    });
  }
  it('dead-letters with the reason when HEC stays busy past the deadline', async () => {
    hec = await FakeSplunk.start();
    hec.fail({ kind: 'http', status: 503, times: 10_000 });
    const sink = await sinkFor(hec);
    const { dead } = await deliver(sink, { stream: 'events', events: EventFixtures.mixed(4) }, 300);
    expect(dead).toHaveLength(4);
    expect(dead[0]!.error.message).toMatch(/503 code 9 "Server is busy"/);
  });
});

const realHec = process.env['SIGHTLINE_SPLUNK_HEC_URL'];
describe.skipIf(realHec === undefined || process.env['SIGHTLINE_SPLUNK_HEC_TOKEN'] === undefined)(`splunk sink against a real HEC${realHec === undefined ? ' (skipped: set SIGHTLINE_SPLUNK_HEC_URL and SIGHTLINE_SPLUNK_HEC_TOKEN)' : ''}`, () => {
  it('delivers a mixed batch (with indexer acknowledgement when SIGHTLINE_SPLUNK_HEC_ACK=1)', async () => {
    const sink = (await instantiate(manifest, { url: realHec, token: process.env['SIGHTLINE_SPLUNK_HEC_TOKEN'], ack: { enabled: process.env['SIGHTLINE_SPLUNK_HEC_ACK'] === '1' }, tls: { reject_unauthorized: process.env['SIGHTLINE_SPLUNK_HEC_INSECURE'] !== '1' } })) as SplunkSink;
    const { report } = await deliver(sink, { stream: 'events', events: EventFixtures.mixed(30) });
    expect(report.delivered).toBe(30);
    await sink.close();
  });
});
