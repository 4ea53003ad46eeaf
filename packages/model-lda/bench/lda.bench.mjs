/**
 * LDA engine benchmark: Sightline's sampler (1 and 2 workers) against the npm packages @stdlib/nlp-lda and lda on
 * the same Spot-like synthetic corpora (see synthetic.mjs), K = 20, α = 0.1, β = 0.01. Every measured
 * configuration runs in a fresh child process so its peak RSS is its own.
 *
 *   npm run bench -w @sightline/model-lda          (after npm run build; the root `npm run bench` does both)
 *   LDA_BENCH_SCALE=0.1 LDA_BENCH_SWEEPS=50 ...    (smaller corpora / fewer Sightline sweeps)
 *   LDA_BENCH_PEER_SWEEPS=20                        (sweeps of @stdlib/nlp-lda; `lda` always runs its fixed 10,000)
 *   LDA_BENCH_CORPORA=dns-10m                       (only these corpora: dns-1m, flow-1m, dns-10m)
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generate } from './synthetic.mjs';

const K = 20;
const ALPHA = 0.1;
const BETA = 0.01;
const scale = Number(process.env.LDA_BENCH_SCALE ?? 1);
const sweeps = Number(process.env.LDA_BENCH_SWEEPS ?? 200);
const peerSweeps = Number(process.env.LDA_BENCH_PEER_SWEEPS ?? 20);

/** The corpora: DNS/proxy-like (one token per event) at 1M and 10M events, flow-like (two per event) at 1M. */
const CORPORA = {
  'dns-1m': { events: Math.round(1e6 * scale), docs: Math.max(10, Math.round(5000 * scale)), vocab: 20000, tokensPerEvent: 1 },
  'flow-1m': { events: Math.round(1e6 * scale), docs: Math.max(10, Math.round(5000 * scale)), vocab: 20000, tokensPerEvent: 2 },
  'dns-10m': { events: Math.round(1e7 * scale), docs: Math.max(10, Math.round(50000 * scale)), vocab: 50000, tokensPerEvent: 1 },
};

const ms = (t0) => performance.now() - t0;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function child(job) {
  const spec = CORPORA[job.corpus];
  const g = generate({ ...spec, seed: 42 });
  if (job.runner === 'sightline') {
    const engine = await import('../dist/index.js');
    let t0 = performance.now();
    const corpus = engine.buildCorpus(g.docIds, g.wordIds, g.numDocs, g.numWords);
    const prepMs = ms(t0);
    const cpu0 = process.cpuUsage();
    const fit = await engine.fitLda(corpus, { topics: K, alpha: ALPHA, beta: BETA, sweeps: job.sweeps, seed: 1, workers: job.workers });
    const cpu = process.cpuUsage(cpu0);
    const result = {
      cpuS: (cpu.user + cpu.system) / 1e6,
      tokens: corpus.tokens.length,
      prepMs,
      initS: fit.stats.initSeconds,
      trainS: fit.stats.sweepSeconds,
      llPerToken: engine.logLikelihood(fit) / corpus.tokens.length,
    };
    if (job.score) {
      t0 = performance.now();
      const model = engine.topicWordModel(fit);
      const theta = engine.docTopicProportions(fit);
      result.modelMs = ms(t0);
      const out = new Float64Array(corpus.tokens.length);
      t0 = performance.now();
      engine.scoreTokens(fit, corpus, out);
      result.looScoreS = ms(t0) / 1000;
      // Out-of-window events: one scoreWord per (doc, word) pair, in event order.
      t0 = performance.now();
      let sink = 0;
      const { docIds, wordIds } = g;
      for (let e = 0; e < docIds.length; e++) sink += engine.scoreWord(theta, docIds[e], model, wordIds[e]);
      result.wordScoreS = ms(t0) / 1000;
      result.sink = sink > 0;
    }
    result.peakRss = peakRss();
    return result;
  }
  // Peers take documents as strings: each document's words, in the same order, as space-separated tokens.
  const n = Math.min(job.events * spec.tokensPerEvent, g.docIds.length);
  const docWords = Array.from({ length: g.numDocs }, () => []);
  for (let i = 0; i < n; i++) docWords[g.docIds[i]].push(`x${g.wordIds[i]}`);
  const docs = docWords.filter((d) => d.length > 0).map((d) => d.join(' '));
  const require = createRequire(import.meta.url);
  if (job.runner === 'stdlib') {
    const lda = require('@stdlib/nlp-lda');
    let t0 = performance.now();
    const model = lda(docs, K, { alpha: ALPHA, beta: BETA });
    const prepMs = ms(t0);
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    model.fit(job.sweeps, job.sweeps, 1);
    const cpu = process.cpuUsage(cpu0);
    return { tokens: n, prepMs, trainS: ms(t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, peakRss: peakRss() };
  }
  // `lda`: the only export always runs 10,000 sweeps (burn-in 2,000) and includes its own preparation.
  const process_ = require('lda');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  process_(docs, K, 5, ['en'], ALPHA, BETA, 1);
  const cpu = process.cpuUsage(cpu0);
  return { tokens: n, trainS: ms(t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, peakRss: peakRss(), fixedSweeps: 10000 };
}

function run(job) {
  const load = loadavg()[0];
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.trim().split('\n').pop();
  return { ...JSON.parse(line), load };
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const M = (x) => `${fmt(x / 1e6, 2)} M`;

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`LDA engine bench: K=${K}, alpha=${ALPHA}, beta=${BETA}; Sightline ${sweeps} sweeps, @stdlib/nlp-lda ${peerSweeps} sweeps, lda(npm) its fixed 10,000; scale ${scale}; node ${process.version}; ${cpus().length} x ${cpu}`);
  console.log('tokens/s = tokens x sweeps / sampling seconds (preparation and scoring separate); every row is a fresh child process; peak RSS is that process\'s.');
  console.log('tokens per CPU-second = tokens x sweeps / CPU seconds of the process while sampling: the per-core rate even when other processes take turns on the cores.');
  console.log('CPU/wall = CPU seconds of the process during sampling / wall seconds (2 workers on an idle 2-core box approach 2.0); load = 1-minute load average before the row: other processes on the machine compete for the same 2 cores.');
  console.log('');
  console.log('| runner | corpus | events | tokens | sweeps | prep s | sampling s | tokens/s per sweep | tokens per CPU-second | CPU/wall | load | peak RSS MB | RSS B/event | log-lik/token | note |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const row = (r, corpus, events, res, swp, note = '') =>
    console.log(`| ${r} | ${corpus} | ${fmt(events)} | ${fmt(res.tokens)} | ${fmt(swp)} | ${res.prepMs === undefined ? '' : fmt(res.prepMs / 1000, 3)} | ${fmt(res.trainS, 2)} | ${fmt((res.tokens * swp) / res.trainS)} | ${fmt((res.tokens * swp) / res.cpuS)} | ${fmt(res.cpuS / res.trainS, 2)} | ${fmt(res.load, 1)} | ${fmt(res.peakRss / 2 ** 20)} | ${fmt(res.peakRss / events, 1)} | ${res.llPerToken === undefined ? '' : fmt(res.llPerToken, 4)} | ${note} |`);
  const summary = {};
  const only = process.env.LDA_BENCH_CORPORA?.split(',');
  for (const [name, spec] of Object.entries(CORPORA)) {
    if (only !== undefined && !only.includes(name)) continue;
    const s = {};
    for (const workers of [1, 2]) {
      const res = run({ runner: 'sightline', corpus: name, workers, sweeps, score: workers === 1 });
      s[`x${workers}`] = (res.tokens * sweeps) / res.trainS;
      s[`rss${workers}`] = res.peakRss / spec.events;
      s[`cpu${workers}`] = res.cpuS / res.trainS;
      s[`perCpu${workers}`] = (res.tokens * sweeps) / res.cpuS;
      if (workers === 1) s.prep10m = (res.prepMs / 1000) * (1e7 / res.tokens);
      row(`sightline x${workers}`, name, spec.events, res, sweeps, workers === 1 ? `buildCorpus ${fmt((res.prepMs / 1000) * (1e7 / res.tokens), 2)} s per 10M tokens` : '');
      if (res.looScoreS !== undefined) {
        s.loo = spec.events * spec.tokensPerEvent / res.looScoreS;
        s.word = spec.events * spec.tokensPerEvent / res.wordScoreS;
        s.modelMs = res.modelMs;
      }
    }
    // @stdlib/nlp-lda: its preparation is O(tokens x vocabulary) (a linear vocabulary search per token), so it gets
    // at most 2e10 / vocabulary tokens (1M tokens at V = 20k): the full corpus when that fits, a subsample above.
    const stdlibEvents = Math.min(spec.events, Math.floor(2e10 / spec.vocab / spec.tokensPerEvent));
    const st = run({ runner: 'stdlib', corpus: name, events: stdlibEvents, sweeps: peerSweeps });
    s.stdlib = (st.tokens * peerSweeps) / st.trainS;
    row('@stdlib/nlp-lda', name, stdlibEvents, st, peerSweeps, stdlibEvents < spec.events ? `subsample: first ${fmt(stdlibEvents)} events (the full corpus takes too long)` : '');
    if (name === 'dns-1m') {
      const ldaEvents = Math.min(spec.events, 2000);
      const l = run({ runner: 'lda', corpus: name, events: ldaEvents });
      s.lda = (l.tokens * 10000) / l.trainS;
      row('lda(npm)', name, ldaEvents, l, 10000, `subsample: first ${fmt(ldaEvents)} events; its only API runs 10,000 sweeps, time includes its preparation`);
    }
    summary[name] = s;
  }
  console.log('');
  for (const [name, s] of Object.entries(summary)) {
    const parts = [
      `${name}: Sightline ${M(s.x1)} tokens/s/sweep on 1 worker, ${M(s.x2)} on 2 (speed-up ${fmt(s.x2 / s.x1, 2)}x)`,
      `vs @stdlib/nlp-lda ${M(s.stdlib)} (${fmt(s.x1 / s.stdlib, 1)}x)`,
    ];
    if (s.lda !== undefined) parts.push(`vs lda(npm) ${M(s.lda)} (${fmt(s.x1 / s.lda, 1)}x)`);
    parts.push(`scoring on 1 core: leave-one-out ${M(s.loo)} events/s, scoreWord ${M(s.word)} events/s (theta/phi precompute ${fmt(s.modelMs)} ms)`);
    console.log(parts.join('; '));
  }
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const all = Object.values(summary);
  const big = summary['dns-10m'];
  console.log('');
  console.log('Goals (issue 6), from the rows above:');
  console.log(`- >= 25 M tokens/s per core per sweep: ${all.map((x) => `${M(x.x1)} wall (${M(x.perCpu1)} per CPU-second)`).join(' / ')} (${Object.keys(summary).join(' / ')}) -> ${verdict(all.every((x) => x.x1 >= 25e6))} on wall-clock, ${verdict(all.every((x) => x.perCpu1 >= 25e6))} per CPU-second`);
  console.log(`- >= 1.6x with 2 workers: ${all.map((x) => `${fmt(x.x2 / x.x1, 2)}x (CPU/wall ${fmt(x.cpu2, 2)}, per-CPU-second efficiency ${fmt(x.perCpu2 / x.perCpu1, 2)} of 1 worker)`).join(' / ')} -> ${verdict(all.every((x) => x.x2 / x.x1 >= 1.6))}${all.some((x) => x.cpu2 < 1.7) ? ' (CPU/wall well below 2: the workers did not get both cores)' : ''}`);
  if (summary['dns-10m'] !== undefined) console.log(`- <= 40 B/event peak RSS at 10M events: ${fmt(big.rss1, 1)} (1 worker, incl. input pairs, corpus and Float64 scores) / ${fmt(big.rss2, 1)} (2 workers) -> ${verdict(Math.max(big.rss1, big.rss2) <= 40)}`);
  console.log(`- buildCorpus < 1 s per 10M events: ${all.map((x) => `${fmt(x.prep10m, 2)} s`).join(' / ')} -> ${verdict(all.every((x) => x.prep10m < 1))}`);
  console.log(`- scoring >= 10 M events/s per core: leave-one-out ${all.map((x) => M(x.loo)).join(' / ')}; scoreWord ${all.map((x) => M(x.word)).join(' / ')} -> ${verdict(all.every((x) => Math.min(x.loo, x.word) >= 10e6))}`);
}

if (process.argv[2] === '--child') {
  const result = await child(JSON.parse(process.argv[3]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
