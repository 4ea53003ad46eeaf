// Benchmark: a simulated enterprise day end to end (NetFlow v9 + DNS capture + ProxySG log, rotated hourly as
// collectors write them; decoded, enriched with zones, assets, domain facts and risk; the LDA and heuristics
// models as in `sightline demo`; NetFlow templates in the Redis template store) through the BullMQ runner with 1
// and 2 worker processes, beside the LocalRunner on the same input in the same run. Prints events/s, the ratios,
// CPU seconds per process (where the time goes) and the peak Redis memory, which must follow cluster.in_flight,
// not the input. Needs Redis on 127.0.0.1:6379.
//   npm run bench -w @sightline/cli
//   SIGHTLINE_BENCH_HOSTS=240 SIGHTLINE_BENCH_REPEAT=3 SIGHTLINE_BENCH_MODES=local,2 npm run bench -w @sightline/cli
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPipelineFile } from '@sightline/core';
import { StreamLogger, connectRedis, obliterate } from '@sightline/runtime';
import { simulate } from '@sightline/simulator';

// Run as users run it (`sightline …`, `npx sightline …`): the executable, so its `#!` line's node flags apply.
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const HOSTS = Number(process.env.SIGHTLINE_BENCH_HOSTS ?? 120);
const ROTATE_MS = Number(process.env.SIGHTLINE_BENCH_ROTATE_MIN ?? 60) * 60_000;
const REPEAT = Number(process.env.SIGHTLINE_BENCH_REPEAT ?? 1);
const MODES = (process.env.SIGHTLINE_BENCH_MODES ?? 'local,1,2').split(',');
const IN_FLIGHT = process.env.SIGHTLINE_BENCH_IN_FLIGHT ?? '64MiB';
const KEEP = process.env.SIGHTLINE_BENCH_DIR;
const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'sl-clbench-'));
mkdirSync(dir, { recursive: true });
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const quiet = new StreamLogger({ level: 'silent' });
const TICK = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

// --- input: one simulated day, hourly files -------------------------------------------------------------------
const sim = await simulate({ seed: 1, days: 1, workstations: HOSTS, outDir: join(dir, 'input'), flows: 'v9', dns: 'pcap', proxy: ['proxysg'], rotateMs: ROTATE_MS });
const net = JSON.parse(readFileSync(sim.files['network'], 'utf8'));
mkdirSync(join(dir, 'input', 'context'), { recursive: true });
writeFileSync(join(dir, 'input', 'context', 'zones.csv'), `network,zone\n${net.zones.map((z) => `${z.cidr},${z.zone}`).join('\n')}\n`);
writeFileSync(join(dir, 'input', 'context', 'assets.csv'), `ip,host,owner,criticality,tags\n${net.inventory.map((a) => `${a.ip},${a.host},${a.owner},${a.criticality},${a.tags}`).join('\n')}\n`);
const files = readdirSync(join(dir, 'input')).filter((f) => /^(flows-v9|dns|proxysg)/.test(f));
const bytes = files.reduce((n, f) => n + readFileSync(join(dir, 'input', f)).length, 0);

// The demo's pipeline, with the NetFlow templates in Redis (any decode worker may read any hour's file).
const pipeline = join(dir, 'bench.pipeline.yaml');
writeFileSync(
  pipeline,
  [
    `name: clbench-${process.pid}`,
    'output: runs',
    'inputs:',
    '  - { type: file, path: "input/flows-v9*.pcap", decoder: netflow }',
    '  - { type: file, path: "input/dns*.pcap", decoder: dns }',
    '  - { type: file, path: "input/proxysg*.log", decoder: proxy }',
    'decoders:',
    `  - { use: netflow, config: { templates: { store: redis, redis_prefix: "clbench-${process.pid}:templates:" } } }`,
    '  - { use: dns }',
    '  - { use: proxy }',
    'enrichers:',
    '  - use: network-context',
    '    config: { internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], zone_files: [input/context/zones.csv], asset_files: [input/context/assets.csv] }',
    '  - { use: domain-facts, config: { top_domains: input/top-domains.csv } }',
    '  - use: risk',
    'models:',
    '  - { use: lda, top_n: 100, config: { workers: 2, words: { public_suffix: true, top_domains: { path: input/top-domains.csv } } } }',
    '  - { use: heuristics, top_n: 100, config: { top_domains: { path: input/top-domains.csv } } }',
    'sinks:',
    '  - { use: file, name: events, config: { format: ndjson, rotate: { max_bytes: 256MiB } } }',
    '  - { use: file, name: alerts, deliver: alerts, config: { format: ndjson, path: "alerts/{kind}" } }',
    '  - { use: file, name: spot-results, deliver: alerts, config: { format: csv, columns: spot, path: "alerts/{kind}_results" } }',
    `cluster: { shared_dir: shared, in_flight: ${IN_FLIGHT} }`,
    '',
  ].join('\n'),
);
const spec = loadPipelineFile(pipeline);
const redis = connectRedis(spec.cluster.redis, quiet, 'bench');
const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))[1]);

/** user+system CPU seconds of a live process (all its threads), or of one thread. */
function cpuOf(pid, tid) {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return NaN;
  }
}

/** Runs the CLI; resolves with wall ms and the child's CPU seconds (measured by /usr/bin/time). */
function timed(args) {
  const out = join(dir, `time-${process.hrtime.bigint()}.txt`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', out, BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`sightline ${args.join(' ')} exited ${code}: ${text}`));
      const [u, s, rss] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ ms, cpu: u + s, rssMiB: rss / 1024, text });
    });
  });
}

/** The alerts a run delivered (window, model, rank, event, score), sorted: both runners must give the same. */
function alertsUnder(root) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.includes('/alerts/') && p.endsWith('.ndjson')) {
        for (const l of readFileSync(p, 'utf8').split('\n')) {
          if (l === '') continue;
          const a = JSON.parse(l);
          out.push(`${a.score_window_start}/${a.score_model}/${a.score_rank}/${a.event_id}/${a.score_value}`);
        }
      }
    }
  };
  walk(root);
  return out.sort().join('\n');
}

const resetState = () => rmSync(join(dir, 'runs'), { recursive: true, force: true });
const clearTemplates = async () => {
  const keys = await redis.keys(`clbench-${process.pid}:templates:*`);
  if (keys.length > 0) await redis.del(...keys);
};

async function local() {
  resetState();
  await clearTemplates();
  const r0 = cpuOf(redisPid);
  const t0 = performance.now();
  const p = spawn(BIN, ['run', pipeline, '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  p.stderr.on('data', (d) => (logs += d));
  // Sampled until it exits: the whole process, and its main thread (decode, enrich, sinks, spooling, reading
  // windows for the models) apart from its other threads (the LDA's fitting threads, GC, I/O).
  let last = { all: 0, main: 0 };
  const poll = setInterval(() => {
    const all = cpuOf(p.pid);
    const main = cpuOf(p.pid, p.pid);
    if (!Number.isNaN(all) && !Number.isNaN(main)) last = { all, main };
  }, 20);
  const code = await new Promise((r) => p.once('exit', r));
  const ms = performance.now() - t0;
  clearInterval(poll);
  if (code !== 0) throw new Error(`sightline run exited ${code}: ${logs}`);
  return { ms, cpu: { main: last.main, threads: last.all - last.main, redis: cpuOf(redisPid) - r0 }, alerts: alertsUnder(join(dir, 'runs')) };
}

async function cluster(workers) {
  resetState();
  await clearTemplates();
  await obliterate(spec, redis);
  rmSync(join(dir, 'shared'), { recursive: true, force: true });
  const procs = [];
  for (let w = 0; w < workers; w++) {
    const p = spawn(BIN, ['worker', pipeline, '--log-level', 'warn'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    await new Promise((resolve, reject) => {
      p.stderr.on('data', (d) => ((logs += d), logs.includes('Ctrl-C to stop') && resolve()));
      p.once('exit', (code) => reject(new Error(`worker exited ${code}: ${logs}`)));
    });
    p.stderr.on('data', (d) => process.stderr.write(`[worker ${w}] ${d}`));
    procs.push(p);
  }
  const cpu0 = procs.map((p) => cpuOf(p.pid));
  const main0 = procs.map((p) => cpuOf(p.pid, p.pid));
  const r0 = cpuOf(redisPid);
  const base = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);
  let peak = base;
  const timer = setInterval(async () => (peak = Math.max(peak, Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]))), 50);
  const s = await timed(['submit', pipeline, '--wait']);
  clearInterval(timer);
  const cpu = { submit: s.cpu, redis: cpuOf(redisPid) - r0 };
  procs.forEach((p, w) => {
    const main = cpuOf(p.pid, p.pid) - main0[w];
    cpu[`worker ${w + 1} main`] = main;
    cpu[`worker ${w + 1} threads`] = cpuOf(p.pid) - cpu0[w] - main;
  });
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)))));
  const events = Number(/done: (\d+) events/.exec(s.text)?.[1]);
  return { ms: s.ms, cpu, redisPeakMiB: (peak - base) / 2 ** 20, events, alerts: alertsUnder(join(dir, 'shared', 'submissions')) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(MODES.map((m) => [m, []]));
for (let i = 0; i < REPEAT; i++) {
  for (const m of MODES) {
    const load = loadavg()[0];
    const r = m === 'local' ? await local() : await cluster(Number(m));
    results[m].push({ ...r, load });
    const ref = results.local?.[0]?.alerts;
    if (ref !== undefined && r.alerts !== ref) throw new Error(`${m} worker(s) delivered other alerts than the LocalRunner (${r.alerts.split('\n').length} vs ${ref.split('\n').length})`);
    const cpu = Object.entries(r.cpu).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ');
    console.error(`  run ${i + 1} ${m === 'local' ? 'LocalRunner' : `${m} worker(s)`}: ${(r.ms / 1000).toFixed(1)}s, CPU ${cpu}${r.redisPeakMiB === undefined ? '' : `, Redis +${r.redisPeakMiB.toFixed(1)} MiB`} (load ${load.toFixed(1)})`);
  }
}
await obliterate(spec, redis);
await clearTemplates();
redis.disconnect();

const events = results['1']?.[0]?.events ?? results['2']?.[0]?.events ?? sim.counts.flowRecords + sim.counts.dnsMessages + sim.counts.proxyLines;
const localMs = results.local === undefined ? undefined : median(results.local.map((r) => r.ms));
console.log(`BullMQ runner benchmark: a simulated day of ${HOSTS} workstations, ${files.length} hourly files (${(bytes / 2 ** 20).toFixed(1)} MiB), ${fmt(events)} events;`);
console.log(`  decode + network-context, domain-facts, risk + lda (2 threads), heuristics + file sinks; NetFlow templates in Redis. Node ${process.version}, ${REPEAT} run(s), median`);
for (const m of MODES) {
  const rs = results[m];
  const ms = median(rs.map((r) => r.ms));
  const label = m === 'local' ? 'LocalRunner (one process)' : `BullMQ, ${m} worker process${m === '1' ? '' : 'es'}`;
  const cpuKeys = Object.keys(rs[0].cpu);
  const cpu = cpuKeys.map((k) => `${k} ${median(rs.map((r) => r.cpu[k])).toFixed(1)}`).join(', ');
  const ratio = m === 'local' || localMs === undefined ? '' : `  ${(localMs / ms).toFixed(2)}x LocalRunner`;
  const mem = m === 'local' ? '' : `  Redis peak +${median(rs.map((r) => r.redisPeakMiB)).toFixed(1)} MiB (in_flight ${IN_FLIGHT})`;
  console.log(`  ${label.padEnd(30)} ${fmt((events * 1000) / ms).padStart(8)} events/s${ratio}${mem}`);
  console.log(`  ${''.padEnd(30)} CPU s: ${cpu}`);
}
if (results.local !== undefined) console.log(`  alerts: the same ${results.local[0].alerts.split('\n').length} (window, model, rank, event, score) from every runner`);
console.log(`  load average during the runs: ${Object.values(results).flat().map((r) => r.load.toFixed(1)).join(' ')}`);
if (KEEP === undefined) rmSync(dir, { recursive: true, force: true });
