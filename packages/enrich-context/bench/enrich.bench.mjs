// Benchmark: events/s through all five context enrichers on a realistic mix (most addresses and names repeat,
// some never do), beside what a user would otherwise write on the same events in the same run:
//   - a plain per-event lookup through the `maxmind` reader (city + ASN, no cache), and
//   - a linear scan of the same CIDR lists (internal ranges, zones, asset inventory) for the longest prefix,
// printing the ratios, plus the load time and memory of a feed with a million indicators.
//
//   npm run bench -w @sightline/enrich-context
//   SIGHTLINE_BENCH_EVENTS=2000000 SIGHTLINE_BENCH_INDICATORS=3000000 npm run bench -w @sightline/enrich-context
//
// GeoIP uses the MaxMind test databases of the shared corpus (../shared/corpus/maxmind-test-db); external
// addresses are drawn from the networks listed in their source JSON, so GeoIP lookups hit and decode records.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { createTestContext, instantiate, prng } from '@sightline/core/testkit';
import { domainFactsManifest, geoipManifest, networkContextManifest, parseNetwork, riskManifest, threatIntelManifest } from '../dist/index.js';

const N = Number(process.env.SIGHTLINE_BENCH_EVENTS ?? 1_000_000);
const INDICATORS = Number(process.env.SIGHTLINE_BENCH_INDICATORS ?? 1_000_000);
const BATCH = 1024;
const corpusDir = process.env.SIGHTLINE_CORPUS ?? join(import.meta.dirname, '../../../../shared/corpus');
const mm = (f) => join(corpusDir, 'maxmind-test-db', f);
const hasGeo = existsSync(mm('GeoIP2-City-Test.mmdb'));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(join(tmpdir(), 'sl-enrich-bench-'));
const rnd = prng(2026);
const v4 = (n) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

// --- reference data ----------------------------------------------------------------------------------------
// Asset inventory: 10,000 rows (single hosts and /28../24 ranges) under 10.0.0.0/8, zones and internal ranges.
const assets = ['network,host,owner,criticality,tags'];
for (let i = 0; i < 10_000; i++) {
  const base = (10 << 24) + Math.floor(rnd() * 2 ** 20) * 16;
  assets.push(i % 5 === 0 ? `${v4(base)}/${24 + Math.floor(rnd() * 5)},,team${i % 40},${i % 6},servers` : `${v4(base)},host-${i}.corp,team${i % 40},${i % 6},workstation`);
}
writeFileSync(join(dir, 'assets.csv'), assets.join('\n'));
const zoneLines = ['network,zone'];
for (let i = 0; i < 200; i++) zoneLines.push(`10.${i}.0.0/16,zone-${i % 12}`);
writeFileSync(join(dir, 'zones.csv'), zoneLines.join('\n'));

// External addresses: drawn from the GeoIP test networks (so lookups hit) or from public space.
const geoNets = [];
if (hasGeo) {
  for (const f of ['GeoLite2-ASN-Test.json', 'GeoIP2-City-Test.json']) {
    for (const entry of JSON.parse(readFileSync(mm(f), 'utf8'))) {
      const n = parseNetwork(Object.keys(entry)[0]);
      if (typeof n !== 'string' && n.family === 4) geoNets.push(n);
      if (typeof n !== 'string' && n.family === 6 && n.end < 2n ** 32n) geoNets.push({ start: Number(n.start), end: Number(n.end) });
    }
  }
}
const external = () => {
  if (geoNets.length > 0 && rnd() < 0.7) {
    const n = geoNets[Math.floor(rnd() * geoNets.length)];
    return v4(n.start + Math.floor(rnd() * Math.min(n.end - n.start + 1, 4096)));
  }
  return v4(0x2d000000 + Math.floor(rnd() * 0x50000000));
};

// Threat intel: INDICATORS addresses/CIDRs (text feed) + 200,000 domains and 50,000 URLs (CSV feed).
const pool = Array.from({ length: 50_000 }, external); // the external addresses traffic goes to
{
  const lines = [];
  for (let i = 0; i < INDICATORS; i++) lines.push(i % 10 === 0 ? `${v4(0x2d000000 + Math.floor(rnd() * 0x50000000) * 256 >>> 0)}/24` : i < 500 ? pool[i * 37 % pool.length] : v4(0x2d000000 + Math.floor(rnd() * 0x50000000)));
  writeFileSync(join(dir, 'ips.txt'), lines.join('\n'));
}
const names = Array.from({ length: 20_000 }, (_, i) => `${['www', 'api', 'cdn', 'mail', 'login'][i % 5]}.site${i}.${['com', 'net', 'org', 'co.uk', 'io'][i % 5]}`);
{
  const lines = ['indicator,type,severity,category'];
  for (let i = 0; i < 200_000; i++) lines.push(`bad${i}.example${i % 100}.com,domain,${1 + (i % 3)},malware`);
  for (let i = 0; i < 100; i++) lines.push(`site${i * 97}.${['com', 'net', 'org', 'co.uk', 'io'][(i * 97) % 5]},domain,3,c2`);
  for (let i = 0; i < 50_000; i++) lines.push(`http://bad${i}.example/p/${i}.exe,url,3,dropper`);
  writeFileSync(join(dir, 'intel.csv'), lines.join('\n'));
}
// Top domains: 100,000 Tranco-style lines.
writeFileSync(join(dir, 'top.csv'), Array.from({ length: 100_000 }, (_, i) => `${i + 1},site${i}.${['com', 'net', 'org', 'co.uk', 'io'][i % 5]}`).join('\n'));

// --- traffic: 60% flows, 25% DNS, 15% proxy; Zipf-like repetition, 5% one-off addresses and names ------------
const internalHosts = assets.slice(1, 3001).map((l) => l.split(',')[0].split('/')[0]);
const T0 = Date.UTC(2026, 0, 5);
const ID = '0123456789abcdef0123456789abcdef';
function* batches(seed) {
  const r = prng(seed);
  const pick = (n) => Math.floor(n * r() ** 3);
  let i = 0;
  while (i < N) {
    const batch = [];
    for (let j = 0; j < BATCH && i < N; j++, i++) {
      const src = internalHosts[pick(internalHosts.length)];
      const dst = r() < 0.05 ? v4(0x2d000000 + Math.floor(r() * 0x50000000)) : pool[pick(pool.length)];
      // Object literals, one shape per kind, as decoders build them (spread copies would give every event a
      // hidden class of its own and measure V8's slow paths rather than the enrichers).
      const t = T0 + i;
      const sp = 40000 + (i % 20000);
      const k = r();
      if (k < 0.6) {
        batch.push({ event_id: ID, event_kind: 'flow', event_time: t, src_ip: src, dst_ip: dst, src_port: sp, dst_port: 443, n_proto: 6, in_bytes: 1000 + (i % 5000), flow_in_packets: 3 });
      } else if (k < 0.85) {
        const q = r() < 0.05 ? `${Math.floor(r() * 1e12).toString(36)}.dga.example` : names[pick(names.length)];
        batch.push({ event_id: ID, event_kind: 'dns', event_time: t, src_ip: '10.0.0.53', dst_ip: src, src_port: 53, dst_port: sp, n_proto: 17, dns_query: q, dns_type: 1, dns_response_code: 0 });
      } else {
        const host = names[pick(names.length)];
        batch.push({ event_id: ID, event_kind: 'proxy', event_time: t, src_ip: src, dst_ip: dst, src_port: sp, dst_port: 80, prx_method: 'GET', prx_host: host, prx_uri: `${host}/path/${pick(50)}?q=${pick(10)}`, prx_code: 200 });
      }
    }
    // ids are the decoder's cost, not the enrichers': every event gets a fixed one (enrichers never read it)
    yield batch;
  }
}

/** CPU time of the process in µs (user + system, all threads: the garbage collector's helpers count too). */
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Runs `enrich` over every batch, timing only the enrich calls (events are made outside the clock), in CPU
 * time rather than wall time: the machine is shared, and a figure "per core" is events per CPU-second.
 */
async function throughput(enrichBatch, seed = 1, limit = N) {
  let us = 0;
  let n = 0;
  for (const batch of batches(seed)) {
    if (n >= limit) break;
    const t = cpuMicros();
    await enrichBatch(batch);
    us += cpuMicros() - t;
    n += batch.length;
  }
  return { events: n, perSec: n / (us / 1e6) };
}

/** The median of `runs` measurements (a loaded machine gives outliers both ways). */
async function median(runs, measure) {
  const out = [];
  for (let r = 0; r < runs; r++) out.push(await measure());
  out.sort((a, b) => a.perSec - b.perSec);
  return out[runs >> 1];
}

// --- start the enrichers -------------------------------------------------------------------------------------
const quietCtx = (step) => {
  const ctx = createTestContext({ step, baseDir: dir });
  return ctx;
};
async function make(manifest, config) {
  const ctx = quietCtx(manifest.name);
  const e = await instantiate(manifest, manifest.name === 'risk' ? config : { ...config, reload: { interval: 0 } }, ctx);
  const t = process.hrtime.bigint();
  await e.start?.(ctx);
  return { e, ctx, loadMs: Number(process.hrtime.bigint() - t) / 1e6, name: manifest.name };
}

const rssStart = process.memoryUsage.rss();
const steps = [];
steps.push(await make(networkContextManifest, { asset_files: ['assets.csv'], zone_files: ['zones.csv'] }));
if (hasGeo) steps.push(await make(geoipManifest, { city_db: mm('GeoIP2-City-Test.mmdb'), asn_db: mm('GeoLite2-ASN-Test.mmdb') }));
global.gc?.();
const rssBeforeIntel = process.memoryUsage.rss();
steps.push(await make(threatIntelManifest, { feeds: [{ path: 'ips.txt', source: 'ipfeed' }, { path: 'intel.csv', source: 'acme' }] }));
global.gc?.();
const intelMiB = (process.memoryUsage.rss() - rssBeforeIntel) / 2 ** 20;
steps.push(await make(domainFactsManifest, { top_domains: 'top.csv' }));
steps.push(await make(riskManifest, {}));

console.log(`enrich-context benchmark: ${fmt(N)} events (60% flow, 25% DNS, 15% proxy) in batches of ${BATCH}; Node ${process.version}`);
console.log(`reference data: 10,000 assets, 200 zones, ${fmt(INDICATORS)} address/CIDR + 200,100 domain + 50,000 URL indicators, 100,000 top domains, GeoIP ${hasGeo ? 'MaxMind test City + ASN' : 'SKIPPED (no corpus)'}`);
for (const s of steps) console.log(`  start ${s.name.padEnd(16)} ${fmt(s.loadMs).padStart(7)} ms${s.name === 'threat-intel' ? `  (+${fmt(intelMiB)} MiB RSS for the indicator index; a reload builds the new index beside the old one)` : ''}`);

// --- A: all enrichers together (after a warm-up pass over other events, so caches and the JIT are warm) ------
const allSteps = async (batch) => {
  for (const s of steps) {
    const kinds = s.e.kinds;
    await s.e.enrich(kinds === undefined ? batch : batch.filter((e) => kinds.includes(e.event_kind)), s.ctx);
  }
};
await throughput(allSteps, 99, Math.min(N, 200_000));
const all = await median(3, () => throughput(allSteps, 1));
const peakAll = process.memoryUsage.rss();
console.log(`\nevents per CPU-second (user + system, median of 3 for all enrichers)`);
console.log(`Sightline, all ${steps.length} enrichers:        ${fmt(all.perSec).padStart(11)} events/s`);
for (const s of steps) {
  const one = await throughput((batch) => s.e.enrich(s.e.kinds === undefined ? batch : batch.filter((e) => s.e.kinds.includes(e.event_kind)), s.ctx), 2, Math.min(N, 500_000));
  console.log(`  ${s.name.padEnd(16)} alone            ${fmt(one.perSec).padStart(11)} events/s`);
}

// --- B: peer, plain per-event maxmind lookups (no cache) -------------------------------------------------------
if (hasGeo) {
  const city = new Reader(readFileSync(mm('GeoIP2-City-Test.mmdb')));
  const asn = new Reader(readFileSync(mm('GeoLite2-ASN-Test.mmdb')));
  const geoStep = steps.find((s) => s.name === 'geoip');
  // What a user would write: two reader.get per address, named field writes (no cache).
  const peer = await throughput((batch) => {
    for (const e of batch) {
      const c = city.get(e.src_ip);
      if (c !== null) {
        if (c.country) { e.src_country_code = c.country.iso_code; e.src_country_name = c.country.names.en; }
        if (c.city) e.src_city = c.city.names.en;
        if (c.location) { e.src_lat = c.location.latitude; e.src_long = c.location.longitude; }
      }
      const a = asn.get(e.src_ip);
      if (a !== null) { e.src_asn = a.autonomous_system_number; e.src_asn_org = a.autonomous_system_organization; }
      const cd = city.get(e.dst_ip);
      if (cd !== null) {
        if (cd.country) { e.dst_country_code = cd.country.iso_code; e.dst_country_name = cd.country.names.en; }
        if (cd.city) e.dst_city = cd.city.names.en;
        if (cd.location) { e.dst_lat = cd.location.latitude; e.dst_long = cd.location.longitude; }
      }
      const ad = asn.get(e.dst_ip);
      if (ad !== null) { e.dst_asn = ad.autonomous_system_number; e.dst_asn_org = ad.autonomous_system_organization; }
    }
  }, 3);
  const ours = await throughput((batch) => geoStep.e.enrich(batch, geoStep.ctx), 3);
  console.log(`\nGeoIP/ASN: Sightline geoip                 ${fmt(ours.perSec).padStart(11)} events/s`);
  console.log(`           plain maxmind reader.get per event ${fmt(peer.perSec).padStart(9)} events/s   ratio ${(ours.perSec / peer.perSec).toFixed(1)}x`);
}

// --- C: peer, linear CIDR scan over the same lists ---------------------------------------------------------------
{
  const nets = [];
  for (const l of assets.slice(1)) nets.push({ n: parseNetwork(l.split(',')[0]), host: l.split(',')[1] });
  for (const l of zoneLines.slice(1)) nets.push({ n: parseNetwork(l.split(',')[0]), zone: l.split(',')[1] });
  for (const c of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']) nets.push({ n: parseNetwork(c), internal: true });
  const toNum = (ip) => { const p = ip.split('.'); return p.length === 4 ? ((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3] : -1; };
  const scan = (ip) => {
    const x = toNum(ip);
    let best;
    for (const r of nets) if (x >= r.n.start && x <= r.n.end && (best === undefined || r.n.end - r.n.start < best.n.end - best.n.start)) best = r;
    return best;
  };
  const limit = Math.min(N, 20_000);
  const peer = await throughput((batch) => {
    for (const e of batch) {
      const s = scan(e.src_ip);
      const d = scan(e.dst_ip);
      if (s) e.src_host = s.host;
      if (d) e.dst_host = d.host;
    }
  }, 4, limit);
  const ncStep = steps.find((s) => s.name === 'network-context');
  const ours = await throughput((batch) => ncStep.e.enrich(batch, ncStep.ctx), 4);
  console.log(`\nCIDR context (${fmt(nets.length)} ranges): Sightline network-context ${fmt(ours.perSec).padStart(11)} events/s`);
  console.log(`           linear scan for the longest prefix  ${fmt(peer.perSec).padStart(9)} events/s (over ${fmt(peer.events)} events)   ratio ${(ours.perSec / peer.perSec).toFixed(0)}x`);
}

// --- D: a reload of the big feed: how long the event loop is held ------------------------------------------------
{
  const ti = steps.find((s) => s.name === 'threat-intel');
  let maxGap = 0;
  let last = performance.now();
  const ticker = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 5);
  writeFileSync(join(dir, 'ips.txt'), readFileSync(join(dir, 'ips.txt'), 'utf8') + '\n203.0.113.1\n');
  const t = performance.now();
  const swapped = await ti.e.data.check();
  clearInterval(ticker);
  console.log(`\nreload of the ${fmt(INDICATORS + 250_100)}-indicator feeds: ${swapped ? 'swapped' : 'NOT swapped'} after ${fmt(performance.now() - t)} ms; longest event-loop stall ${fmt(maxGap)} ms`);
}

console.log(`\npeak RSS ${fmt(Math.max(peakAll, process.memoryUsage.rss()) / 2 ** 20)} MiB (start ${fmt(rssStart / 2 ** 20)} MiB). Shared machine: figures are indicative; compare ratios.`);
for (const s of steps) await s.e.close?.();
