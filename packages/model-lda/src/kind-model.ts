/**
 * The fitted topic model of one event kind in the form scoring needs: counts as typed arrays, documents and
 * words as lookup tables. Built from a fit, written into the model state's blobs, and rebuilt from them by any
 * scoring worker.
 */
export interface KindModelData {
  readonly topics: number;
  readonly alpha: number;
  readonly beta: number;
  /** Document names (IP addresses), by id. */
  readonly docs: readonly string[];
  /** Words, by id. */
  readonly words: readonly string[];
  /** n_dk over the host's full behaviour in the window (expected counts when folded in), doc-major. */
  readonly docTopic: Float32Array;
  /** n_d: tokens of each host in the window (feedback pseudo-counts included). */
  readonly docLength: Uint32Array;
  /** n_wk over the window (expected counts when the fit saw a sample), word-major. */
  readonly wordTopic: Float32Array;
  /** n_k over the window. */
  readonly topicTotal: Float64Array;
}

/** What the scorer knows of a token: whether the counts include it (leave-one-out applies to those only). */
export interface TokenRole {
  /** The host's counts include this token (it is of the fitted window). */
  readonly inDoc: boolean;
  /** The topic-word counts include it (it was in the training sample). */
  readonly inWord: boolean;
}

/**
 * p(w | d) = Σ_k θ_dk φ_kw from stored counts, with θ and φ β/α-smoothed (a word the model never saw gets
 * β/(n_k + Vβ), not Spot's 0, so a new word is very suspicious yet still ranked by its host's topics).
 *
 * Leave-one-out: a token of the training window is scored with its own observation removed from the counts it
 * is in. Its topic is not stored (any worker must score from the state alone), so the removal is the expected
 * one: r_k = θ_dk φ_kw / p, the posterior of its topic. A host's only event of a word then scores by how well the
 * rest of its behaviour and the topics predict it, instead of by having been trained on.
 */
export class KindScorer {
  readonly data: KindModelData;
  readonly #docIndex = new Map<string, number>();
  readonly #wordIndex = new Map<string, number>();
  readonly #theta: Float64Array;
  readonly #phi: Float64Array;
  readonly #r: Float64Array;
  readonly #vBeta: number;
  readonly #kAlpha: number;

  constructor(data: KindModelData) {
    this.data = data;
    data.docs.forEach((d, i) => this.#docIndex.set(d, i));
    data.words.forEach((w, i) => this.#wordIndex.set(w, i));
    this.#theta = new Float64Array(data.topics);
    this.#phi = new Float64Array(data.topics);
    this.#r = new Float64Array(data.topics);
    this.#vBeta = data.words.length * data.beta;
    this.#kAlpha = data.topics * data.alpha;
  }

  docId(doc: string): number | undefined {
    return this.#docIndex.get(doc);
  }

  wordId(word: string): number | undefined {
    return this.#wordIndex.get(word);
  }

  /** p(word | doc); `doc` or `word` undefined when the model has not seen them. */
  score(doc: number | undefined, word: number | undefined, role: TokenRole | undefined): number {
    const { topics: K, alpha, beta, docTopic, docLength, wordTopic, topicTotal } = this.data;
    const theta = this.#theta;
    const phi = this.#phi;
    const nd = doc === undefined ? 0 : docLength[doc]!;
    let p = 0;
    for (let k = 0; k < K; k++) {
      theta[k] = doc === undefined ? 1 / K : (docTopic[doc * K + k]! + alpha) / (nd + this.#kAlpha);
      phi[k] = ((word === undefined ? 0 : wordTopic[word * K + k]!) + beta) / (topicTotal[k]! + this.#vBeta);
      p += theta[k]! * phi[k]!;
    }
    if (role === undefined || doc === undefined || (!role.inDoc && !role.inWord) || p <= 0) return p;
    const r = this.#r;
    for (let k = 0; k < K; k++) r[k] = (theta[k]! * phi[k]!) / p;
    let q = 0;
    for (let k = 0; k < K; k++) {
      const t = role.inDoc && nd >= 1 ? Math.max(0, docTopic[doc * K + k]! - r[k]!) + alpha : theta[k]! * (nd + this.#kAlpha);
      const tDen = role.inDoc && nd >= 1 ? nd - 1 + this.#kAlpha : nd + this.#kAlpha;
      const nwk = word === undefined ? 0 : wordTopic[word * K + k]!;
      const f = role.inWord && word !== undefined ? (Math.max(0, nwk - r[k]!) + beta) / (Math.max(0, topicTotal[k]! - r[k]!) + this.#vBeta) : phi[k]!;
      q += (t / tDen) * f;
    }
    return q;
  }

  /** The topic the token most likely came from, for the evidence. */
  topTopic(doc: number | undefined, word: number | undefined): number {
    const { topics: K, alpha, beta, docTopic, wordTopic, topicTotal } = this.data;
    let best = 0;
    let bestValue = -1;
    for (let k = 0; k < K; k++) {
      const t = doc === undefined ? 1 : docTopic[doc * K + k]! + alpha;
      const f = ((word === undefined ? 0 : wordTopic[word * K + k]!) + beta) / (topicTotal[k]! + this.#vBeta);
      if (t * f > bestValue) {
        bestValue = t * f;
        best = k;
      }
    }
    return best;
  }
}
