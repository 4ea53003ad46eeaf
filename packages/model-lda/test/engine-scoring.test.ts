import { describe, expect, it } from 'vitest';
import { docTopicProportions, fitLda, foldIn, scoreTokens, scoreWord, topicWordModel, type LdaParams } from '../src/engine/index.js';
import { corpusOf, mulberry32, plantedCorpus } from './engine-fixtures.js';

const params: LdaParams = { topics: 3, alpha: 0.2, beta: 0.05, sweeps: 10, seed: 11, workers: 1 };

describe('θ and φ', () => {
  it('φ is β-smoothed and sums to 1 over the vocabulary; unseen words get β / (n_k + Vβ)', async () => {
    const corpus = corpusOf([[0, 1, 1, 2], [2, 2, 3]], 5);
    const fit = await fitLda(corpus, params);
    const m = topicWordModel(fit);
    expect(m.numWords).toBe(5);
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let w = 0; w < 5; w++) sum += m.phi[w * 3 + k]!;
      expect(sum).toBeCloseTo(1, 6);
      const denominator = fit.topicTotal[k]! + 5 * params.beta;
      expect(m.unseen[k]).toBeCloseTo(params.beta / denominator, 7);
      expect(m.phi[4 * 3 + k]).toBeCloseTo(params.beta / denominator, 7); // word 4 never occurs
    }
  });

  it('θ rows are (n_dk + α) / (n_d + Kα) and sum to 1', async () => {
    const corpus = corpusOf([[0, 1, 1, 2], [2, 2, 3]]);
    const fit = await fitLda(corpus, params);
    const theta = docTopicProportions(fit);
    for (let d = 0; d < 2; d++) {
      const nd = d === 0 ? 4 : 3;
      let sum = 0;
      for (let k = 0; k < 3; k++) {
        expect(theta[d * 3 + k]).toBeCloseTo((fit.docTopic[d * 3 + k]! + params.alpha) / (nd + 3 * params.alpha), 6);
        sum += theta[d * 3 + k]!;
      }
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('scoreWord is the θ·φ dot product, with the unseen row for -1 and for ids past the vocabulary', async () => {
    const corpus = corpusOf([[0, 1, 1, 2], [2, 2, 3]]);
    const fit = await fitLda(corpus, params);
    const theta = docTopicProportions(fit);
    const m = topicWordModel(fit);
    let direct = 0;
    let unseen = 0;
    for (let k = 0; k < 3; k++) {
      direct += theta[3 + k]! * m.phi[2 * 3 + k]!;
      unseen += theta[3 + k]! * m.unseen[k]!;
    }
    expect(scoreWord(theta, 1, m, 2)).toBeCloseTo(direct, 7);
    expect(scoreWord(theta, 1, m, -1)).toBeCloseTo(unseen, 7);
    expect(scoreWord(theta, 1, m, 4)).toBeCloseTo(unseen, 7);
    expect(unseen).toBeGreaterThan(0);
  });
});

describe('scoreTokens (leave-one-out)', () => {
  it('equals p(w | d) computed by brute force from the counts without the token', async () => {
    const rand = mulberry32(5);
    const docs = Array.from({ length: 6 }, () => Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 7)));
    const corpus = corpusOf(docs, 8);
    const p = { ...params, topics: 4 };
    const fit = await fitLda(corpus, p);
    const out = new Float64Array(corpus.tokens.length);
    scoreTokens(fit, corpus, out);
    const K = 4;
    const V = 8;
    for (let d = 0; d < docs.length; d++) {
      for (let i = corpus.docStart[d]!; i < corpus.docStart[d + 1]!; i++) {
        const w = corpus.tokens[i]!;
        const z = fit.assignments[i]!;
        const nd = corpus.docStart[d + 1]! - corpus.docStart[d]! - 1;
        let expected = 0;
        for (let k = 0; k < K; k++) {
          const own = k === z ? 1 : 0;
          const theta = (fit.docTopic[d * K + k]! - own + p.alpha) / (nd + K * p.alpha);
          const phi = (fit.wordTopic[w * K + k]! - own + p.beta) / (fit.topicTotal[k]! - own + V * p.beta);
          expected += theta * phi;
        }
        expect(out[i]).toBeCloseTo(expected, 6);
      }
    }
  });

  it('refuses a corpus that is not the fitted one', async () => {
    const fit = await fitLda(corpusOf([[0, 1]]), params);
    expect(() => scoreTokens(fit, corpusOf([[0, 1, 1]]), new Float64Array(3))).toThrow(/not the one the fit was made on/);
  });
});

describe("Spot's fixtures on the engine", () => {
  // FlowSuspiciousConnectsAnalysisTest "time-of-day anomalies": between one pair of hosts, nine flows at 13:xx and
  // one at 00:xx; both hosts' documents hold word h13 nine times and word h0 once. Spot's α = 1.02, β = 1.001 are
  // EM priors (EM needs > 1); the collapsed-Gibbs equivalents are α ≈ 0.02, β ≈ 0.001
  // (lda-performance.md §4.1).
  const h0 = 0;
  const h13 = 1;
  const doc = [h13, h13, h13, h13, h13, h13, h13, h13, h13, h0];
  const corpus = corpusOf([doc, doc]);
  const spot: LdaParams = { topics: 20, alpha: 0.02, beta: 0.001, sweeps: 200, seed: 1, workers: 1 };

  it.each([1, 2, 3, 4])('plain θ·φ gives the lone h0 ≈ 0.1 and h13 ≈ 0.9 (seed %i)', async (seed) => {
    const fit = await fitLda(corpus, { ...spot, seed });
    const theta = docTopicProportions(fit);
    const m = topicWordModel(fit);
    // Tolerance 0.03: the 19 topics a 10-token document does not use keep θ = α / (10 + 20α) ≈ 0.002 each and
    // φ = ½ for both words, which moves each score by up to ≈ 0.02 towards ½.
    for (const d of [0, 1]) {
      expect(Math.abs(scoreWord(theta, d, m, h0) - 0.1)).toBeLessThan(0.03);
      expect(Math.abs(scoreWord(theta, d, m, h13) - 0.9)).toBeLessThan(0.03);
    }
  });

  it.each([1, 2, 3, 4])('leave-one-out gives the lone h0 far less than 0.1 and h13 stays ≈ 0.9 (seed %i)', async (seed) => {
    const fit = await fitLda(corpus, { ...spot, seed });
    const out = new Float64Array(20);
    scoreTokens(fit, corpus, out);
    // Without its own assignment the h0 event has one companion (in the other document) to vouch for it:
    // seen at 0.02 here, against 0.87 for each h13 event.
    for (const d of [0, 1]) {
      for (let i = d * 10; i < d * 10 + 9; i++) expect(Math.abs(out[i]! - 0.87)).toBeLessThan(0.05);
      expect(out[d * 10 + 9]).toBeLessThan(0.06);
      expect(out[d * 10 + 9]! * 10).toBeLessThan(out[d * 10]!);
    }
  });

  // SpotLDAWrapperTest, with the online optimizer's priors (α = 0.0009, β = 0.00001) and K = 2.
  const wrapper: LdaParams = { topics: 2, alpha: 0.0009, beta: 0.00001, sweeps: 100, seed: 0xdeadbeef, workers: 1 };

  it('an extremely unbalanced two-word document: cat once scores < 0.01, dog 999 times ≈ 0.999', async () => {
    const cat = 0;
    const dog = 1;
    const pets = corpusOf([[cat, ...Array.from({ length: 999 }, () => dog)]]);
    const fit = await fitLda(pets, wrapper);
    const theta = docTopicProportions(fit);
    const m = topicWordModel(fit);
    expect(scoreWord(theta, 0, m, cat)).toBeLessThan(0.01);
    expect(Math.abs(0.999 - scoreWord(theta, 0, m, dog))).toBeLessThan(0.01);
  });

  it('distinct documents on distinct words get distinct topics: each word scores ≈ 1 in its document', async () => {
    const fit = await fitLda(corpusOf([[0], [1]]), wrapper);
    const theta = docTopicProportions(fit);
    const m = topicWordModel(fit);
    expect(fit.assignments[0]).not.toBe(fit.assignments[1]);
    expect(Math.abs(1 - scoreWord(theta, 0, m, 0))).toBeLessThan(0.01);
    expect(Math.abs(1 - scoreWord(theta, 1, m, 1))).toBeLessThan(0.01);
  });
});

describe('foldIn', () => {
  const planted = plantedCorpus({ topics: 4, wordsPerTopic: 8, docs: 80, docLength: 60, topicsPerDoc: 2, seed: 21 });
  const p: LdaParams = { topics: 4, alpha: 0.1, beta: 0.01, sweeps: 100, seed: 3, workers: 1 };

  it('gives a training document back (close to) its fitted θ, with φ fixed', async () => {
    const fit = await fitLda(planted.corpus, p);
    const model = topicWordModel(fit);
    const fitted = docTopicProportions(fit);
    const folded = foldIn(model, planted.corpus, { sweeps: 40, seed: 9, alpha: p.alpha });
    let worst = 0;
    for (let d = 0; d < planted.corpus.numDocs; d++) {
      let l1 = 0;
      for (let k = 0; k < 4; k++) l1 += Math.abs(folded[d * 4 + k]! - fitted[d * 4 + k]!);
      worst = Math.max(worst, l1);
    }
    expect(worst).toBeLessThan(0.25);
  });

  it("puts a new document of one topic's words on that topic, and an empty one on the uniform mix", async () => {
    const fit = await fitLda(planted.corpus, p);
    const model = topicWordModel(fit);
    // Words 0..7 are planted topic 0's block; find the fitted topic that owns them.
    let owner = 0;
    for (let k = 1; k < 4; k++) if (model.phi[k]! > model.phi[owner]!) owner = k;
    const fresh = corpusOf([[0, 1, 2, 3, 4, 5, 6, 7, 0, 1], []], planted.corpus.numWords);
    const theta = foldIn(model, fresh, { sweeps: 20, seed: 1, alpha: p.alpha });
    expect(theta[owner]).toBeGreaterThan(0.9);
    expect(Array.from(theta.subarray(4, 8))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('samples a lone token from α φ_kw / Σ_k α φ_kw: the smoothing path matches the model exactly', () => {
    // A hand-made φ (3 topics, 2 words). A one-token document has no other tokens, so every draw is
    // p(k) ∝ α φ_kw and θ_k = (share of sweeps in k + α) / (1 + Kα).
    const model = { topics: 3, numWords: 2, phi: Float32Array.from([0.5, 0.2, 0.1, 0.5, 0.8, 0.9]), unseen: Float32Array.from([0.01, 0.02, 0.07]) };
    const sweeps = 100_000;
    const theta = foldIn(model, corpusOf([[0], [5]]), { sweeps, seed: 4, alpha: 0.5 });
    const expectShare = (row: number[], d: number) => {
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((v, k) => {
        const share = theta[d * 3 + k]! * (1 + 3 * 0.5) - 0.5;
        const p = v / total;
        expect(Math.abs(share - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / (sweeps / 2)) + 1e-6);
      });
    };
    expectShare([0.5, 0.2, 0.1], 0);
    expectShare([0.01, 0.02, 0.07], 1); // word 5 is past the vocabulary: the unseen row
  });

  it('treats word ids past the model vocabulary as unseen words instead of failing', async () => {
    const fit = await fitLda(planted.corpus, p);
    const model = topicWordModel(fit);
    const theta = foldIn(model, corpusOf([[model.numWords + 3, 0]]), { sweeps: 5, seed: 1, alpha: p.alpha });
    let sum = 0;
    for (let k = 0; k < 4; k++) sum += theta[k]!;
    expect(sum).toBeCloseTo(1, 5);
  });
});
