import { SightlineError } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { buildCorpus, fitLda, logGamma, logLikelihood, tokenPositions, type Corpus, type LdaParams } from '../src/engine/index.js';
import { buildNonZeroLists, sweepDocs } from '../src/engine/kernel.js';
import { seedState } from '../src/engine/rng.js';
import { corpusOf, plantedCorpus } from './engine-fixtures.js';

const params: LdaParams = { topics: 4, alpha: 0.1, beta: 0.01, sweeps: 20, seed: 7, workers: 1 };

async function rejection(p: Promise<unknown>): Promise<SightlineError> {
  try {
    await p;
  } catch (e) {
    if (SightlineError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('buildCorpus', () => {
  it('groups (doc, word) pairs by document and keeps each document in input order', () => {
    const c = buildCorpus(Uint32Array.from([2, 0, 2, 1, 0]), Uint32Array.from([5, 1, 6, 3, 2]), 4, 7);
    expect(Array.from(c.docStart)).toEqual([0, 2, 3, 5, 5]);
    expect(Array.from(c.tokens)).toEqual([1, 2, 3, 5, 6]);
    expect(Array.from(tokenPositions(Uint32Array.from([2, 0, 2, 1, 0]), c))).toEqual([3, 0, 4, 2, 1]);
  });

  it('refuses ids out of range and arrays of different lengths', () => {
    expect(() => buildCorpus(Uint32Array.from([0, 3]), Uint32Array.from([0, 0]), 3, 1)).toThrow(/docIds\[1\] = 3 is not below numDocs = 3/);
    expect(() => buildCorpus(Uint32Array.from([0]), Uint32Array.from([9]), 1, 9)).toThrow(/wordIds\[0\] = 9/);
    expect(() => buildCorpus(Uint32Array.from([0]), Uint32Array.from([0, 1]), 1, 2)).toThrow(SightlineError);
  });
});

describe('fitLda input validation', () => {
  const good = corpusOf([[0, 1], [1, 2]]);
  const cases: [string, Corpus, Partial<LdaParams>, RegExp][] = [
    ['0 topics', good, { topics: 0 }, /topics must be an integer in 1\.\.255, got 0/],
    ['256 topics', good, { topics: 256 }, /topics must be an integer in 1\.\.255/],
    ['fractional topics', good, { topics: 2.5 }, /topics/],
    ['alpha 0', good, { alpha: 0 }, /alpha must be a finite number > 0/],
    ['beta NaN', good, { beta: Number.NaN }, /beta/],
    ['negative sweeps', good, { sweeps: -1 }, /sweeps/],
    ['0 workers', good, { workers: 0 }, /workers/],
    ['a word id past numWords', { ...good, numWords: 2 }, {}, /corpus\.tokens\[3\] = 2 is not below numWords = 2/],
    ['docStart going backwards', { ...good, docStart: Uint32Array.from([0, 3, 2]), tokens: Uint32Array.from([0, 1]) }, {}, /docStart/],
    ['docStart not ending at the token count', { ...good, docStart: Uint32Array.from([0, 1, 3]) }, {}, /docStart\[numDocs\] = 3 but there are 4 tokens/],
    ['docStart of the wrong length', { ...good, numDocs: 3 }, {}, /docStart has length 3, expected numDocs \+ 1 = 4/],
  ];
  it.each(cases)('refuses %s with SL_CONFIG_INVALID naming the problem', async (_name, corpus, change, message) => {
    const e = await rejection(fitLda(corpus, { ...params, ...change }));
    expect(e.code).toBe('SL_CONFIG_INVALID');
    expect(e.message).toMatch(message);
  });

  it('refuses a warm start of the wrong size', async () => {
    const e = await rejection(fitLda(good, params, { warmStart: { wordTopic: new Float32Array(5) } }));
    expect(e.code).toBe('SL_CONFIG_INVALID');
    expect(e.message).toMatch(/warmStart\.wordTopic has length 5, expected numWords × topics = 12/);
  });
});

describe('fitLda (one thread)', () => {
  const planted = plantedCorpus({ topics: 4, wordsPerTopic: 10, docs: 60, docLength: 50, topicsPerDoc: 2, seed: 3 });

  it('keeps counts consistent with the assignments', async () => {
    const fit = await fitLda(planted.corpus, params);
    const K = params.topics;
    const { docStart, tokens } = planted.corpus;
    const ndk = new Uint32Array(fit.docTopic.length);
    const nwk = new Uint32Array(fit.wordTopic.length);
    const nk = new Float64Array(K);
    for (let d = 0; d < fit.numDocs; d++) {
      for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
        const t = fit.assignments[i]!;
        expect(t).toBeLessThan(K);
        ndk[d * K + t]!++;
        nwk[tokens[i]! * K + t]!++;
        nk[t]!++;
      }
    }
    expect(fit.docTopic).toEqual(ndk);
    expect(fit.wordTopic).toEqual(nwk);
    expect(fit.topicTotal).toEqual(nk);
    expect(fit.stats).toMatchObject({ tokens: tokens.length, sweeps: 20, workers: 1 });
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await fitLda(planted.corpus, params);
    const b = await fitLda(planted.corpus, params);
    const c = await fitLda(planted.corpus, { ...params, seed: 8 });
    expect(b.assignments).toEqual(a.assignments);
    expect(c.assignments).not.toEqual(a.assignments);
  });

  it('calls onSweep once per sweep, in order', async () => {
    const seen: number[] = [];
    await fitLda(planted.corpus, { ...params, sweeps: 5 }, { onSweep: (s) => seen.push(s) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('raises the log-likelihood from the random start', async () => {
    const start = await fitLda(planted.corpus, { ...params, sweeps: 0 });
    const fitted = await fitLda(planted.corpus, { ...params, sweeps: 50 });
    expect(logLikelihood(fitted)).toBeGreaterThan(logLikelihood(start) + 0.1 * planted.corpus.tokens.length);
  });

  it('draws the first assignments of a warm start from the earlier counts', async () => {
    const earlier = await fitLda(planted.corpus, { ...params, sweeps: 50 });
    const K = params.topics;
    const warm = Float32Array.from(earlier.wordTopic);
    const started = await fitLda(planted.corpus, { ...params, sweeps: 0, seed: 99 }, { warmStart: { wordTopic: warm } });
    // A word's dominant earlier topic is where its tokens start; a uniform start would agree 1 time in K.
    let agree = 0;
    planted.corpus.tokens.forEach((w, i) => {
      let best = 0;
      for (let k = 1; k < K; k++) if (warm[w * K + k]! > warm[w * K + best]!) best = k;
      if (started.assignments[i] === best) agree++;
    });
    expect(agree / planted.corpus.tokens.length).toBeGreaterThan(0.9);
    const cold = await fitLda(planted.corpus, { ...params, sweeps: 0, seed: 99 });
    expect(logLikelihood(started)).toBeGreaterThan(logLikelihood(cold));
  });
});

describe('logLikelihood', () => {
  it('matches the collapsed joint computed term by term on a tiny fit', async () => {
    const corpus = corpusOf([[0, 0, 1], [2, 1]]);
    const p = { ...params, topics: 2, alpha: 0.5, beta: 0.25 };
    const fit = await fitLda(corpus, p);
    const K = 2;
    const V = 3;
    let expected = 0;
    for (let k = 0; k < K; k++) {
      let nk = 0;
      expected += logGamma(V * p.beta);
      for (let w = 0; w < V; w++) {
        const n = fit.wordTopic[w * K + k]!;
        nk += n;
        expected += logGamma(n + p.beta) - logGamma(p.beta);
      }
      expected -= logGamma(nk + V * p.beta);
    }
    for (let d = 0; d < 2; d++) {
      let nd = 0;
      expected += logGamma(K * p.alpha);
      for (let k = 0; k < K; k++) {
        const n = fit.docTopic[d * K + k]!;
        nd += n;
        expected += logGamma(n + p.alpha) - logGamma(p.alpha);
      }
      expected -= logGamma(nd + K * p.alpha);
    }
    expect(logLikelihood(fit)).toBeCloseTo(expected, 10);
  });

  it('logGamma agrees with factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.01)).toBeCloseTo(4.599479878042022, 10);
  });
});

describe('sweepDocs (the sparse kernel)', () => {
  it.each([
    ['a word on few topics (word and smoothing buckets)', [3, 0, 1, 0, 0]],
    ['a word on every topic (the dense pass)', [3, 1, 2, 1, 4]],
  ])('draws a token from the exact full conditional: %s', (_name, row) => {
    // Document 0 holds one token of word 0; document 1 holds the rest of the corpus, whose counts stay fixed.
    // Resampling the lone token leaves every other count as it was, so repeated sweeps of document 0 are
    // independent draws from p(k) ∝ α (n_0k + β) / (n_k + Vβ).
    const K = 5;
    const V = 3;
    const alpha = 0.3;
    const beta = 0.5; // large, so that the smoothing bucket carries real mass
    const wordTopic = Uint32Array.from([...row, /* word 1 */ 0, 4, 0, 2, 0, /* word 2 */ 1, 1, 1, 1, 6]);
    const topicTotal = new Float64Array(K);
    for (let w = 0; w < V; w++) for (let k = 0; k < K; k++) topicTotal[k]! += wordTopic[w * K + k]!;
    // The lone token starts in topic 0: add it to the counts.
    wordTopic[0]!++;
    topicTotal[0]!++;
    const docTopic = new Uint32Array(2 * K);
    docTopic[0] = 1;
    const nonZeroTopics = new Uint8Array(V * K);
    const nonZeroCount = new Uint8Array(V);
    buildNonZeroLists(wordTopic, K, nonZeroTopics, nonZeroCount);
    const state = {
      topics: K, alpha, beta, betaSum: V * beta,
      docStart: Uint32Array.from([0, 1, 1]), tokens: Uint32Array.from([0]), assignments: new Uint8Array(1),
      docTopic, wordTopic, topicTotal, nonZeroTopics, nonZeroCount,
    };
    const expected = row.map((n, k) => (n + beta) / (topicTotal[k]! - (k === 0 ? 1 : 0) + V * beta));
    const z = expected.reduce((a, b) => a + b, 0);
    const draws = 200_000;
    const seen = new Array<number>(K).fill(0);
    const rng = seedState(1, 1);
    const scratch = new Float64Array(2 * K);
    for (let i = 0; i < draws; i++) {
      sweepDocs(state, 0, 1, rng, scratch);
      seen[state.assignments[0]!]!++;
    }
    for (let k = 0; k < K; k++) {
      const p = expected[k]! / z;
      // 5 standard deviations of a binomial proportion.
      expect(Math.abs(seen[k]! / draws - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    }
    // The non-zero lists still match the table.
    const check = new Uint8Array(V);
    buildNonZeroLists(wordTopic, K, new Uint8Array(V * K), check);
    expect(Array.from(nonZeroCount)).toEqual(Array.from(check));
  });
});
