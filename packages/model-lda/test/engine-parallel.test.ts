import { SightlineError } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { fitLda, logLikelihood, topicWordModel, type LdaParams } from '../src/engine/index.js';
import { matchTopics, plantedCorpus } from './engine-fixtures.js';

// The workers run the built dist/engine/worker.js (the root `npm test` builds first).
describe('AD-LDA over worker threads', () => {
  const planted = plantedCorpus({ topics: 6, wordsPerTopic: 20, docs: 300, docLength: 80, topicsPerDoc: 2, seed: 23 });
  const params: LdaParams = { topics: 6, alpha: 0.1, beta: 0.01, sweeps: 150, seed: 9, workers: 2 };

  it('is deterministic for a seed and a worker count', async () => {
    const a = await fitLda(planted.corpus, { ...params, sweeps: 20 });
    const b = await fitLda(planted.corpus, { ...params, sweeps: 20 });
    expect(b.assignments).toEqual(a.assignments);
    expect(b.wordTopic).toEqual(a.wordTopic);
    expect(a.stats.workers).toBe(2);
    const three = await fitLda(planted.corpus, { ...params, sweeps: 20, workers: 3 });
    const threeAgain = await fitLda(planted.corpus, { ...params, sweeps: 20, workers: 3 });
    expect(threeAgain.assignments).toEqual(three.assignments);
    expect(three.assignments).not.toEqual(a.assignments);
  });

  it('keeps the merged counts equal to a recount of the assignments', async () => {
    const fit = await fitLda(planted.corpus, { ...params, sweeps: 10, workers: 3 });
    const K = params.topics;
    const nwk = new Uint32Array(fit.wordTopic.length);
    const ndk = new Uint32Array(fit.docTopic.length);
    const nk = new Float64Array(K);
    const { docStart, tokens } = planted.corpus;
    for (let d = 0; d < fit.numDocs; d++) {
      for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
        const t = fit.assignments[i]!;
        nwk[tokens[i]! * K + t]!++;
        ndk[d * K + t]!++;
        nk[t]!++;
      }
    }
    expect(Array.from(fit.wordTopic)).toEqual(Array.from(nwk));
    expect(Array.from(fit.docTopic)).toEqual(Array.from(ndk));
    expect(Array.from(fit.topicTotal)).toEqual(Array.from(nk));
  });

  it('reaches a log-likelihood and topics close to one thread', async () => {
    const one = await fitLda(planted.corpus, { ...params, workers: 1 });
    const two = await fitLda(planted.corpus, params);
    const n = planted.corpus.tokens.length;
    expect(Math.abs(logLikelihood(two) / n - logLikelihood(one) / n)).toBeLessThan(0.05);
    for (const tv of matchTopics(planted, topicWordModel(two).phi).distance) expect(tv).toBeLessThan(0.1);
  });

  it('calls onSweep once per merged sweep', async () => {
    const seen: number[] = [];
    await fitLda(planted.corpus, { ...params, sweeps: 4 }, { onSweep: (s) => seen.push(s) });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('fails with SL_LDA_WORKER_FAILED when a worker dies, and a next fit still works', async () => {
    let caught: unknown;
    try {
      await fitLda(planted.corpus, params, { workerResourceLimits: { maxOldGenerationSizeMb: 0.5, maxYoungGenerationSizeMb: 0.1 } });
    } catch (e) {
      caught = e;
    }
    expect(SightlineError.isCode(caught, 'SL_LDA_WORKER_FAILED')).toBe(true);
    expect((caught as Error).message).toMatch(/worker \d of 2 failed/);
    const fit = await fitLda(planted.corpus, { ...params, sweeps: 2 });
    expect(fit.stats.sweeps).toBe(2);
  });
});
