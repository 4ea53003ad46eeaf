import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Enricher, type OdmEvent, SightlineError, definePlugin } from '@sightline/core';
import { EventFixtures } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { RatingsStore } from '../src/index.js';
import { registry, run, spec, tempDir } from './helpers.js';
import { LocalRunner } from '../src/index.js';

const ndjson = (events: readonly OdmEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
const readNdjson = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('LocalRunner', () => {
  it('decodes, enriches and delivers every event of an input, with counts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(EventFixtures.mixed(2500)));
    const { summary, sink } = await run(
      {
        inputs: [{ type: 'file', path: 'in.ndjson' }],
        enrichers: [{ use: 'map', config: { lookups: [{ field: 'src_ip', table: { '10.1.2.3': { src_zone: 'office' } } }] } }],
        sinks: [{ use: 'memory' }],
      },
      { baseDir: dir },
    );
    expect(summary.status).toBe('completed');
    expect(summary.counts).toMatchObject({ eventsDecoded: 2500, eventsForwarded: 2500, delivered: 2500, deadLettered: 0 });
    expect(summary.inputs[0]).toMatchObject({ decoder: 'odm-ndjson', events: 2500, issues: 0 });
    expect(sink().events.size).toBe(2500);
    const e = [...sink().events.values()].find((x) => x.src_ip === '10.1.2.3')!;
    expect(e.src_zone).toBe('office');
    expect(e.event_source).toBe(join(dir, 'in.ndjson'));
    expect(existsSync(join(summary.runDir, 'summary.json'))).toBe(true);
  });

  it('quarantines bad records with file, line and reason, and goes on', async () => {
    const dir = tempDir();
    const good = EventFixtures.mixed(3).map((e) => JSON.stringify(e));
    writeFileSync(join(dir, 'in.ndjson'), [good[0], 'garbage', good[1], '{"event_kind":"flow"}', good[2]].join('\n') + '\n');
    const { summary, sink } = await run({ inputs: [{ type: 'file', path: 'in.ndjson' }], sinks: [{ use: 'memory' }] }, { baseDir: dir });
    expect(sink().events.size).toBe(3);
    expect(summary.counts.quarantined).toEqual({ decode: 2 });
    const q = readNdjson(join(summary.runDir, 'quarantine', 'decode.ndjson'));
    expect(q.map((r) => [r['line'], r['code'], r['source'], r['stage'], r['plugin']])).toEqual([
      [2, 'SL_DECODE_MALFORMED', join(dir, 'in.ndjson'), 'decode', 'odm-ndjson'],
      [4, 'SL_DECODE_MALFORMED', join(dir, 'in.ndjson'), 'decode', 'odm-ndjson'],
    ]);
    expect(q[0]!['raw']).toBe('garbage');
  });

  it('reads gzip inputs and globs, and stops before processing when an input is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.ndjson.gz'), gzipSync(ndjson(EventFixtures.mixed(10))));
    writeFileSync(join(dir, 'b.ndjson.gz'), gzipSync(ndjson(EventFixtures.mixed(20).slice(10))));
    const { summary } = await run({ inputs: [{ type: 'file', path: '*.ndjson.gz' }], sinks: [{ use: 'memory' }] }, { baseDir: dir });
    expect(summary.inputs.map((i) => i.events)).toEqual([10, 10]);
    const runner = new LocalRunner({ spec: spec({ inputs: [{ type: 'file', path: 'missing.ndjson' }], sinks: [{ use: 'memory' }] }, dir), registry: registry() });
    await expect(runner.run()).rejects.toMatchObject({ code: 'SL_INPUT_NOT_FOUND', message: expect.stringContaining('missing.ndjson does not exist') });
  });

  it('quarantines an input no decoder recognises, with its first bytes, and reads the others', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.bin'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));
    writeFileSync(join(dir, 'b.ndjson'), ndjson(EventFixtures.mixed(4)));
    const { summary } = await run({ inputs: [{ type: 'file', path: ['a.bin', 'b.ndjson'] }], sinks: [{ use: 'memory' }] }, { baseDir: dir });
    expect(summary.inputFailures).toBe(1);
    expect(summary.counts.eventsDecoded).toBe(4);
    const q = readNdjson(join(summary.runDir, 'quarantine', 'input.ndjson'));
    expect(q[0]).toMatchObject({ code: 'SL_INPUT_UNKNOWN_FORMAT', raw: Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3]).toString('base64'), raw_encoding: 'base64' });
  });

  it('fits a model per window, ranks the most suspicious first and delivers the top N as alerts', async () => {
    const t0 = Date.UTC(2026, 0, 5, 0, 0, 0);
    const events: OdmEvent[] = [];
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 200; i++) events.push(EventFixtures.flow({ event_time: t0 + h * 3_600_000 + i * 1000, dst_port: 443 }, h * 1000 + i));
      events.push(EventFixtures.flow({ event_time: t0 + h * 3_600_000 + 500_000, dst_port: 6667 }, h * 1000 + 999));
    }
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(events));
    const { summary, sink } = await run(
      { inputs: [{ type: 'file', path: 'in.ndjson' }], window: { size: '1h', lateness: '1m' }, models: [{ use: 'rarity', top_n: 3 }], sinks: [{ use: 'memory', deliver: 'both' }] },
      { baseDir: dir },
    );
    expect(summary.windows.map((w) => [w.start, w.models[0]!.scored, w.models[0]!.alerts])).toEqual([
      ['2026-01-05T00:00:00.000Z', 201, 3],
      ['2026-01-05T01:00:00.000Z', 201, 3],
    ]);
    const alerts = [...sink().alerts.values()].sort((a, b) => a.score_window_start! - b.score_window_start! || a.score_rank! - b.score_rank!);
    expect(alerts).toHaveLength(6);
    expect(alerts[0]).toMatchObject({ dst_port: 6667, score_rank: 1, score_model: 'rarity', score_order: 'asc', score_window_start: t0, score_risk: 100 });
    expect(alerts[3]).toMatchObject({ dst_port: 6667, score_rank: 1, score_window_start: t0 + 3_600_000 });
    expect(alerts[1]!.score_value!).toBeGreaterThanOrEqual(alerts[0]!.score_value!);
    expect(summary.windows[0]!.models[0]!.top![0]).toMatchObject({ rank: 1, what: 'TCP :6667 5230 B' });
    // The fitted states are kept for the next run.
    expect(readdirSync(join(dir, 'out', 'state', 'rarity', 'states'))).toContain('LATEST');
  });

  it('quarantines events that arrive after their window closed, and still delivers them', async () => {
    const t0 = Date.UTC(2026, 0, 5);
    const events = [EventFixtures.flow({ event_time: t0 }, 1), EventFixtures.flow({ event_time: t0 + 2 * 3_600_000 }, 2), EventFixtures.flow({ event_time: t0 + 60_000 }, 3)];
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(events));
    const { summary, sink } = await run(
      { inputs: [{ type: 'file', path: 'in.ndjson' }], batch_size: 1, window: { size: '1h', lateness: '1m' }, models: [{ use: 'rarity' }], sinks: [{ use: 'memory' }] },
      { baseDir: dir },
    );
    expect(summary.counts.eventsLate).toBe(1);
    expect(sink().events.size).toBe(3);
    expect(readNdjson(join(summary.runDir, 'quarantine', 'model.ndjson'))[0]).toMatchObject({ code: 'SL_MODEL_LATE_EVENT', event_id: events[2]!.event_id });
  });

  it('marks alerts an analyst already rated, from the durable ratings store', async () => {
    const dir = tempDir();
    const events = [...Array.from({ length: 20 }, (_, i) => EventFixtures.flow({}, i)), EventFixtures.flow({ dst_port: 22 }, 50)];
    writeFileSync(join(dir, 'in.ndjson'), ndjson(events));
    await new RatingsStore(join(dir, 'out', 'state', 'feedback', 'ratings.ndjson')).add({ rating: 1, event_kind: 'flow', match: { src_ip: '10.1.2.3', dst_port: 22 } });
    const { sink } = await run({ inputs: [{ type: 'file', path: 'in.ndjson' }], models: [{ use: 'rarity', top_n: 1 }], sinks: [{ use: 'memory', deliver: 'alerts' }] }, { baseDir: dir });
    expect([...sink().alerts.values()][0]).toMatchObject({ dst_port: 22, score_feedback: 1 });
  });

  it('dead-letters what a sink cannot deliver, with the reason, and the counts add up', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(EventFixtures.mixed(30)));
    const { summary } = await run(
      { inputs: [{ type: 'file', path: 'in.ndjson' }], batch_size: 10, sinks: [{ use: 'memory', config: { fail: { mode: 'failure', times: 2 } } }, { use: 'memory', name: 'flaky', config: { fail: { mode: 'partial', times: 100 } }, retry: { initial_delay: 1, max_delay: 2, deadline: 50 } }] },
      { baseDir: dir },
    );
    const memory = summary.sinks.find((s) => s.step === 'memory')!;
    expect(memory.delivered.events + memory.deadLettered).toBe(30);
    expect(memory.deadLettered).toBe(20);
    const flaky = summary.sinks.find((s) => s.step === 'flaky')!;
    expect(flaky.delivered.events + flaky.deadLettered).toBe(30);
    const dl = readNdjson(join(summary.runDir, 'dead-letter', 'memory.ndjson'));
    expect(dl).toHaveLength(20);
    expect(dl[0]).toMatchObject({ sink: 'memory', stream: 'events', error: { code: 'SL_SINK_REJECTED' } });
    expect((dl[0]!['event'] as OdmEvent).event_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('catches a plugin that emits events outside the data model: quarantined, reported, not delivered', async () => {
    const corrupt = definePlugin({
      name: 'corrupt',
      kind: 'enricher',
      version: '1.0.0',
      core: '^0.1.0',
      description: 'sets a latitude out of range on every fifth event',
      configSchema: { type: 'object' },
      create: (): Enricher => ({
        name: 'corrupt',
        enrich(events) {
          events.forEach((e, i) => i % 5 === 0 && ((e as { src_lat?: number }).src_lat = 123));
        },
      }),
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(EventFixtures.mixed(50)));
    const { summary, sink } = await run({ inputs: [{ type: 'file', path: 'in.ndjson' }], enrichers: [{ use: 'corrupt' }], sinks: [{ use: 'memory' }] }, { baseDir: dir, extra: [corrupt] });
    expect(summary.violations).toEqual([{ step: 'corrupt', plugin: 'corrupt', count: 10, first: expect.stringContaining('src_lat must be <= 90') }]);
    expect(sink().events.size).toBe(40);
    expect(readNdjson(join(summary.runDir, 'quarantine', 'plugin.ndjson'))).toHaveLength(10);
  });

  it('survives an enricher that throws: the events go on without its context', async () => {
    const thrower = definePlugin({
      name: 'thrower',
      kind: 'enricher',
      version: '1.0.0',
      core: '^0.1.0',
      description: 'throws',
      configSchema: { type: 'object' },
      create: (): Enricher => ({
        name: 'thrower',
        enrich() {
          throw new Error('lookup table exploded');
        },
      }),
    });
    const dir = tempDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(EventFixtures.mixed(5)));
    const { summary, sink } = await run({ inputs: [{ type: 'file', path: 'in.ndjson' }], enrichers: [{ use: 'thrower' }], sinks: [{ use: 'memory' }] }, { baseDir: dir, extra: [thrower] });
    expect(sink().events.size).toBe(5);
    expect(summary.violations[0]).toMatchObject({ step: 'thrower', first: expect.stringContaining('lookup table exploded') });
  });

  it('refuses to start with an unknown plugin, naming the step, its line and the known ones', async () => {
    const runner = new LocalRunner({ spec: spec({ sinks: [{ use: 'elastic-search' }] }), registry: registry() });
    const err = await runner.run().catch((e: unknown) => e);
    expect(SightlineError.isCode(err, 'SL_PLUGIN_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain('sinks[0].use');
    expect((err as Error).message).toContain('Known sinks: console, memory');
  });

  it('refuses bad plugin settings before creating anything, all problems at once', async () => {
    const runner = new LocalRunner({ spec: spec({ models: [{ use: 'rarity', config: { alpha: -1 } }], sinks: [{ use: 'memory', config: { fail: { mode: 'sometimes' } } }] }), registry: registry() });
    const err = (await runner.run().catch((e: unknown) => e)) as SightlineError;
    expect(err.code).toBe('SL_PLUGIN_CONFIG_INVALID');
    expect(err.message).toContain('models[0].config.alpha: must be > 0');
    expect(err.message).toContain('sinks[0].config.fail.mode: must be one of "retryable", "failure", "partial"');
    expect(err.message).toContain('sinks[0].config.fail.times: is required');
  });

  it('stops when asked, finalising what it wrote', async () => {
    const controller = new AbortController();
    const p = run(
      { inputs: [{ type: 'synthetic', kind: 'proxy', events: 2_000_000 }], sinks: [{ use: 'memory' }] },
      { signal: controller.signal, onProgress: (pr) => pr.eventsDecoded > 5000 && controller.abort(), progressIntervalMs: 20 },
    );
    const { summary, sink } = await p;
    expect(summary.status).toBe('interrupted');
    expect(summary.counts.eventsDecoded).toBeLessThan(2_000_000);
    expect(sink().closed).toBe(1);
  });
});

describe('inputs', () => {
  it('listens on UDP: one datagram is one chunk, with its sender, until idle', async () => {
    const { createSocket } = await import('node:dgram');
    const events = EventFixtures.mixed(20);
    let port = 0;
    const listening = new Promise<void>((resolve) => {
      void run(
        { inputs: [{ type: 'udp', port: 0, idle_timeout: '400ms', decoder: 'odm-ndjson' }], sinks: [{ use: 'memory' }] },
        { onListening: (_a, p) => ((port = p), resolve()) },
      ).then((r) => done(r));
    });
    let done!: (r: Awaited<ReturnType<typeof run>>) => void;
    const finished = new Promise<Awaited<ReturnType<typeof run>>>((r) => (done = r));
    await listening;
    const sock = createSocket('udp4');
    for (let i = 0; i < events.length; i += 5) {
      const payload = Buffer.from(ndjson(events.slice(i, i + 5)));
      await new Promise<void>((r) => sock.send(payload, port, '127.0.0.1', () => r()));
    }
    sock.close();
    const { summary, sink } = await finished;
    expect(sink().events.size).toBe(20);
    expect(summary.inputs[0]!.name).toBe('udp://127.0.0.1:0');
    expect(summary.inputs[0]!.stats).toMatchObject({ received: 4, dropped_queue: 0 });
    expect(summary.counts.dropped).toBe(0);
  });

  it('watches a folder: reads files that appear, once each, after they stop growing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'first.ndjson'), ndjson(EventFixtures.mixed(3)));
    const controller = new AbortController();
    const p = run(
      { inputs: [{ type: 'directory', path: '.', pattern: '*.ndjson', watch: true, poll: '50ms', settle: '100ms' }], sinks: [{ use: 'memory' }] },
      { baseDir: dir, signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 400));
    writeFileSync(join(dir, 'second.ndjson'), ndjson(EventFixtures.mixed(10).slice(3)));
    writeFileSync(join(dir, 'ignored.txt'), 'not matching');
    await new Promise((r) => setTimeout(r, 600));
    controller.abort();
    const { summary, sink } = await p;
    expect(summary.inputs.map((i) => i.name.split('/').pop())).toEqual(['first.ndjson', 'second.ndjson']);
    expect(sink().events.size).toBe(10);
  });
});
