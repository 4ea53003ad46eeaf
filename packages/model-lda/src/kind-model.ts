import { CodeTable } from './code-table.js';
import { DocInterner } from './corpus-builder.js';

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
  readonly #docIndex: DocInterner;
  readonly #wordIndex = new Map<string, number>();
  /** Word codes seen while scoring (see `Featurizer.codes`) to word ids; `words.length` for a word never seen. */
  readonly #codes = new CodeTable();
  readonly #K: number;
  readonly #alpha: number;
  readonly #beta: number;
  /** 1 / (n_k + Vβ): φ's denominators. */
  readonly #phiDen: Float64Array;
  /** θ_dk φ_kw of the token being scored. */
  readonly #prod: Float64Array;
  readonly #vBeta: number;
  readonly #kAlpha: number;

  constructor(data: KindModelData) {
    this.data = data;
    this.#docIndex = DocInterner.of(data.docs);
    data.words.forEach((w, i) => this.#wordIndex.set(w, i));
    this.#K = data.topics;
    this.#alpha = data.alpha;
    this.#beta = data.beta;
    this.#vBeta = data.words.length * data.beta;
    this.#kAlpha = data.topics * data.alpha;
    this.#phiDen = new Float64Array(data.topics);
    for (let k = 0; k < data.topics; k++) this.#phiDen[k] = 1 / (data.topicTotal[k]! + this.#vBeta);
    this.#prod = new Float64Array(data.topics);
  }

  docId(doc: string): number | undefined {
    return this.#docIndex.get(doc);
  }

  wordId(word: string): number | undefined {
    return this.#wordIndex.get(word);
  }

  /** The id of the word a featurizer's code names (its string is made once per distinct code, to look it up). */
  wordIdOfCode(code: number, wordOf: (code: number) => string): number | undefined {
    let id = this.#codes.get(code);
    if (id < 0) {
      id = this.#wordIndex.get(wordOf(code)) ?? this.data.words.length;
      this.#codes.set(code, id);
    }
    return id === this.data.words.length ? undefined : id;
  }

  /** p(word | doc); `doc` or `word` undefined when the model has not seen them. */
  score(doc: number | undefined, word: number | undefined, role: TokenRole | undefined): number {
    const K = this.#K;
    const alpha = this.#alpha;
    const beta = this.#beta;
    const { docTopic, docLength, wordTopic, topicTotal } = this.data;
    const phiDen = this.#phiDen;
    const wb = word === undefined ? -1 : word * K;
    if (doc === undefined) {
      // θ uniform: p = Σ φ_kw / K.
      let p = 0;
      for (let k = 0; k < K; k++) p += ((wb < 0 ? 0 : wordTopic[wb + k]!) + beta) * phiDen[k]!;
      return p / K;
    }
    const db = doc * K;
    const nd = docLength[doc]!;
    const thetaDen = 1 / (nd + this.#kAlpha);
    const prod = this.#prod;
    let p = 0;
    for (let k = 0; k < K; k++) {
      const x = (docTopic[db + k]! + alpha) * thetaDen * ((wb < 0 ? 0 : wordTopic[wb + k]!) + beta) * phiDen[k]!;
      prod[k] = x;
      p += x;
    }
    if (role === undefined || (!role.inDoc && !role.inWord) || p <= 0) return p;
    // Leave-one-out: remove the token's expected share r_k = θφ/p from the counts that hold it.
    const inDoc = role.inDoc && nd >= 1;
    const inWord = role.inWord && wb >= 0;
    const tDen = 1 / (inDoc ? nd - 1 + this.#kAlpha : nd + this.#kAlpha);
    const invP = 1 / p;
    const vBeta = this.#vBeta;
    let q = 0;
    for (let k = 0; k < K; k++) {
      const r = prod[k]! * invP;
      const ndk = docTopic[db + k]!;
      const t = inDoc ? Math.max(0, ndk - r) + alpha : ndk + alpha;
      let f: number;
      if (inWord) {
        f = (Math.max(0, wordTopic[wb + k]! - r) + beta) / (Math.max(0, topicTotal[k]! - r) + vBeta);
      } else {
        f = ((wb < 0 ? 0 : wordTopic[wb + k]!) + beta) * phiDen[k]!;
      }
      q += t * f;
    }
    return q * tDen;
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
