// Benchmark: events/s end to end through the BullMQ runner with 1 and 2 worker processes, beside the LocalRunner
// on the same input in the same run, with the ratios and the peak Redis memory (which must follow the configured
// in-flight limit, not the input). Needs Redis on 127.0.0.1:6379.
//   SIGHTLINE_BENCH_EVENTS=1000000 npm run bench -w @sightline/cli
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipelineFile } from '@sightline/core';
import { StreamLogger, connectRedis, obliterate, syntheticEvents } from '@sightline/runtime';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const N = Number(process.env.SIGHTLINE_BENCH_EVENTS ?? 400_000);
const PARTS = 8;
const dir = mkdtempSync(join(tmpdir(), 'sl-clbench-'));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const quiet = new StreamLogger({ level: 'silent' });

// Input: synthetic proxy events as NDJSON, in PARTS files.
const per = Math.ceil(N / PARTS);
let part = -1;
let out;
let i = 0;
for (const e of syntheticEvents({ kind: 'proxy', events: N, seed: 3, start: Date.UTC(2026, 0, 5), spanMs: 86_400_000, hosts: 300, anomalies: 0 })) {
  if (i++ % per === 0) {
    if (out) await new Promise((r) => out.end(r));
    out = createWriteStream(join(dir, `in-${++part}.ndjson`));
  }
  if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise((r) => out.once('drain', r));
}
await new Promise((r) => out.end(r));

const pipeline = join(dir, 'p.yaml');
writeFileSync(
  pipeline,
  [
    `name: bench-${process.pid}`,
    'output: out',
    'inputs: [{ type: file, path: "in-*.ndjson" }]',
    'decoders: [{ use: odm-ndjson }]',
    'enrichers: [{ use: map, config: { lookups: [{ field: src_ip, table: { "10.1.0.2": { src_zone: office } } }] } }]',
    'sinks: [{ use: file, config: { format: ndjson } }]',
    'cluster: { shared_dir: shared, in_flight: 64MiB, upload: false }',
  ].join('\n'),
);
const spec = loadPipelineFile(pipeline);
const redis = connectRedis(spec.cluster.redis, quiet, 'bench');

function run(args, opts = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

async function cluster(workers) {
  await obliterate(spec, redis);
  const procs = [];
  for (let w = 0; w < workers; w++) {
    const p = spawn(process.execPath, [BIN, 'worker', pipeline, '--log-level', 'warn', '--concurrency', 'decode=1,sink=2'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    await new Promise((resolve) => p.stderr.on('data', (d) => ((logs += d), logs.includes('Ctrl-C to stop') && resolve())));
    procs.push(p);
  }
  const base = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
  let peak = base;
  const timer = setInterval(async () => (peak = Math.max(peak, Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]))), 100);
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    const s = spawn(process.execPath, [BIN, 'submit', pipeline, '--wait'], { cwd: dir, stdio: 'ignore' });
    s.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`submit exited ${code}`))));
  });
  const ms = performance.now() - t0;
  clearInterval(timer);
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
  return { ms, redisPeakMiB: (peak - base) / 2 ** 20 };
}

const t0 = performance.now();
run(['run', pipeline, '--progress', 'off', '--quiet']);
const local = performance.now() - t0;
const one = await cluster(1);
const two = await cluster(2);
await obliterate(spec, redis);
redis.disconnect();
rmSync(dir, { recursive: true, force: true });

console.log(`BullMQ runner benchmark: ${fmt(N)} events in ${PARTS} files (decode NDJSON + enrich + file sink), Node ${process.version}`);
console.log(`  LocalRunner (one process)            ${fmt((N * 1000) / local).padStart(10)} events/s`);
console.log(`  BullMQ, 1 worker process             ${fmt((N * 1000) / one.ms).padStart(10)} events/s  (${(local / one.ms).toFixed(2)}x LocalRunner)  Redis peak +${one.redisPeakMiB.toFixed(1)} MiB`);
console.log(`  BullMQ, 2 worker processes           ${fmt((N * 1000) / two.ms).padStart(10)} events/s  (${(local / two.ms).toFixed(2)}x LocalRunner)  Redis peak +${two.redisPeakMiB.toFixed(1)} MiB (in-flight limit 64 MiB)`);
