// Benchmark: events/s through the LocalRunner with the reference plugins, i.e. the framework's own overhead per
// event, beside what a user would otherwise write by hand on the same input in the same run (a Node stream
// pipeline), with the ratio. Run with `npm run bench` (root) or `npm run bench -w @sightline/runtime`.
//
//   SIGHTLINE_BENCH_EVENTS=2000000 npm run bench -w @sightline/runtime
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PluginRegistry, assignEventId, definePlugin, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { manifest as fileSink } from '@sightline/sink-file';
import { LocalRunner, StreamLogger, syntheticEvents } from '../dist/index.js';

const N = Number(process.env.SIGHTLINE_BENCH_EVENTS ?? 1_000_000);
const T0 = Date.UTC(2026, 0, 5);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** The same cheap event factory for both sides, so the difference is the pipeline machinery. */
function makeEvent(i) {
  return assignEventId(
    { event_id: '', event_kind: 'flow', event_time: T0 + i, src_ip: `10.1.${(i >> 8) & 255}.${i & 255}`, dst_ip: '198.51.100.20', src_port: 40000 + (i % 20000), dst_port: 443, n_proto: 6, in_bytes: 1000 + (i % 5000), flow_in_packets: 3 },
    i,
  );
}

const generator = definePlugin({
  name: 'bench-generator',
  kind: 'decoder',
  version: '0.0.0',
  core: '^0.1.0',
  description: 'emits N events made in memory',
  configSchema: { type: 'object', properties: { events: { type: 'integer' } }, required: ['events'] },
  create: (config) => ({
    name: 'bench-generator',
    kinds: ['flow'],
    sniff: () => 1,
    async *decode(source, ctx) {
      for await (const _ of source.chunks());
      for (let i = 0; i < config.events; ) {
        const events = [];
        for (let j = 0; j < ctx.batchSize && i < config.events; j++, i++) events.push(makeEvent(i));
        yield { events, issues: [] };
      }
    },
  }),
});

const counter = definePlugin({
  name: 'bench-count',
  kind: 'sink',
  version: '0.0.0',
  core: '^0.1.0',
  description: 'counts',
  configSchema: { type: 'object' },
  create: () => ({ name: 'bench-count', n: 0, async write(b) { this.n += b.events.length; return { status: 'success' }; }, async close() {} }),
});

function registry() {
  const r = new PluginRegistry();
  for (const m of [...referenceManifests, fileSink, generator, counter]) r.register(m);
  return r;
}

async function time(fn) {
  global.gc?.();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const start = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(t);
  return { ms, peakMiB: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20, out };
}

const dir = mkdtempSync(join(tmpdir(), 'sl-bench-'));
const lookups = [{ field: 'src_ip', table: { '10.1.0.1': { src_zone: 'office' } } }];
const quiet = new StreamLogger({ level: 'silent' });

// --- A: framework overhead: in-memory events -> map enricher -> counting sink -------------------------------
writeFileSync(join(dir, 'empty'), '');
const specA = parsePipelineConfig(
  { name: 'bench-a', output: join(dir, 'out-a'), validate: 'off', inputs: [{ type: 'file', path: join(dir, 'empty'), decoder: 'gen' }], decoders: [{ use: 'bench-generator', name: 'gen', config: { events: N } }], enrichers: [{ use: 'map', config: { lookups } }], sinks: [{ use: 'bench-count' }] },
  { baseDir: dir },
);
const sightlineA = await time(() => new LocalRunner({ spec: specA, registry: registry(), logger: quiet }).run());

const peerA = await time(async () => {
  let n = 0;
  const table = new Map(Object.entries(lookups[0].table));
  await pipeline(
    Readable.from((function* () { for (let i = 0; i < N; i++) yield makeEvent(i); })()),
    new Transform({ objectMode: true, transform(e, _enc, cb) { const set = table.get(e.src_ip); if (set) Object.assign(e, set); cb(null, e); } }),
    new Writable({ objectMode: true, write(_e, _enc, cb) { n++; cb(); } }),
  );
  return n;
});

// --- B: the NDJSON path: synthetic events as NDJSON -> odm-ndjson -> file sink (NDJSON) -----------------------
const input = join(dir, 'in.ndjson');
{
  const ws = createWriteStream(input);
  let buf = '';
  for (const e of syntheticEvents({ kind: 'proxy', events: N, seed: 1, start: T0, spanMs: 86_400_000, hosts: 300, anomalies: 0 })) {
    buf += `${JSON.stringify(e)}\n`;
    if (buf.length > 1 << 20) { if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r)); buf = ''; }
  }
  ws.end(buf);
  await new Promise((r) => ws.once('finish', r));
}
const specB = parsePipelineConfig({ name: 'bench-b', output: join(dir, 'out-b'), inputs: [{ type: 'file', path: input }], decoders: [{ use: 'odm-ndjson' }], sinks: [{ use: 'file' }] }, { baseDir: dir });
const sightlineB = await time(() => new LocalRunner({ spec: specB, registry: registry(), logger: quiet }).run());
const peerB = await time(async () => {
  const out = createWriteStream(join(dir, 'peer-out.ndjson'));
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
    if (line === '') continue;
    const e = JSON.parse(line);
    n++;
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((r) => out.once('drain', r));
  }
  out.end();
  await new Promise((r) => out.once('finish', r));
  return n;
});
rmSync(dir, { recursive: true, force: true });

const row = (name, r) => `${name.padEnd(62)} ${fmt((N * 1000) / r.ms).padStart(12)} events/s ${(r.ms * 1e6 / N).toFixed(0).padStart(6)} ns/event  peak RSS ${r.peakMiB.toFixed(0)} MiB`;
console.log(`LocalRunner benchmark, ${fmt(N)} events, Node ${process.version}`);
console.log(row('A. Sightline LocalRunner: memory events -> map -> count sink', sightlineA));
console.log(row('A. peer: Node stream.pipeline, same enrichment by hand', peerA));
console.log(`A. ratio Sightline/peer: ${(peerA.ms / sightlineA.ms).toFixed(2)}x  (framework overhead ~${(((sightlineA.ms - peerA.ms) * 1e6) / N).toFixed(0)} ns/event over the hand-written stream)`);
console.log(row('B. Sightline: NDJSON file -> odm-ndjson (validated) -> file sink', sightlineB));
console.log(row('B. peer: readline + JSON.parse + JSON.stringify to a file', peerB));
console.log(`B. ratio Sightline/peer: ${(peerB.ms / sightlineB.ms).toFixed(2)}x  (Sightline also validates every event against the data model)`);
if (sightlineA.out.counts.delivered !== N || sightlineB.out.counts.delivered !== N) throw new Error('benchmark lost events');
