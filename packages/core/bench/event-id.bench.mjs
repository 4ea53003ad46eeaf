// Benchmark: CPU nanoseconds per event id, the largest per-event cost every decoder shares. Cases: the bare
// MurmurHash3 x86-128 over 60 and 330 bytes (beside the npm reference murmurhash3js-revisited on the same bytes),
// `computeEventId` on a proxy event, and the streaming `EventIdWriter` fed the way decoder-proxy feeds it (field
// bytes read from the line, ~60 and ~330 bytes hashed). CPU time (process.cpuUsage), not wall time: the machine is
// shared. Rounds alternate the implementations. With SIGHTLINE_BENCH_BASELINE set to another build's core `dist`
// directory (e.g. a worktree at an older commit), that build runs beside this one and a ratio is printed.
//
//   npm run bench -w @sightline/core
//   SIGHTLINE_BENCH_BASELINE=/path/to/old/packages/core/dist SIGHTLINE_BENCH_ROUNDS=4 npm run bench -w @sightline/core
//
// Instruction counts (repeatable under load): SIGHTLINE_BENCH_CALLS=N runs N calls of the cases named by
// SIGHTLINE_BENCH_ONLY (a substring) with one build (SIGHTLINE_BENCH_BUILD=this|baseline|peer) and no timing, e.g.
//   SIGHTLINE_BENCH_CALLS=200000 SIGHTLINE_BENCH_ONLY='330 bytes hashed' valgrind --tool=callgrind node bench/event-id.bench.mjs
// and once more with SIGHTLINE_BENCH_CALLS=0: the difference over N is instructions per call.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import mm from 'murmurhash3js-revisited';

const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 3);
const TARGET_MS = Number(process.env.SIGHTLINE_BENCH_MS ?? 250);

const builds = [['this build', await import(new URL('../dist/index.js', import.meta.url).href)]];
if (process.env.SIGHTLINE_BENCH_BASELINE) {
  builds.push(['baseline', await import(pathToFileURL(resolve(process.env.SIGHTLINE_BENCH_BASELINE, 'index.js')).href)]);
}

// A ProxySG line's values, as the decoder finds them in its input buffer.
const FIELDS = {
  dvc_host: 'proxy-01.corp.example',
  src_ip: '10.20.30.40',
  dst_ip: '203.0.113.77',
  user_name: 'CORP\\jdoe',
  prx_method: 'GET',
  prx_scheme: 'https',
  prx_host: 'cdn.static-assets.example.com',
  prx_path: '/assets/v3/js/vendor.bundle.min.js',
  prx_query: 'v=20240611&cb=8f3a9c1d2e',
  prx_extension: 'js',
  prx_action: 'TCP_NC_MISS',
  prx_filter_result: 'OBSERVED',
  prx_category: 'Content Servers;Technology/Internet',
  prx_referrer: 'https://www.example.com/products/index.html?ref=nav',
  prx_browser: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  prx_type: 'application/javascript',
  prx_supplier: '203.0.113.77',
  prx_http_version: 'HTTP/1.1',
};
const line = Buffer.from(Object.values(FIELDS).join(' '));
const ranges = {};
{
  let at = 0;
  for (const [k, v] of Object.entries(FIELDS)) {
    ranges[k] = [at, at + Buffer.byteLength(v)];
    at += Buffer.byteLength(v) + 1;
  }
}
// ~60 bytes hashed: kind, time, two short fields and the ordinal; ~330: every number and most strings of a line.
const SHORT = [['src_ip', 'prx_method'], ['event_time']];
const LONG = [
  ['dvc_host', 'src_ip', 'dst_ip', 'user_name', 'prx_method', 'prx_scheme', 'prx_host', 'prx_path', 'prx_query', 'prx_extension', 'prx_action', 'prx_filter_result'],
  ['event_time', 'duration', 'dst_port', 'in_bytes', 'out_bytes', 'prx_code'],
];

function writerCase(core, [names, numberNames]) {
  const w = new core.EventIdWriter('proxy');
  const F = Object.fromEntries(['event_kind', 'event_time', 'duration', 'dst_port', 'in_bytes', 'out_bytes', 'prx_code', ...Object.keys(FIELDS)].map((f) => [f, core.identityFieldIndex('proxy', f)]));
  const order = names.slice().sort((a, b) => F[a] - F[b]);
  const NUMBERS = { event_time: 1718100000123, duration: 312, dst_port: 443, in_bytes: 10432, out_bytes: 512, prx_code: 200 };
  const numbers = numberNames.map((n) => [n, NUMBERS[n]]);
  const steps = [...order.map((n) => [F[n], 'utf8', ranges[n]]), ...numbers.map(([n, v]) => [F[n], 'number', v])].sort((a, b) => a[0] - b[0]);
  const field = Int32Array.from(steps, (x) => x[0]);
  const isNumber = steps.map((x) => x[1] === 'number');
  const from = Float64Array.from(steps, (x) => (x[1] === 'number' ? x[2] : x[2][0]));
  const to = Int32Array.from(steps, (x) => (x[1] === 'number' ? 0 : x[2][1]));
  return (i) => {
    w.begin();
    w.string(F.event_kind, 'proxy');
    for (let s = 0; s < field.length; s++) {
      if (isNumber[s]) w.number(field[s], from[s] + (i & 7));
      else w.utf8(field[s], line, from[s], to[s]);
    }
    return w.finish(i);
  };
}

function bytesOf(n) {
  return Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
}

const CASES = [
  ['murmur3x86128, 60 bytes', (core) => { const b = bytesOf(60), out = new Uint32Array(4); return (i) => { b[0] = i; core.murmur3x86128(b, 60, 0x5a17e1e5, out); return out[0]; }; }],
  ['murmur3x86128, 330 bytes', (core) => { const b = bytesOf(330), out = new Uint32Array(4); return (i) => { b[0] = i; core.murmur3x86128(b, 330, 0x5a17e1e5, out); return out[0]; }; }],
  ['EventIdWriter, ~60 bytes hashed', (core) => writerCase(core, SHORT)],
  ['EventIdWriter, ~330 bytes hashed', (core) => writerCase(core, LONG)],
  ['computeEventId, ~330 bytes hashed', (core) => { const e = { event_kind: 'proxy', event_time: 1718100000123, duration: 312, dst_port: 443, in_bytes: 10432, out_bytes: 512, prx_code: 200 }; for (const f of LONG[0]) e[f] = FIELDS[f]; return (i) => core.computeEventId(e, i); }],
];
const PEER = {
  'murmur3x86128, 60 bytes': () => { const b = bytesOf(60); return (i) => { b[0] = i; return mm.x86.hash128(b, 0x5a17e1e5); }; },
  'murmur3x86128, 330 bytes': () => { const b = bytesOf(330); return (i) => { b[0] = i; return mm.x86.hash128(b, 0x5a17e1e5); }; },
};

function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** CPU ns per call of `fn`, over as many calls as take about TARGET_MS. */
function measure(fn) {
  let n = 1000;
  for (;;) {
    let sink = 0;
    const t0 = cpuNs();
    for (let i = 0; i < n; i++) sink ^= typeof fn(i) === 'string' ? 1 : 0;
    const dt = cpuNs() - t0;
    if (dt > TARGET_MS * 1e6 || n >= 1 << 26) return { ns: dt / n, sink };
    n = dt < 1e6 ? n * 16 : Math.ceil((n * TARGET_MS * 1e6) / dt);
  }
}

let sinkAll = 0;
const ONLY = process.env.SIGHTLINE_BENCH_ONLY;
if (process.env.SIGHTLINE_BENCH_CALLS !== undefined) {
  const calls = Number(process.env.SIGHTLINE_BENCH_CALLS);
  const which = process.env.SIGHTLINE_BENCH_BUILD ?? 'this';
  for (const [name, make] of CASES) {
    if (ONLY && !name.includes(ONLY)) continue;
    const build = builds.find(([label]) => label === (which === 'this' ? 'this build' : which));
    const fn = which === 'peer' ? PEER[name]?.() : build && make(build[1]);
    if (!fn) throw new Error(`no ${which} for ${name}`);
    for (let i = 0; i < calls; i++) sinkAll ^= typeof fn(i) === 'string' ? 1 : 0;
    console.log(`${name}: ${calls} calls (${which})`);
  }
  process.exit(sinkAll === 42 ? 1 : 0);
}
for (const [name, make] of CASES) {
  if (ONLY && !name.includes(ONLY)) continue;
  const impls = builds.map(([label, core]) => [label, make(core)]);
  if (PEER[name]) impls.push(['murmurhash3js-revisited', PEER[name]()]);
  // Same output from every build: the bench measures equal work.
  const ids = impls.filter(([l]) => l !== 'murmurhash3js-revisited').map(([, fn]) => String(fn(3)));
  if (new Set(ids).size !== 1) throw new Error(`${name}: builds disagree (${ids.join(' ')})`);
  for (const [, fn] of impls) measure(fn); // warm-up
  const ns = impls.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    impls.forEach(([, fn], k) => {
      const m = measure(fn);
      sinkAll ^= m.sink;
      ns[k].push(m.ns);
    });
  }
  const best = ns.map((a) => Math.min(...a));
  const cols = impls.map(([label], k) => `${label} ${best[k].toFixed(1)} ns (${ns[k].map((v) => v.toFixed(1)).join(' / ')})`);
  const ratio = impls.length > 1 ? `  ratio ${(best[1] / best[0]).toFixed(2)}x` : '';
  console.log(`${name.padEnd(34)} ${cols.join('   ')}${ratio}`);
}
if (sinkAll === 42) console.log('');
