// Benchmark: lines/s decoding a large generated ProxySG ELFF log (realistic URIs, user agents, a #Fields change
// every 100k records) into ODM proxy events with ids, beside the parser a user would otherwise write on the same
// file in the same run: npm csv-parse (space-delimited, quoted, relaxed, as briefed) with the #Fields line naming
// the columns, mapping each record onto the same ODM fields. Every measured run is a fresh process (its own peak
// RSS, no heap state carried over from another parser); rounds are interleaved. Prints rates, ratio, peak RSS.
//
//   npm run bench -w @sightline/decoder-proxy
//   SIGHTLINE_BENCH_LINES=2000000 SIGHTLINE_BENCH_ROUNDS=5 npm run bench -w @sightline/decoder-proxy
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines } from '@sightline/core';
import { parse } from 'csv-parse';
import { ProxyDecoder, generateProxyLog, withDefaults } from '../dist/index.js';

const fmt = (n) => Math.round(n).toLocaleString('en-US');

function fileSource(path) {
  return {
    name: path,
    framing: 'stream',
    async *chunks() {
      let offset = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
        yield { bytes: chunk, offset };
        offset += chunk.length;
      }
    },
  };
}

// --- ours: the decoder as the runtime calls it ----------------------------------------------------------------
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
async function ours(file, sample) {
  const decoder = new ProxyDecoder(withDefaults({}));
  const ctx = { pipeline: 'bench', step: 'proxy', logger: quiet, signal: new AbortController().signal, baseDir: tmpdir(), runDir: tmpdir(), stateDir: tmpdir(), resolvePath: (p) => p, batchSize: 1000, keepRaw: false };
  let events = 0;
  let issues = 0;
  for await (const batch of decoder.decode(fileSource(file), ctx)) {
    events += batch.events.length;
    issues += batch.issues.length;
    if (sample !== undefined && sample.length < 2000) sample.push(...batch.events.slice(0, 2000 - sample.length));
  }
  return { events, issues };
}

// --- peer: csv-parse, as a user would write it ----------------------------------------------------------------
const NUMBER = new Set(['time-taken', 'sc-status', 'sc-bytes', 'cs-bytes', 'cs-uri-port']);
const ODM = {
  'time-taken': 'duration', 'c-ip': 'src_ip', 's-ip': 'dst_ip', 'cs-uri-port': 'dst_port', 'cs-username': 'user_name', 'sc-bytes': 'in_bytes', 'cs-bytes': 'out_bytes',
  'cs-method': 'prx_method', 'cs-uri-scheme': 'prx_scheme', 'cs-host': 'prx_host', 'cs-uri-path': 'prx_path', 'cs-uri-query': 'prx_query', 'cs-uri-extension': 'prx_extension',
  'sc-status': 'prx_code', 's-action': 'prx_action', 'sc-filter-result': 'prx_filter_result', 'cs-categories': 'prx_category', 'cs(Referer)': 'prx_referrer',
  'cs(User-Agent)': 'prx_browser', 'rs(Content-Type)': 'prx_type', 'cs-auth-group': 'prx_auth_group', 'x-exception-id': 'prx_exception_id', 's-supplier-name': 'prx_supplier', 'x-virus-id': 'prx_virus_id',
};
async function peer(file, sample) {
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ delimiter: ' ', quote: '"', relax_quotes: true, relax_column_count: true, skip_empty_lines: true }));
  let columns = [];
  let events = 0;
  for await (const record of parser) {
    const first = record[0];
    if (first.startsWith('#')) {
      if (first === '#Fields:') columns = record.slice(1);
      continue;
    }
    const e = { event_kind: 'proxy' };
    let date = '';
    let time = '';
    for (let i = 0; i < columns.length; i++) {
      const name = columns[i];
      let v = record[i];
      if (v === undefined || v === '-' || v === '') continue;
      if (name === 'date') date = v;
      else if (name === 'time') time = v;
      else {
        const key = ODM[name];
        if (key === undefined) (e.additional_attrs ??= {})[name] = v;
        else {
          if (key === 'prx_query' && v.startsWith('?')) v = v.slice(1);
          e[key] = NUMBER.has(name) ? Number(v) : v;
        }
      }
    }
    e.event_time = Date.parse(`${date}T${time}Z`);
    e.prx_uri = (e.prx_host ?? '') + (e.prx_path !== undefined && e.prx_path.length > 1 ? e.prx_path : '') + (e.prx_query !== undefined ? `?${e.prx_query}` : '');
    events++;
    if (sample !== undefined && sample.length < 2000) sample.push(e);
  }
  return { events, issues: 0 };
}

// --- floor: core's readLines alone (a JS string per line, nothing parsed) -----------------------------------------
async function floor(file) {
  let events = 0;
  for await (const lines of readLines(fileSource(file))) for (const l of lines) if (l.text.charCodeAt(0) !== 35) events++;
  return { events, issues: 0 };
}

const PARSERS = { ours, peer, floor };

// --- child: one measured run ------------------------------------------------------------------------------------
if (process.argv[2] === '--run') {
  const [, , , name, file] = process.argv;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = await PARSERS[name](file);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ...out, wall, cpu: (c.user + c.system) / 1e6, peakMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

// --- parent: input, same-fields check, interleaved rounds -----------------------------------------------------------
const N = Number(process.env.SIGHTLINE_BENCH_LINES ?? 500_000);
const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'sl-proxy-bench-'));
const file = join(dir, 'proxysg-main.log');
{
  const ws = createWriteStream(file);
  let buf = '';
  for (const line of generateProxyLog({ format: 'proxysg-elff', lines: N, seed: 42, headerChangeEvery: 100_000 })) {
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r));
      buf = '';
    }
  }
  ws.end(buf);
  await new Promise((r) => ws.once('finish', r));
}
const bytes = statSync(file).size;

const sampleFile = join(dir, 'sample.log');
{
  const ws = createWriteStream(sampleFile);
  for (const line of generateProxyLog({ format: 'proxysg-elff', lines: 2000, seed: 43 })) ws.write(`${line}\n`);
  ws.end();
  await new Promise((r) => ws.once('finish', r));
}
const mine = [];
const theirs = [];
await ours(sampleFile, mine);
await peer(sampleFile, theirs);
let agree = 0;
for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
  const { event_id, event_source, dvc_version, ...a } = mine[i];
  if (JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(theirs[i]).sort())) agree++;
}

const self = fileURLToPath(import.meta.url);
const measure = (name) => JSON.parse(execFileSync(process.execPath, [self, '--run', name, file], { encoding: 'utf8', maxBuffer: 1 << 20 }));
const runs = { floor: [], ours: [], peer: [] };
for (let r = 0; r < ROUNDS; r++) {
  runs.floor.push(measure('floor'));
  runs.ours.push(measure('ours'));
  if (r === 0 || process.env.SIGHTLINE_BENCH_PEER_ROUNDS === 'all') runs.peer.push(measure('peer'));
}
rmSync(dir, { recursive: true, force: true });

const median = (list) => [...list].sort((a, b) => a.wall - b.wall)[Math.floor(list.length / 2)];
const [f, o, p] = [median(runs.floor), median(runs.ours), median(runs.peer)];
const row = (name, m, list) =>
  `${name.padEnd(44)} ${fmt(m.events).padStart(10)} ${m.wall.toFixed(2).padStart(8)} ${fmt(m.events / m.wall).padStart(11)} ${fmt(m.events / m.cpu).padStart(13)} ${(bytes / 2 ** 20 / m.wall).toFixed(0).padStart(6)} ${m.peakMiB.toFixed(0).padStart(9)}   ${list.map((x) => x.wall.toFixed(2)).join(', ')}`;
console.log(`\nProxySG ELFF decode: ${fmt(N)} records, ${(bytes / 2 ** 20).toFixed(0)} MiB, #Fields change every 100k records (node ${process.version}; one process per run)`);
console.log(`${'parser'.padEnd(44)} ${'records'.padStart(10)} ${'wall s'.padStart(8)} ${'lines/s'.padStart(11)} ${'lines/cpu-s'.padStart(13)} ${'MiB/s'.padStart(6)} ${'peak RSS'.padStart(9)}   runs (s)`);
console.log(row('floor: core readLines, no parsing', f, runs.floor));
console.log(row('@sightline/decoder-proxy (ODM events + ids)', o, runs.ours));
console.log(row('csv-parse 7 (space, quote, relax) -> same ODM', p, runs.peer));
console.log(`ratio (lines/s, median): ${(o.events / o.wall / (p.events / p.wall)).toFixed(1)}x; per CPU-second: ${(o.events / o.cpu / (p.events / p.cpu)).toFixed(1)}x`);
console.log(`same fields: ${agree} of ${Math.min(mine.length, theirs.length)} sampled records decode to identical ODM fields (ids, source and #Software aside); decoder issues: ${o.issues}`);
