// Benchmark: events/s through sink-splunk (ODM -> CIM, HEC batches, gzip off, via RetryingSink) into the local
// HEC, beside a bare HTTP POST loop of the same CIM events in the same batch size, in the same run.
//   SIGHTLINE_BENCH_EVENTS=100000 npm run bench -w @sightline/sink-splunk
import { InMemoryDeadLetterStore, RetryingSink, toCim } from '@sightline/core';
import { EventFixtures, FakeSplunk, createTestContext, instantiate } from '@sightline/core/testkit';
import { manifest } from '../dist/index.js';

const N = Number(process.env.SIGHTLINE_BENCH_EVENTS ?? 50_000);
const BATCH = 500;
const events = EventFixtures.mixed(N);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function timed(fn) {
  global.gc?.();
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const start = process.hrtime.bigint();
  const out = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(t);
  return { ms, peakMiB: peak / 2 ** 20, out };
}

async function runSightline() {
  const hec = await FakeSplunk.start();
  const ctx = createTestContext();
  const sink = await instantiate(manifest, { url: hec.url, token: 'test-token', gzip: false, batch: { max_events: BATCH }, concurrency: 1 }, ctx);
  const rs = new RetryingSink(sink, { policy: { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 60_000, maxAttempts: 10 }, deadLetter: new InMemoryDeadLetterStore(), pipeline: 'bench' });
  const r = await timed(async () => {
    let delivered = 0;
    for (let i = 0; i < N; i += BATCH) delivered += (await rs.deliver({ stream: 'events', events: events.slice(i, i + BATCH) }, ctx)).delivered;
    return delivered;
  });
  await sink.close();
  await hec.close();
  return r;
}

async function runPeer() {
  const hec = await FakeSplunk.start();
  const r = await timed(async () => {
    let sent = 0;
    for (let i = 0; i < N; i += BATCH) {
      let body = '';
      for (const e of events.slice(i, i + BATCH)) body += `${JSON.stringify({ time: e.event_time / 1000, source: 'sightline', sourcetype: `sightline:${e.event_kind}`, event: toCim(e) })}\n`;
      const res = await fetch(`${hec.url}/services/collector/event`, { method: 'POST', headers: { authorization: 'Splunk test-token', 'content-type': 'application/json' }, body });
      const j = await res.json();
      if (j.code !== 0) throw new Error(`peer got ${JSON.stringify(j)}`);
      sent += Math.min(BATCH, N - i);
    }
    return sent;
  });
  await hec.close();
  return r;
}

const runs = { s: [], p: [] };
for (let k = 0; k < 2; k++) {
  runs.s.push(await runSightline());
  runs.p.push(await runPeer());
}
const best = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
const s = best(runs.s);
const p = best(runs.p);
if (s.out !== N || p.out !== N) throw new Error(`benchmark lost events: sightline ${s.out}, peer ${p.out} of ${N}`);
const row = (name, r) => `${name.padEnd(66)} ${fmt((N * 1000) / r.ms).padStart(9)} events/s  peak RSS ${r.peakMiB.toFixed(0)} MiB`;
console.log(`sink-splunk benchmark: ${fmt(N)} events (flow/dns/proxy), batches of ${BATCH}, local FakeSplunk, Node ${process.version}`);
console.log(row('Sightline splunk sink (ODM -> CIM, HEC batches, RetryingSink)', s));
console.log(row('peer: bare fetch POST loop, same CIM events and batch size', p));
console.log(`ratio Sightline/peer throughput: ${(p.ms / s.ms).toFixed(2)}x  (overhead ${(((s.ms - p.ms) / p.ms) * 100).toFixed(1)}%)`);
