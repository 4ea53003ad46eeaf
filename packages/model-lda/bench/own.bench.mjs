// The model's own cost per event, apart from reading the window: a day of flows is generated once and held in
// memory, then fit and score run over it, timed in CPU seconds of this thread (the sampler's workers are timed
// by the fit's own stats). `LDA_OWN_EVENTS` (default 1M), `LDA_OWN_BUDGET` (training tokens, default 20% of them).
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { manifest, plantedFlows } from '../dist/index.js';

const EVENTS = Number(process.env.LDA_OWN_EVENTS ?? 1_000_000);
const BUDGET = Number(process.env.LDA_OWN_BUDGET ?? Math.round(EVENTS * 2 * 0.2));
const corpus = plantedFlows({ events: EVENTS, hosts: Math.max(1000, Math.round(EVENTS / 200)), plants: 100, seed: 21 });
const batches = [];
for await (const b of corpus.window.batches()) batches.push(b);
const window = { ...corpus.window, async *batches() { yield* batches; } };
const cpu = () => process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage();
const secs = (a, b) => (b.user - a.user + b.system - a.system) / 1e6;
for (let round = 0; round < Number(process.env.LDA_OWN_ROUNDS ?? 2); round++) {
  const ctx = createTestContext({ step: 'lda' });
  const model = await instantiate(manifest, { workers: 1, train_budget: BUDGET }, ctx);
  const c0 = cpu();
  const t0 = performance.now();
  const state = await model.fit(window, { ...ctx, feedback: [], seed: 1 });
  const c1 = cpu();
  const t1 = performance.now();
  let n = 0;
  for (const b of batches) n += model.score(b, state, ctx).length;
  const c2 = cpu();
  const t2 = performance.now();
  const s = state.data.kinds.flow.seconds;
  const fitOwn = secs(c0, c1);
  console.log(`round ${round}: ${EVENTS.toLocaleString('en-US')} flows; fit ${((t1 - t0) / 1000).toFixed(2)} s wall (this thread ${fitOwn.toFixed(2)} CPU-s: prepare ${s.prepare.toFixed(2)}, corpus ${s.corpus.toFixed(2)}, sweeps ${s.sweeps.toFixed(2)}, fold-in ${s.foldIn.toFixed(2)}); score ${secs(c1, c2).toFixed(2)} CPU-s (${((t2 - t1) / 1000).toFixed(2)} wall) = ${(secs(c1, c2) / n * 1e9).toFixed(0)} ns/event; prepare ${(s.prepare / EVENTS * 1e9).toFixed(0)} ns/event`);
}
