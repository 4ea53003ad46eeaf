import type { Corpus } from './engine/types.js';

/** Expected counts of a whole window under topics fixed by a fit on a sample of it. */
export interface WindowCounts {
  /** Expected n_dk (doc-major). */
  readonly docTopic: Float32Array;
  /** Expected n_wk (word-major). */
  readonly wordTopic: Float32Array;
  readonly topicTotal: Float64Array;
}

/**
 * Folds every host's full behaviour in after a fit on a sample: with φ fixed, each host's θ is found by EM
 * (θ_dk ∝ α + Σ_w c_dw r_dwk, r_dwk ∝ θ_dk φ_kw), starting from the host's θ in the sampled fit, then every
 * token adds its topic posterior to its host's and its word's counts. EM runs on distinct (host, word) pairs with
 * their counts rather than on tokens (a host repeats its words: a day of 200M tokens has a tenth as many pairs),
 * and needs no random numbers, so it is exact for a given fit and fast enough to take a 100M-event day.
 *
 * `sampleDocTopic` is the fit's n_dk on the sample (doc-major), `phi` its β-smoothed φ (word-major).
 */
export function foldInWindow(full: Corpus, sampleDocTopic: Uint32Array, phi: Float32Array, K: number, alpha: number, iterations: number): WindowCounts {
  const { numDocs, numWords, docStart, tokens } = full;
  const docTopic = new Float32Array(numDocs * K);
  const wordAcc = new Float64Array(numWords * K);
  const topicTotal = new Float64Array(K);
  const mark = new Int32Array(numWords).fill(-1);
  const slot = new Uint32Array(numWords);
  let pairWords = new Uint32Array(1024);
  let pairCounts = new Uint32Array(1024);
  const theta = new Float64Array(K);
  const acc = new Float64Array(K);
  const r = new Float64Array(K);
  for (let d = 0; d < numDocs; d++) {
    // The host's distinct words with their counts.
    let pairs = 0;
    const start = docStart[d]!;
    const end = docStart[d + 1]!;
    const n = end - start;
    if (n === 0) continue;
    if (pairWords.length < n) {
      pairWords = new Uint32Array(Math.max(n, pairWords.length * 2));
      pairCounts = new Uint32Array(pairWords.length);
    }
    for (let i = start; i < end; i++) {
      const w = tokens[i]!;
      if (mark[w] !== d) {
        mark[w] = d;
        slot[w] = pairs;
        pairWords[pairs] = w;
        pairCounts[pairs] = 0;
        pairs++;
      }
      pairCounts[slot[w]!]!++;
    }
    // Start from the host's topics in the sampled fit.
    let sampled = 0;
    for (let k = 0; k < K; k++) sampled += sampleDocTopic[d * K + k]!;
    for (let k = 0; k < K; k++) theta[k] = (sampleDocTopic[d * K + k]! + alpha) / (sampled + K * alpha);
    const norm = 1 / (n + K * alpha);
    for (let it = 0; it <= iterations; it++) {
      acc.fill(0);
      for (let p = 0; p < pairs; p++) {
        const wb = pairWords[p]! * K;
        let sum = 0;
        for (let k = 0; k < K; k++) sum += r[k] = theta[k]! * phi[wb + k]!;
        const scale = sum > 0 ? pairCounts[p]! / sum : 0;
        for (let k = 0; k < K; k++) acc[k]! += r[k]! * scale;
      }
      if (it < iterations) for (let k = 0; k < K; k++) theta[k] = (acc[k]! + alpha) * norm;
    }
    // The last pass's responsibilities, under the final θ, are the host's expected counts; the words get theirs.
    for (let p = 0; p < pairs; p++) {
      const wb = pairWords[p]! * K;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += r[k] = theta[k]! * phi[wb + k]!;
      const scale = sum > 0 ? pairCounts[p]! / sum : 0;
      for (let k = 0; k < K; k++) wordAcc[wb + k]! += r[k]! * scale;
    }
    for (let k = 0; k < K; k++) {
      docTopic[d * K + k] = acc[k]!;
      topicTotal[k]! += acc[k]!;
    }
  }
  return { docTopic, wordTopic: Float32Array.from(wordAcc), topicTotal };
}
