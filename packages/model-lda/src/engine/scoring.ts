/**
 * Scoring arithmetic: θ and φ from a fit's counts, p(w | d) = Σ_k θ_dk φ_kw for training tokens (leave-one-out)
 * and for events outside the training window, and fold-in of new documents against a fixed φ.
 */
import { buildNonZeroLists } from './kernel.js';
import { nextUniform, seedState } from './rng.js';
import type { Corpus, LdaFit } from './types.js';
import { invalid, validateCorpus } from './validate.js';

/** φ of a fit, ready for scoring: word-major so that p(w | d) is one K-length dot product. */
export interface TopicWordModel {
  readonly topics: number;
  readonly numWords: number;
  /** φ_kw = (n_wk + β) / (n_k + Vβ), word-major (numWords × K). */
  readonly phi: Float32Array;
  /** φ of a word the fit never saw: β / (n_k + Vβ) (K). Not Spot's zero vector: unseen is rare, not impossible. */
  readonly unseen: Float32Array;
}

/** φ of a fit, β-smoothed, with the row used for words outside its vocabulary. */
export function topicWordModel(fit: LdaFit): TopicWordModel {
  const K = fit.params.topics;
  const V = fit.numWords;
  const beta = fit.params.beta;
  const inv = new Float64Array(K);
  for (let k = 0; k < K; k++) inv[k] = 1 / (fit.topicTotal[k]! + V * beta);
  const phi = new Float32Array(V * K);
  const nwk = fit.wordTopic;
  for (let i = 0, w = 0; w < V; w++) for (let k = 0; k < K; k++, i++) phi[i] = (nwk[i]! + beta) * inv[k]!;
  const unseen = new Float32Array(K);
  for (let k = 0; k < K; k++) unseen[k] = beta * inv[k]!;
  return { topics: K, numWords: V, phi, unseen };
}

/** θ of the fit's documents: θ_dk = (n_dk + α) / (n_d + Kα), doc-major (numDocs × K). */
export function docTopicProportions(fit: LdaFit): Float32Array {
  const K = fit.params.topics;
  const alpha = fit.params.alpha;
  const ndk = fit.docTopic;
  const theta = new Float32Array(fit.numDocs * K);
  for (let d = 0; d < fit.numDocs; d++) {
    const db = d * K;
    let n = 0;
    for (let k = 0; k < K; k++) n += ndk[db + k]!;
    const inv = 1 / (n + K * alpha);
    for (let k = 0; k < K; k++) theta[db + k] = (ndk[db + k]! + alpha) * inv;
  }
  return theta;
}

/**
 * p(w | d) of every training token with its own assignment left out: the token's topic z is removed from
 * n_dz, n_wz and n_z before θ and φ are formed, so an event does not vouch for itself (a word seen once in the
 * window scores as the rare word it is). `out[i]` is the score of `corpus.tokens[i]`; `corpus` must be the
 * corpus the fit was made on.
 *
 * Computed from the counts, exactly, in the sampler's sparse form: with b_k = (n_dk + α) / (n_k + Vβ),
 * Σ_k θ_dk φ_kw ∝ Σ_{k: n_wk > 0} b_k n_wk + β Σ_k b_k — a sum over the word's few non-zero topics and a
 * per-document constant — then the token's own topic term is swapped for its leave-one-out value.
 */
export function scoreTokens(fit: LdaFit, corpus: Corpus, out: Float64Array): void {
  const K = fit.params.topics;
  const { alpha, beta } = fit.params;
  const { docStart, tokens } = corpus;
  if (corpus.numDocs !== fit.numDocs || corpus.numWords !== fit.numWords || tokens.length !== fit.assignments.length) {
    invalid(`scoreTokens: the corpus (${corpus.numDocs} docs, ${corpus.numWords} words, ${tokens.length} tokens) is not the one the fit was made on`);
  }
  if (out.length < tokens.length) invalid(`scoreTokens: out has length ${out.length}, fewer than the ${tokens.length} tokens`);
  const V = fit.numWords;
  const nwk = fit.wordTopic;
  const ndk = fit.docTopic;
  const z = fit.assignments;
  const lists = new Uint8Array(V * K);
  const nonZero = new Uint8Array(V);
  buildNonZeroLists(nwk, K, lists, nonZero);
  const inv = new Float64Array(K);
  const invOut = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    inv[k] = 1 / (fit.topicTotal[k]! + V * beta);
    invOut[k] = 1 / (fit.topicTotal[k]! - 1 + V * beta);
  }
  const b = new Float64Array(K);
  for (let d = 0; d < fit.numDocs; d++) {
    const start = docStart[d]!;
    const end = docStart[d + 1]!;
    if (start === end) continue;
    const db = d * K;
    let smooth = 0;
    for (let k = 0; k < K; k++) {
      const v = (ndk[db + k]! + alpha) * inv[k]!;
      b[k] = v;
      smooth += v;
    }
    smooth *= beta;
    const norm = 1 / (end - start - 1 + K * alpha);
    for (let i = start; i < end; i++) {
      const w = tokens[i]!;
      const wb = w * K;
      const t = z[i]!;
      let dot = smooth;
      for (let j = 0, n = nonZero[w]!; j < n; j++) {
        const k = lists[wb + j]!;
        dot += b[k]! * nwk[wb + k]!;
      }
      // Swap the token's own term, (n_dt + α)(n_wt + β)/(n_t + Vβ), for its value without the token.
      const at = ndk[db + t]! + alpha;
      const nwt = nwk[wb + t]! + beta;
      dot += (at - 1) * (nwt - 1) * invOut[t]! - at * nwt * inv[t]!;
      out[i] = dot * norm;
    }
  }
}

/**
 * p(w | d) for one event outside the training window: θ row `docIndex` of `theta` (from
 * {@link docTopicProportions} or {@link foldIn}) dotted with φ of `wordId`, or with the β-smoothed unseen row when
 * `wordId` is -1 or not in the model's vocabulary.
 */
export function scoreWord(theta: Float32Array, docIndex: number, model: TopicWordModel, wordId: number): number {
  const K = model.topics;
  const tb = docIndex * K;
  const known = wordId >= 0 && wordId < model.numWords;
  const row = known ? model.phi : model.unseen;
  const wb = known ? wordId * K : 0;
  let dot = 0;
  for (let k = 0; k < K; k++) dot += theta[tb + k]! * row[wb + k]!;
  return dot;
}

/** Settings of {@link foldIn}. */
export interface FoldInOptions {
  /** Gibbs sweeps over each new document's tokens (the second half is averaged into θ). */
  readonly sweeps: number;
  readonly seed: number;
  /** The document-topic prior of the fit the model came from. */
  readonly alpha: number;
}

/**
 * θ of new documents (doc-major, numDocs × K) with φ fixed: Gibbs sampling on the document side only,
 * p(k) ∝ (n_dk + α) φ_kw. Word ids at or past `model.numWords` use the unseen row. θ is averaged over the
 * second half of the sweeps (at least the last one). For hosts that were not in the (sampled) training set.
 *
 * Sparse like the sampler: p(k) splits into a document bucket Σ_{k: n_dk > 0} n_dk φ_kw over the document's few
 * topics and a smoothing bucket α Σ_k φ_kw, whose per-word sum is precomputed; the O(K) scan of the φ row is
 * needed only for draws that land in the smoothing bucket.
 */
export function foldIn(model: TopicWordModel, corpus: Corpus, options: FoldInOptions): Float32Array {
  validateCorpus({ ...corpus, numWords: Math.max(corpus.numWords, 1 + maxToken(corpus.tokens)) });
  const { sweeps, seed, alpha } = options;
  if (!Number.isInteger(sweeps) || sweeps < 1) invalid(`foldIn: sweeps must be an integer >= 1, got ${sweeps}`);
  if (!(Number.isFinite(alpha) && alpha > 0)) invalid(`foldIn: alpha must be a finite number > 0, got ${alpha}`);
  const K = model.topics;
  const { docStart, tokens, numDocs } = corpus;
  const { phi, unseen, numWords } = model;
  // Σ_k φ_kw per word; the unseen row's sum at index numWords.
  const rowSum = new Float64Array(numWords + 1);
  for (let w = 0; w <= numWords; w++) {
    const row = w < numWords ? phi : unseen;
    const wb = w < numWords ? w * K : 0;
    let sum = 0;
    for (let k = 0; k < K; k++) sum += row[wb + k]!;
    rowSum[w] = sum;
  }
  const theta = new Float32Array(numDocs * K);
  const rng = seedState(seed, 0x464f4c44);
  const nd = new Int32Array(K);
  const docTopics = new Uint8Array(K);
  const acc = new Float64Array(K);
  const cum = new Float64Array(K);
  const burn = Math.floor(sweeps / 2);
  let z = new Uint8Array(0);
  for (let d = 0; d < numDocs; d++) {
    const start = docStart[d]!;
    const n = docStart[d + 1]! - start;
    const db = d * K;
    if (n === 0) {
      for (let k = 0; k < K; k++) theta[db + k] = 1 / K;
      continue;
    }
    if (z.length < n) z = new Uint8Array(Math.max(n, 2 * z.length));
    nd.fill(0);
    acc.fill(0);
    let nonZero = 0;
    for (let i = 0; i < n; i++) {
      const t = Math.floor(nextUniform(rng) * K);
      z[i] = t;
      if (nd[t]!++ === 0) docTopics[nonZero++] = t;
    }
    for (let s = 0; s < sweeps; s++) {
      for (let i = 0; i < n; i++) {
        const w = tokens[start + i]!;
        const known = w < numWords;
        const row = known ? phi : unseen;
        const wb = known ? w * K : 0;
        let t = z[i]!;
        if (--nd[t]! === 0) {
          let j = 0;
          while (docTopics[j] !== t) j++;
          docTopics[j] = docTopics[--nonZero]!;
        }
        let q = 0;
        for (let j = 0; j < nonZero; j++) {
          const k = docTopics[j]!;
          q += nd[k]! * row[wb + k]!;
          cum[j] = q;
        }
        let u = nextUniform(rng) * (q + alpha * rowSum[known ? w : numWords]!);
        if (u < q) {
          let j = 0;
          while (j < nonZero - 1 && cum[j]! <= u) j++;
          t = docTopics[j]!;
        } else {
          u = (u - q) / alpha;
          t = 0;
          while (t < K - 1) {
            u -= row[wb + t]!;
            if (u < 0) break;
            t++;
          }
        }
        z[i] = t;
        if (nd[t]!++ === 0) docTopics[nonZero++] = t;
      }
      if (s >= burn) for (let k = 0; k < K; k++) acc[k]! += nd[k]!;
    }
    const kept = sweeps - burn;
    const inv = 1 / (n + K * alpha);
    for (let k = 0; k < K; k++) theta[db + k] = (acc[k]! / kept + alpha) * inv;
  }
  return theta;
}

function maxToken(tokens: Uint32Array): number {
  let m = -1;
  for (let i = 0; i < tokens.length; i++) if (tokens[i]! > m) m = tokens[i]!;
  return m;
}
