/** First assignments of a fit: uniform, or drawn from a warm start's topic-word counts. */
import { nextUniform } from './rng.js';
import type { Corpus, WarmStart } from './types.js';

/** Count arrays and assignments of a fit in progress. */
export interface Counts {
  readonly assignments: Uint8Array;
  readonly docTopic: Uint32Array;
  readonly wordTopic: Uint32Array;
  readonly topicTotal: Float64Array;
}

/**
 * Draws every token's first topic and fills the counts. Without a warm start the topic is uniform. With one,
 * documents are visited in order and a token of word w in document d takes topic k with probability
 * ∝ (n_dk so far + α) · (warm_wk + β) / (warm_k + Vβ): the previous window's φ, times the document's own mix
 * as it forms, so each document starts near a consistent mixture of the old topics.
 */
export function initAssignments(corpus: Corpus, K: number, alpha: number, beta: number, rng: Uint32Array, counts: Counts, warm?: WarmStart): void {
  const { numDocs, numWords, docStart, tokens } = corpus;
  const { assignments: z, docTopic: ndk, wordTopic: nwk, topicTotal: nk } = counts;
  if (warm === undefined) {
    for (let d = 0; d < numDocs; d++) {
      const db = d * K;
      for (let i = docStart[d]!, end = docStart[d + 1]!; i < end; i++) {
        const t = Math.floor(nextUniform(rng) * K);
        z[i] = t;
        ndk[db + t]!++;
        nwk[tokens[i]! * K + t]!++;
        nk[t]!++;
      }
    }
    return;
  }
  const ww = warm.wordTopic;
  const invTotal = new Float64Array(K);
  for (let w = 0; w < numWords; w++) for (let k = 0; k < K; k++) invTotal[k]! += ww[w * K + k]!;
  for (let k = 0; k < K; k++) invTotal[k] = 1 / (invTotal[k]! + numWords * beta);
  const cum = new Float64Array(K);
  for (let d = 0; d < numDocs; d++) {
    const db = d * K;
    for (let i = docStart[d]!, end = docStart[d + 1]!; i < end; i++) {
      const wb = tokens[i]! * K;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        sum += (ndk[db + k]! + alpha) * (ww[wb + k]! + beta) * invTotal[k]!;
        cum[k] = sum;
      }
      const u = nextUniform(rng) * sum;
      let t = 0;
      while (t < K - 1 && cum[t]! <= u) t++;
      z[i] = t;
      ndk[db + t]!++;
      nwk[wb + t]!++;
      nk[t]!++;
    }
  }
}
