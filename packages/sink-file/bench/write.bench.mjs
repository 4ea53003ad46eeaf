// What the file sink's write path costs per event (CPU of FileSink.write: grouping, dedupe, serialising, encoding,
// rotation checks, the appends), on the pipeline's own events: a simulated day (`sightline demo --hosts N`) is run
// in this process and the batches the `events` sink receives are kept, as the LocalRunner delivers them, and as a
// cluster worker gets them (a MessagePack round trip with record structures, like runtime's batch-codec).
// The peer is V8's JSON.stringify alone on the same events (the floor of any NDJSON writer that uses it).
// With SIGHTLINE_BENCH_BASELINE (another build's sink-file dist/index.js), both sinks run in this process,
// taking turns batch by batch on the same batches, and the ratio is printed.
//   node packages/sink-file/bench/write.bench.mjs
//   SIGHTLINE_BENCH_BASELINE=/work/main/packages/sink-file/dist/index.js node packages/sink-file/bench/write.bench.mjs
// Env: SIGHTLINE_BENCH_HOSTS (default 30), SIGHTLINE_BENCH_ROUNDS (default 7), SIGHTLINE_BENCH_CONFIGS
// (comma list of: ndjson-256MiB (the demo's), ndjson, ndjson-1MiB (rotates often), csv; default the first, csv).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '@sightline/cli';
import { FileSink } from '@sightline/sink-file';
import { Packr } from 'msgpackr';

const HOSTS = process.env.SIGHTLINE_BENCH_HOSTS ?? '30';
const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 7);
const CONFIGS = (process.env.SIGHTLINE_BENCH_CONFIGS ?? 'ndjson-256MiB,csv').split(',');
const BASELINE = process.env.SIGHTLINE_BENCH_BASELINE;
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// --- the events: one simulated day through the demo pipeline, kept as delivered to the events sink --------------
const batches = [];
const deliver = FileSink.prototype.write;
FileSink.prototype.write = function (batch, ctx) {
  if (this.name === 'events') batches.push(batch.events);
  return deliver.call(this, batch, ctx);
};
const dir = mkdtempSync(join(tmpdir(), 'sl-sinkbench-'));
const quiet = new PassThrough().resume();
process.stderr.write(`running the demo pipeline on ${HOSTS} workstations to collect events…\n`);
const code = await main(['demo', '-o', join(dir, 'demo'), '--hosts', HOSTS], { stdout: quiet, stderr: quiet, stdin: process.stdin, cwd: dir, env: process.env });
FileSink.prototype.write = deliver;
if (code !== 0) throw new Error(`demo exited with ${code}`);
const packr = new Packr({ useRecords: true, moreTypes: false });
// The cluster's copies are made when their turn comes and the LocalRunner's let go, so one set is alive at a time.
const shapes = { local: () => batches, cluster: () => batches.splice(0).map((b) => packr.unpack(packr.pack(b))) };
const total = batches.reduce((n, b) => n + b.length, 0);
const kinds = {};
for (const b of batches) for (const e of b) kinds[e.event_kind] = (kinds[e.event_kind] ?? 0) + 1;

// --- the sinks -------------------------------------------------------------------------------------------------
const sinks = { current: FileSink };
if (BASELINE !== undefined) sinks.baseline = (await import(BASELINE)).FileSink;
const CONFIG = {
  'ndjson-256MiB': { format: 'ndjson', rotate: { max_bytes: '256MiB' } },
  ndjson: { format: 'ndjson', rotate: {} },
  'ndjson-1MiB': { format: 'ndjson', rotate: { max_bytes: '1MiB' } },
  csv: { format: 'csv', rotate: { max_bytes: '256MiB' } },
};
const defaults = { path: '{stream}/{kind}', columns: 'odm', escape_formulas: false, gzip: false, dedupe_batches: 8, max_open_files: 64 };

/**
 * CPU µs each sink spends in write() for all batches, each sink fresh and writing under a fresh folder. The sinks
 * take turns batch by batch (the order flips every batch), so a change in the machine's load falls on both alike.
 */
async function writeAll(config, list) {
  const names = Object.keys(sinks);
  const open = {};
  const used = {};
  for (const k of names) {
    const runDir = mkdtempSync(join(dir, 'out-'));
    open[k] = { runDir, sink: new sinks[k]({ ...defaults, ...config }, { runDir }, 'bench') };
    await open[k].sink.open();
    used[k] = 0;
  }
  for (let b = 0; b < list.length; b++) {
    for (const k of b % 2 === 0 ? names : [...names].reverse()) {
      const t = cpu();
      const r = await open[k].sink.write({ stream: 'events', events: list[b] }, {});
      used[k] += cpu() - t;
      if (r.status !== 'success') throw new Error(`write failed: ${r.status}`);
    }
  }
  for (const k of names) {
    await open[k].sink.close();
    rmSync(open[k].runDir, { recursive: true, force: true });
  }
  return used;
}

function stringifyAll(list) {
  const t = cpu();
  let n = 0;
  for (const events of list) for (const e of events) n += JSON.stringify(e).length;
  if (n === 0) throw new Error('nothing');
  return cpu() - t;
}

const perSec = (us) => Math.round(total / (us / 1e6)).toLocaleString('en-US');
const ns = (us) => ((us * 1000) / total).toFixed(0);
console.log(`file sink write path, ${total.toLocaleString('en-US')} events (${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}) in ${batches.length} batches; median of ${ROUNDS} rounds, sinks taking turns batch by batch; Node ${process.version}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [shape, make] of Object.entries(shapes)) {
  const list = make();
  const floor = [];
  for (let r = 0; r < ROUNDS; r++) floor.push(stringifyAll(list));
  console.log(`  ${shape} events: JSON.stringify alone (peer floor)  ${ns(median(floor)).padStart(6)} ns/event  ${perSec(median(floor)).padStart(11)} events/CPU-s`);
  for (const name of CONFIGS) {
    const times = Object.fromEntries(Object.keys(sinks).map((k) => [k, []]));
    const ratios = [];
    for (let r = 0; r < ROUNDS; r++) {
      const used = await writeAll(CONFIG[name], list);
      for (const k of Object.keys(sinks)) times[k].push(used[k]);
      if (sinks.baseline !== undefined) ratios.push(used.baseline / used.current);
    }
    for (const [k, t] of Object.entries(times)) console.log(`  ${shape} events, ${name.padEnd(13)} ${k.padEnd(9)} ${ns(median(t)).padStart(6)} ns/event  ${perSec(median(t)).padStart(11)} events/CPU-s`);
    if (sinks.baseline !== undefined) console.log(`  ${shape} events, ${name.padEnd(13)} baseline/current CPU, median of the rounds' ratios: ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  }
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
