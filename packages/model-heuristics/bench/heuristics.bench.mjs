// Benchmark of the heuristics model over a simulated enterprise day (flows, DNS and proxy events as ODM, what a
// perfect decoder gives), on one core (the model is single-threaded):
//   - detection: per detector, precision@k and recall of the simulator's planted attacks; the whole alert list
//     as the runtime ranks it (top_n per kind); the same for the peer;
//   - speed: events/s of fit + score, against the peer a user has in Sightline today without this package: the
//     core `rarity` reference model (model-lda is not merged yet; heuristics + LDA combined is for after it);
//   - memory: the model's own estimate of its per-host state (and per tracked host), the heap it held during
//     the fit, and a stress run where one host talks to far more destinations than the cap.
// Options (environment): SIGHTLINE_BENCH_HOSTS (default 150 workstations), SIGHTLINE_BENCH_SIM (reuse a folder
// written by `sightline simulate --odm`), SIGHTLINE_BENCH_TOPN (default 250, the pipeline default).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assignEventId, rarityModelManifest } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { attackOf, evaluateAlerts, loadGroundTruth, simulate } from '@sightline/simulator';
import { manifest } from '../dist/index.js';

const hosts = Number(process.env.SIGHTLINE_BENCH_HOSTS ?? 150);
const topN = Number(process.env.SIGHTLINE_BENCH_TOPN ?? 250);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

let dir = process.env.SIGHTLINE_BENCH_SIM;
let owned = false;
if (dir === undefined) {
  dir = mkdtempSync(join(tmpdir(), 'sl-heur-bench-'));
  owned = true;
  const t0 = performance.now();
  await simulate({ seed: 1, days: 1, workstations: hosts, outDir: dir, odm: true, flows: 'none', dns: 'none', proxy: [] });
  console.log(`simulated one day of ${hosts} workstations in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed 1, every planted attack)`);
}
const events = readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const truth = loadGroundTruth(join(dir, 'labels.ndjson'));
const kinds = { flow: 0, dns: 0, proxy: 0 };
for (const e of events) kinds[e.event_kind]++;
console.log(`heuristics benchmark: ${fmt(events.length)} events (${fmt(kinds.flow)} flow, ${fmt(kinds.dns)} DNS, ${fmt(kinds.proxy)} proxy), ${truth.attacks.length} planted attacks, Node ${process.version}, one core`);

const windowOf = (list, batch = 1024) => ({
  start: list[0]?.event_time ?? 0,
  end: (list[list.length - 1]?.event_time ?? 0) + 1,
  count: list.length,
  async *batches() {
    for (let i = 0; i < list.length; i += batch) yield list.slice(i, i + batch);
  },
});

async function measure(name, man, config) {
  const ctx = createTestContext({ step: name });
  const model = await instantiate(man, config, ctx);
  const t0 = performance.now();
  const state = await model.fit(windowOf(events), { ...ctx, feedback: [], seed: 1 });
  const t1 = performance.now();
  const outcomes = [];
  for (let i = 0; i < events.length; i += 1024) outcomes.push(...(await model.score(events.slice(i, i + 1024), state, ctx)));
  const t2 = performance.now();
  // Ranked per kind, top N each, as the runtime delivers alerts.
  const alerts = [];
  for (const kind of ['dns', 'flow', 'proxy']) {
    const scored = [];
    outcomes.forEach((o, i) => {
      if (o !== null && events[i].event_kind === kind) scored.push({ e: events[i], o, i });
    });
    scored.sort((a, b) => (model.order === 'asc' ? a.o.value - b.o.value : b.o.value - a.o.value) || a.i - b.i);
    scored.slice(0, topN).forEach((s, r) => alerts.push({ ...s.e, score_rank: r + 1, score_model: name, score_value: s.o.value, detector: s.o.evidence?.detector }));
  }
  return { name, model, state, fitS: (t1 - t0) / 1000, scoreS: (t2 - t1) / 1000, alerts, evaluation: evaluateAlerts(truth, alerts) };
}

const h = await measure('heuristics', manifest, { top_domains: { path: join(dir, 'top-domains.csv') } });
const peer = await measure('rarity', rarityModelManifest, {});
// The topic model on the same day, alone and with the heuristics (the issue's "heuristics + LDA combined").
let lda;
try {
  const { manifest: ldaManifest } = await import('@sightline/model-lda');
  lda = await measure('lda', ldaManifest, { words: { public_suffix: true, top_domains: { path: join(dir, 'top-domains.csv') } } });
} catch (e) {
  console.log(`lda not measured: ${e.message}`);
}
const combined = lda === undefined ? undefined : { name: 'heuristics + lda', evaluation: evaluateAlerts(truth, [...h.alerts, ...lda.alerts]) };

console.log('\ndetection, per detector (alerts of that detector ranked by score; precision@k = share of the first k that belong to a planted attack; recall = planted attacks with at least one alert):');
const types = [...new Set(truth.attacks.map((a) => a.type))];
const detectors = ['scanning', 'beaconing', 'dns_tunnel', 'dga', 'exfiltration'];
const pAt = (list, k) => (list.length === 0 ? NaN : list.slice(0, k).filter((a) => attackOf(truth, a) !== undefined).length / Math.min(k, list.length));
const pct = (x) => (Number.isNaN(x) ? '   n/a' : `${(100 * x).toFixed(0).padStart(5)}%`);
console.log(`  ${'detector'.padEnd(13)} alerts  p@1    p@5    p@10   recall  attacks found`);
for (const d of detectors) {
  const list = h.alerts.filter((a) => a.detector === d).sort((a, b) => b.score_value - a.score_value);
  const ev = evaluateAlerts(truth, list);
  const found = ev.findings.filter((f) => f.found).map((f) => f.id);
  console.log(`  ${d.padEnd(13)} ${String(list.length).padStart(6)} ${pct(pAt(list, 1))} ${pct(pAt(list, 5))} ${pct(pAt(list, 10))}  ${pct(ev.recall)}  ${found.join(', ') || '-'}`);
}
for (const r of [h, peer, ...(lda === undefined ? [] : [lda, combined])]) {
  const e = r.evaluation;
  const found = e.findings.filter((f) => f.found);
  console.log(`  ${`${r.name} (all)`.padEnd(20)} ${fmt(e.alerts)} alerts (top ${topN} per kind), precision ${(100 * e.precision).toFixed(1)}%, recall ${found.length}/${e.findings.length}: ${e.findings.map((f) => `${f.type}${f.found ? ` #${f.bestRank}` : ' missed'}`).join(', ')}`);
}
console.log(`  missed types need other detectors: ${h.evaluation.findings.filter((f) => !f.found).map((f) => f.type).join(', ') || 'none'}`);

console.log('\nspeed (fit + score, one core, events in memory):');
const rate = (r) => events.length / (r.fitS + r.scoreS);
for (const r of [h, peer, ...(lda === undefined ? [] : [lda])]) console.log(`  ${r.name.padEnd(11)} fit ${r.fitS.toFixed(2)} s, score ${r.scoreS.toFixed(2)} s: ${fmt(rate(r)).padStart(9)} events/s`);
console.log(`  ratio heuristics / rarity: ${(rate(h) / rate(peer)).toFixed(2)}x events/s`);

const s = h.state.data.stats;
const limits = h.state.params.limits;
console.log('\nmemory (the model\'s own accounting of its per-host counters):');
console.log(`  ${fmt(s.hostsTracked)} hosts tracked: ${mib(s.memoryBytes)} of per-host counters, ${kib(s.memoryBytesPerHost)} per tracked host, plus ${mib(s.sharedBytes)} of shared tables (destination audiences, names); evicted ${fmt(s.peersEvicted)} destinations, ${fmt(s.domainsEvicted)} domains`);
const worst = limits.max_peers_per_host * (260 + 8 * limits.max_beats) + limits.max_domains_per_host * (360 + 20 * limits.exact_distinct) + limits.max_targets_per_host * (8400 + 20 * limits.exact_distinct);
console.log(`  worst case per host with these caps (every table full, every series at max_beats, every scan target a bitmap): ${mib(worst)}`);
console.log(`  caps: ${limits.max_hosts} hosts, ${limits.max_peers_per_host} destinations/host, ${limits.max_domains_per_host} domains/host, ${limits.max_targets_per_host} scan targets/host, ${limits.max_beats} beat times/pair, exact distinct counts to ${limits.exact_distinct}`);

// Stress: one host talking to 200,000 distinct destinations (and asking 200,000 distinct names) must stay
// within the per-host cap; compare with the same host at 2,000.
async function stress(n) {
  const list = [];
  const t = Date.UTC(2026, 0, 5);
  for (let i = 0; i < n; i++) {
    list.push(assignEventId({ event_id: '', event_kind: 'flow', event_time: t + i, begin_time: t + i, src_ip: '10.10.0.200', dst_ip: `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, src_port: 40000 + (i % 20000), dst_port: 443, n_proto: 6, in_bytes: 900, flow_in_packets: 5, net_flags: 0x1b }, i));
    list.push(assignEventId({ event_id: '', event_kind: 'dns', event_time: t + i, src_ip: '10.20.0.53', dst_ip: '10.10.0.200', dns_message_type: 'response', dns_query: `host${i}.site${i % 50000}.com`, dns_type: 1, dns_response_code: 0 }, n + i));
  }
  const ctx = createTestContext();
  const model = await instantiate(manifest, {}, ctx);
  const state = await model.fit(windowOf(list), { ...ctx, feedback: [], seed: 1 });
  return state.data.stats;
}
const small = await stress(2000);
const big = await stress(200_000);
console.log(`  one host, 2,000 destinations and names: ${kib(small.memoryBytesPerHost)}; 200,000: ${kib(big.memoryBytesPerHost)} (evicted ${fmt(big.peersEvicted)} destinations, ${fmt(big.domainsEvicted)} domains); shared tables ${mib(small.sharedBytes)} and ${mib(big.sharedBytes)} (cap ${limits.max_destinations} destinations each)`);
console.log(`  peak RSS of this process: ${mib(process.resourceUsage().maxRSS * 1024)} (includes the ${fmt(events.length)} events held in memory for the timing)`);
if (owned) rmSync(dir, { recursive: true, force: true });
