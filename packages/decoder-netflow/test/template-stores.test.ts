import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../../test/global-setup.js';
import { InMemoryTemplateStore, RedisTemplateStore, TEMPLATE_STORE_FACTORY, type TemplateStore, type TemplateStoreFactory, manifest } from '../src/index.js';
import type { NetflowDecoder } from '../src/decoder.js';
import { V9_FLOW_FIELDS, v9Packet } from './encode.js';
import { datagrams, decodeWith, makeDecoder } from './helpers.js';

const SECS = 1_700_000_000;
const row = (i: number): (number | string)[] => [`10.0.0.${i}`, '10.9.9.9', 1000 + i, 443, 6, 0x12, 0, 100 * i, i, 1000, 2000, 1, 2];
const templatePacket = v9Packet({ uptime: 5000, secs: SECS, sets: [{ template: [{ id: 256, fields: V9_FLOW_FIELDS }] }] });
const dataPacket = (i: number): Uint8Array => v9Packet({ uptime: 5000, secs: SECS, seq: i, sets: [{ data: { id: 256, fields: V9_FLOW_FIELDS, rows: [row(i)] } }] });

describe('template store through the plugin module', () => {
  it('lets a runtime rebind the store factory in the pipeline container, and the decoder uses what it gets', async () => {
    const shared = new InMemoryTemplateStore(0);
    const seen: string[] = [];
    const factory: TemplateStoreFactory = (config) => {
      seen.push(config.store);
      return shared;
    };
    const ctx = createTestContext({ step: 'netflow' });
    // What a runtime does: bind its own factory before the plugin's module loads (the module only binds a default).
    const { PipelineContainer } = await import('@sightline/core');
    const container = new PipelineContainer();
    container.provide(TEMPLATE_STORE_FACTORY, factory);
    const a = (await container.create(manifest, { templates: { store: 'memory', ttl: 0, redis_url: '', redis_prefix: '', persist: '', pending_max_bytes: '1MiB', pending_max_age: '1m' } }, ctx)) as NetflowDecoder;
    const b = (await container.create(manifest, { templates: { store: 'memory', ttl: 0, redis_url: '', redis_prefix: '', persist: '', pending_max_bytes: '1MiB', pending_max_age: '1m' } }, ctx)) as NetflowDecoder;
    expect(seen).toEqual(['memory', 'memory']);
    // Worker a sees the template; worker b, with data only, finds it in the shared store.
    await decodeWith(a, { ...ctx, logger: ctx.logger }, datagrams('a', [{ bytes: templatePacket }]));
    const out = await decodeWith(b, ctx, datagrams('b', [{ bytes: dataPacket(1) }]));
    expect(out.issues).toEqual([]);
    expect(out.events.map((e) => e.src_ip)).toEqual(['10.0.0.1']);
  });
});

describe('template persistence', () => {
  it('saves templates to a file in the state folder and a restarted decoder decodes data at once', async () => {
    const ctx = createTestContext({ step: 'netflow' });
    const config = { templates: { persist: 'templates.json' } };
    const first = (await instantiate(manifest, config, ctx)) as NetflowDecoder;
    await decodeWith(first, ctx, datagrams('before restart', [{ bytes: templatePacket }]));
    await first.close();
    const file = join(ctx.stateDir, 'templates.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).templates).toHaveLength(1);
    const second = (await instantiate(manifest, config, ctx)) as NetflowDecoder;
    const out = await decodeWith(second, ctx, datagrams('after restart', [{ bytes: dataPacket(2) }]));
    await second.close();
    expect(out.issues).toEqual([]);
    expect(out.events.map((e) => e.src_ip)).toEqual(['10.0.0.2']);
  });
});

const redisUp = await redisAnswers();
const prefix = `sightline-test:netflow:${process.pid}:`;
describe.skipIf(!redisUp)(`Redis template store${redisUp ? '' : ' (skipped: no Redis answers on 127.0.0.1:6379)'}`, () => {
  const admin = redisUp ? new Redis('redis://127.0.0.1:6379', { lazyConnect: true }) : undefined;
  afterAll(async () => {
    if (admin === undefined) return;
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('shares templates between two decode workers through the real Redis, with expiry and withdrawal', async () => {
    const config = { templates: { store: 'redis', redis_url: 'redis://127.0.0.1:6379', redis_prefix: prefix, ttl: '1h' } };
    const w1 = await makeDecoder(config);
    const w2 = await makeDecoder(config);
    await decodeWith(w1.decoder, w1.ctx, datagrams('worker 1', [{ bytes: templatePacket }]));
    const keys = await admin!.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}192.0.2.1:2055|9|0|256`]);
    expect(await admin!.pttl(keys[0]!)).toBeGreaterThan(3_500_000);
    const out = await decodeWith(w2.decoder, w2.ctx, datagrams('worker 2', [{ bytes: dataPacket(3) }]));
    expect(out.issues).toEqual([]);
    expect(out.events.map((e) => e.src_ip)).toEqual(['10.0.0.3']);
    // Expiry by input time: data two hours later does not use the stored template.
    const late = await decodeWith((await makeDecoder(config)).decoder, w2.ctx, datagrams('late', [{ bytes: dataPacket(4), at: Date.parse('2030-01-01') }]));
    expect(late.issues.map((i) => i.code)).toEqual(['SL_NETFLOW_TEMPLATE_MISSING']);
    const store: TemplateStore = new RedisTemplateStore({ url: 'redis://127.0.0.1:6379', prefix, ttlMs: 3_600_000 });
    expect((await store.list(1_700_000_000_000)).map((t) => t.key.templateId)).toEqual([256]);
    await store.deleteAll('192.0.2.1:2055', 9, 0, false);
    expect(await store.list(1_700_000_000_000)).toEqual([]);
    await store.close();
    await w1.decoder.close();
    await w2.decoder.close();
  });

  it('goes on with its own templates, and says so once, when Redis cannot be reached', async () => {
    const { decoder, ctx } = await makeDecoder({ templates: { store: 'redis', redis_url: 'redis://127.0.0.1:1', redis_prefix: prefix } });
    const out = await decodeWith(decoder, ctx, datagrams('no redis', [{ bytes: templatePacket }, { bytes: dataPacket(5) }, { bytes: dataPacket(6) }]));
    await decoder.close();
    expect(out.events.map((e) => e.src_ip)).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(out.issues.map((i) => i.code)).toEqual(['SL_NETFLOW_TEMPLATE_STORE']);
  });
});

describe('in a pipeline', () => {
  it('collects export packets from the udp input on 127.0.0.1 and delivers flow events, exporter = datagram sender', async () => {
    const registry = new PluginRegistry();
    for (const m of [...referenceManifests, manifest]) registry.register(m);
    let port = 0;
    let ready!: () => void;
    const listening = new Promise<void>((r) => (ready = r));
    const runner = new LocalRunner({
      spec: parsePipelineConfig({ name: 'nf', output: 'out', inputs: [{ type: 'udp', port: 0, idle_timeout: '600ms' }], decoders: [{ use: 'netflow' }], sinks: [{ use: 'memory' }] }, { baseDir: createTestContext().baseDir }),
      registry,
      logger: new StreamLogger({ level: 'error', write: () => undefined }),
      onListening: (_a, p) => {
        port = p;
        ready();
      },
    });
    const done = runner.run();
    await listening;
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    for (const p of [templatePacket, dataPacket(7), dataPacket(8)]) await new Promise<void>((r) => sock.send(p, port, '127.0.0.1', () => r()));
    const from = sock.address().port;
    sock.close();
    const summary = await done;
    const events = [...(runner.pipeline!.sinks[0]!.instance as unknown as { events: Map<string, { src_ip: string; dvc_ip: string; dvc_port: number }> }).events.values()];
    expect(summary.inputs[0]).toMatchObject({ decoder: 'netflow', events: 2, issues: 0 });
    expect(events.map((e) => [e.src_ip, e.dvc_ip, e.dvc_port])).toEqual([
      ['10.0.0.7', '127.0.0.1', from],
      ['10.0.0.8', '127.0.0.1', from],
    ]);
  });
});
