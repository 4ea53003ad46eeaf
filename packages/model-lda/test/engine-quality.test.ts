import { describe, expect, it } from 'vitest';
import { docTopicProportions, fitLda, logLikelihood, topicWordModel, type LdaParams } from '../src/engine/index.js';
import { matchTopics, plantedCorpus } from './engine-fixtures.js';

describe('planted-topics recovery', () => {
  // 6 topics on disjoint blocks of 20 words; 200 documents of 100 tokens, each mixing 2 topics.
  const planted = plantedCorpus({ topics: 6, wordsPerTopic: 20, docs: 200, docLength: 100, topicsPerDoc: 2, seed: 17 });
  const params: LdaParams = { topics: 6, alpha: 0.1, beta: 0.01, sweeps: 200, seed: 5, workers: 1 };

  it('recovers every planted φ (matched topics within 0.1 total variation) and the documents θ', async () => {
    const fit = await fitLda(planted.corpus, params);
    const { fittedOf, distance } = matchTopics(planted, topicWordModel(fit).phi);
    // Sampling noise alone: 20 words × ~3,300 tokens per topic puts a row ~0.03 from the truth.
    for (const tv of distance) expect(tv).toBeLessThan(0.1);
    const theta = docTopicProportions(fit);
    let l1 = 0;
    for (let d = 0; d < 200; d++) {
      for (let k = 0; k < 6; k++) l1 += Math.abs(planted.theta[d * 6 + k]! - theta[d * 6 + fittedOf[k]!]!);
    }
    // 100 tokens per document: the multinomial noise of the planted mix itself is ~0.1 in L1.
    expect(l1 / 200).toBeLessThan(0.2);
  });

  it('reaches the log-likelihood the planted structure allows, far above a 2-topic fit of the same data', async () => {
    const six = await fitLda(planted.corpus, params);
    const two = await fitLda(planted.corpus, { ...params, topics: 2 });
    const perToken = (ll: number) => ll / planted.corpus.tokens.length;
    // Per token, log p(w | z) is at best ln(1/20) ≈ −3.00 (uniform 20-word blocks) and log p(z | d) at best
    // about −ln 2 (two topics per document): ≈ −3.69 together; a fit that mixed the blocks would sit near
    // ln(1/120) ≈ −4.8 on the word side alone.
    expect(perToken(logLikelihood(six))).toBeGreaterThan(-3.8);
    expect(perToken(logLikelihood(six))).toBeGreaterThan(perToken(logLikelihood(two)) + 0.5);
  });
});
