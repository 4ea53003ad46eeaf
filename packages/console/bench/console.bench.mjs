// Benchmark: how fast the console answers over a run with 100,000 scored events of one kind (the issue asks for
// lists within 200 ms), measured over HTTP like the page asks, beside what an analyst would otherwise do with the
// same files in the same run: jq over the alert NDJSON (a filter, sorted by risk, first page), with the ratio.
// Also: time to open the run (alert index), the background pass over the events, details and the network view,
// the first list after a rating changes, and peak RSS.
//
//   npm run bench -w @sightline/console
//   SIGHTLINE_BENCH_ALERTS=100000 SIGHTLINE_BENCH_EVENTS=1000000 npm run bench -w @sightline/console
//   (SIGHTLINE_BENCH_KEEP=1 keeps the generated runs for a look)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const ALERTS = Number(process.env.SIGHTLINE_BENCH_ALERTS ?? 100_000);
const EVENTS = Number(process.env.SIGHTLINE_BENCH_EVENTS ?? 500_000);
const REPEAT = Number(process.env.SIGHTLINE_BENCH_REPEAT ?? 25);
const T0 = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d });

/** A small deterministic generator (the same files every time). */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}
const hex = (n) => n.toString(16).padStart(32, '0');

async function writeLines(path, count, line) {
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

/** A run folder as the LocalRunner writes it: summary.json, events/ and alerts/ NDJSON. */
async function makeRun(root, id, seed) {
  const dir = join(root, id);
  mkdirSync(join(dir, 'events'), { recursive: true });
  mkdirSync(join(dir, 'alerts'), { recursive: true });
  const r = rng(seed);
  const clients = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`);
  const domains = Array.from({ length: 5000 }, (_, i) => `h${i}.${['example.com', 'example.org', 'cdn.example.net', 'corp.example'][i % 4]}`);
  const servers = Array.from({ length: 3000 }, (_, i) => `198.${18 + (i % 2)}.${(i >> 8) & 255}.${i & 255}`);
  const dns = [];
  for (let i = 0; i < ALERTS; i++) {
    const client = clients[Math.floor(r() * clients.length)];
    dns.push({ t: T0 + Math.floor(r() * DAY), client, name: domains[Math.floor(r() * domains.length)], type: [1, 28, 16][i % 3], i });
  }
  const flows = [];
  for (let i = 0; i < ALERTS; i++) flows.push({ t: T0 + Math.floor(r() * DAY), src: clients[Math.floor(r() * clients.length)], dst: servers[Math.floor(r() * servers.length)], port: [443, 80, 4444, 22, 3389][i % 5], i });
  const score = (rank) => ({ score_model: 'rarity', score_model_version: 'bench', score_value: rank / ALERTS / 10, score_order: 'asc', score_rank: rank, score_risk: Math.round(10000 * (1 - (rank - 1) / (ALERTS * 10))) / 100, score_reasons: [`word seen ${rank % 50} times`], score_window_start: T0, score_window_end: T0 + DAY });
  await writeLines(join(dir, 'alerts', 'dns.ndjson'), ALERTS, (i) => {
    const d = dns[i];
    return JSON.stringify({ event_id: hex(seed * 1e9 + i), event_kind: 'dns', event_time: d.t, src_ip: '10.20.0.53', dst_ip: d.client, src_port: 53, dst_port: 40000 + (i % 20000), n_proto: 17, dns_message_type: 'response', dns_query: d.name, dns_type: d.type, dns_response_code: i % 7 === 0 ? 3 : 0, dns_answers: [{ name: d.name, type: 1, class: 1, ttl: 300, data: '198.18.0.1' }], ...score(i + 1), score_word: `${d.type}_0` });
  });
  await writeLines(join(dir, 'alerts', 'flow.ndjson'), ALERTS, (i) => {
    const f = flows[i];
    return JSON.stringify({ event_id: hex(seed * 1e9 + ALERTS + i), event_kind: 'flow', event_time: f.t, src_ip: f.src, dst_ip: f.dst, src_port: 50000 + (i % 10000), dst_port: f.port, n_proto: 6, in_bytes: 500 + (i % 9000), flow_in_packets: 4, ...score(i + 1), score_word: `${f.port}_6` });
  });
  // Events: flows and DNS of the same clients over the day, in time order (as a day's run writes them).
  await writeLines(join(dir, 'events', 'flow.ndjson'), EVENTS, (i) => {
    const f = flows[i % flows.length];
    return JSON.stringify({ event_id: hex(seed * 1e10 + i), event_kind: 'flow', event_time: T0 + Math.floor((i / EVENTS) * DAY), src_ip: f.src, dst_ip: i % 3 === 0 ? f.dst : servers[i % servers.length], src_port: 50000 + (i % 10000), dst_port: f.port, n_proto: 6, in_bytes: 500 + (i % 9000), flow_in_packets: 4 });
  });
  const summary = {
    pipeline: 'bench', runId: id, runDir: dir, startedAt: new Date(T0 + seed).toISOString(), finishedAt: new Date(T0 + seed + 1).toISOString(), durationMs: 1, status: 'completed',
    inputs: [], counts: { bytesRead: 0, dropped: 0, eventsDecoded: EVENTS, quarantined: {}, eventsForwarded: EVENTS, eventsLate: 0, alerts: 2 * ALERTS, delivered: EVENTS + 2 * ALERTS, deadLettered: 0 },
    sinks: [
      { step: 'events', plugin: 'file', delivered: { events: EVENTS, alerts: 0 }, deadLettered: 0, outputs: [join(dir, 'events', 'flow.ndjson')] },
      { step: 'alerts', plugin: 'file', delivered: { events: 0, alerts: 2 * ALERTS }, deadLettered: 0, outputs: [join(dir, 'alerts', 'dns.ndjson'), join(dir, 'alerts', 'flow.ndjson')] },
    ],
    windows: [{ start: new Date(T0).toISOString(), end: new Date(T0 + DAY).toISOString(), events: EVENTS, models: [] }],
    quarantine: [], deadLetters: [], violations: [], inputFailures: 0,
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  return { dir, dns, flows, clients, domains };
}

/** The console server runs in its own process; its CPU time and peak memory are read from /proc. */
let serverPid = 0;
function serverCpuMs() {
  try {
    const f = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}
function serverPeakRssMiB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'));
    return Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Wall time, and the server's CPU time (10 ms resolution), of one call. */
async function timed(fn) {
  const c = serverCpuMs();
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, cpu: serverCpuMs() - c, value };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

const root = mkdtempSync(join(tmpdir(), 'sl-console-bench-'));
try {
  console.log(`Console benchmark: ${fmt(ALERTS)} scored DNS events and ${fmt(ALERTS)} scored flows per run (two runs), ${fmt(EVENTS)} events per run, ${REPEAT} repetitions per query. Node ${process.version}, shared machine.`);
  const g0 = performance.now();
  const a = await makeRun(root, 'run-a', 1);
  await makeRun(root, 'run-b', 2);
  console.log(`  generated the runs in ${fmt((performance.now() - g0) / 1000)} s (${root})`);
  const child = spawn(process.execPath, [new URL('./serve-child.mjs', import.meta.url).pathname, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  serverPid = child.pid;
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the console server exited (${code})`)));
  });
  const c = { url };
  const get = async (path) => {
    const res = await fetch(new URL(path, c.url));
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const open = await timed(() => get('/api/runs/run-a/alerts?kind=dns&limit=100'));
  console.log(`  open a run (index ${fmt(2 * ALERTS)} alerts from their files) and answer the first page: ${fmt(open.ms)} ms wall, ${fmt(open.cpu)} ms CPU`);
  const openB = await timed(() => get('/api/runs/run-b/alerts?kind=dns&limit=1'));
  console.log(`  open the second run (while the first run's events are indexed in the background): ${fmt(openB.ms)} ms wall, ${fmt(openB.cpu)} ms CPU`);

  const client = a.clients[7];
  const domain = 'example.org';
  const from = T0 + 6 * 3_600_000;
  const to = T0 + 9 * 3_600_000;
  const queries = [
    ['first page, most suspicious first', 'kind=dns&limit=100'],
    ['a deep page (offset 50,000)', 'kind=dns&limit=100&offset=50000'],
    ['filter: one client address', `kind=dns&ip=${client}&limit=100`],
    ['filter: a /16 block', 'kind=flow&ip=10.3.0.0/16&limit=100'],
    ['filter: a domain and its subdomains', `kind=dns&domain=${domain}&limit=100`],
    ['filter: 3 hours of the day', `kind=dns&from=${from}&to=${to}&limit=100`],
    ['filter: risk >= 99.5, by time', 'kind=flow&risk_min=99.5&sort=time&limit=100'],
    ['filter: not yet rated', 'kind=dns&rated=unrated&limit=100'],
    ['compared with another run (rank there)', 'kind=dns&limit=100&compare=run-b'],
    ['500 rows at once', 'kind=flow&limit=500'],
  ];
  // Some ratings, so the rating filter and the list's rating column have work to do.
  for (let i = 0; i < 50; i++) {
    const res = await fetch(new URL('/api/ratings', c.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run: 'run-a', n: i * 997, rating: 3, scope: 'pattern' }) });
    if (!res.ok) throw new Error(await res.text());
  }
  const afterRating = await timed(() => get('/api/runs/run-a/alerts?kind=dns&limit=100'));
  console.log(`  first list after the ratings changed (50 ratings matched against ${fmt(2 * ALERTS)} alerts): ${fmt(afterRating.ms)} ms wall, ${fmt(afterRating.cpu)} ms CPU`);

  console.log('\n  list queries over HTTP (ms)                   wall p50  wall p95  wall max  server wall p50  server CPU mean   matching');
  const results = [];
  for (const [name, q] of queries) {
    const samples = [];
    const server = [];
    let total = 0;
    const cpu0 = serverCpuMs();
    for (let i = 0; i < REPEAT; i++) {
      const r = await timed(() => get(`/api/runs/run-a/alerts?${q}`));
      samples.push(r.ms);
      server.push(r.value.tookMs);
      total = r.value.total;
    }
    const cpu = (serverCpuMs() - cpu0) / REPEAT;
    const s = stats(samples);
    results.push({ name, ...s });
    console.log(`  ${name.padEnd(44)} ${fmt(s.p50).padStart(8)}  ${fmt(s.p95).padStart(8)}  ${fmt(s.max).padStart(8)}  ${fmt(stats(server).p50).padStart(15)}  ${fmt(cpu).padStart(15)}   ${fmt(total)}`);
  }
  const worst = Math.max(...results.map((r) => r.p95));
  console.log(`  slowest p95: ${fmt(worst)} ms (target: within 200 ms) -> ${worst <= 200 ? 'met' : 'NOT met'}`);

  // The events pass (it started when the run was opened), then details and the network view.
  let ingest;
  for (;;) {
    ingest = await get('/api/runs/run-a/ingest');
    if (ingest.state !== 'scanning' && ingest.state !== 'pending') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`\n  background pass over the ${fmt(EVENTS)} events of a run: ${fmt(ingest.scanSeconds)} s wall (${fmt(EVENTS / ingest.scanSeconds, 0)} events/s, while everything above ran too)`);
  const det = [];
  for (let i = 0; i < REPEAT; i++) det.push((await timed(() => get(`/api/runs/run-a/alerts/${ALERTS + i * 101}`))).ms);
  console.log(`  details of a flow alert (events around it read back by position): p50 ${fmt(stats(det).p50)} ms, p95 ${fmt(stats(det).p95)} ms`);
  const gr = [];
  for (let i = 0; i < 10; i++) gr.push((await timed(() => get('/api/runs/run-a/graph?limit=500'))).ms);
  console.log(`  network view (the 500 most suspicious of each kind): p50 ${fmt(stats(gr).p50)} ms`);

  // The peer: jq over the same alert file, for the same questions (filter, sort by risk, first 100).
  const jq = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  if (jq.status !== 0) console.log('\n  peer: jq is not installed; no ratio printed');
  else {
    const file = join(a.dir, 'alerts', 'dns.ndjson');
    const peer = [
      ['first page, most suspicious first', '.'],
      ['filter: one client address', `select(.src_ip == "${client}" or .dst_ip == "${client}")`],
      ['filter: a domain and its subdomains', `select(.dns_query == "${domain}" or (.dns_query | endswith(".${domain}")))`],
    ];
    console.log(`\n  peer: ${jq.stdout.trim()} over the same ${fmt(ALERTS)} DNS alerts (jq -c -s '[.[] | <filter>] | sort_by(-.score_risk) | .[0:100]')`);
    for (const [name, filter] of peer) {
      const samples = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        execFileSync('jq', ['-c', '-s', `[.[] | ${filter}] | sort_by(-.score_risk) | .[0:100]`, file], { maxBuffer: 1 << 28 });
        samples.push(performance.now() - t);
      }
      const ours = results.find((r) => r.name === name);
      const p = stats(samples).p50;
      console.log(`  ${name.padEnd(44)} jq ${fmt(p, 0).padStart(6)} ms   console ${fmt(ours.p50).padStart(6)} ms   ratio ${fmt(p / ours.p50, 0)}x`);
    }
  }
  console.log(`\n  peak RSS of the console server (two runs open, ${fmt(4 * ALERTS)} alerts, ${fmt(2 * EVENTS)} events indexed): ${fmt(serverPeakRssMiB(), 0)} MiB`);
  child.kill('SIGTERM');
  await once(child, 'exit');
} finally {
  if (process.env.SIGHTLINE_BENCH_KEEP === undefined) rmSync(root, { recursive: true, force: true });
}
