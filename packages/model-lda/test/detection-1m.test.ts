import { describe, expect, it } from 'vitest';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { manifest } from '../src/index.js';
import { plantedFlows } from '../src/synthetic.js';

// The detection measure at full size: a day of one million flows with 100 planted rare events of three
// sorts (words nobody uses; a server-only service used by a workstation at night; a host's own service at night
// with a transfer hundreds of times its usual size). Every planted event must be among the lowest 0.1% of
// scores, and at least 90% of them among the lowest N (N = 100). Default settings (200 sweeps), 2 workers.
describe('lda model at one million events', () => {
  it('puts every planted event in the lowest 0.1% and at least 90% of them in the lowest N', async () => {
    const corpus = plantedFlows({ events: 1_000_000, hosts: 5000, plants: 100, seed: 21 });
    const ctx = createTestContext({ step: 'lda' });
    const model = await instantiate(manifest, { workers: 2 }, ctx);
    const state = await model.fit(corpus.window, { ...ctx, feedback: [], seed: 1 });
    const values = new Float64Array(corpus.count);
    const plantedValues: number[] = [];
    let n = 0;
    for await (const batch of corpus.window.batches()) {
      const scores = await model.score(batch, state, ctx);
      scores.forEach((s, i) => {
        values[n++] = s!.value;
        if (corpus.planted.has(batch[i]!.event_id)) plantedValues.push(s!.value);
      });
    }
    const sorted = values.subarray(0, n).sort();
    const cut = sorted[Math.floor(n * 0.001)]!;
    const cutN = sorted[corpus.planted.size - 1]!;
    expect(plantedValues.length).toBe(corpus.planted.size);
    expect(plantedValues.filter((v) => v > cut)).toEqual([]);
    expect(plantedValues.filter((v) => v <= cutN).length).toBeGreaterThanOrEqual(90);
  }, 600_000);
});
