/**
 * The contract between the LDA engine (sampler, fold-in, scoring arithmetic) and the model plugin that builds
 * corpora from events. The engine knows nothing of events, words or IPs: only integer ids.
 */

/**
 * A bag-of-words corpus in compressed-row form. Document d's tokens are `tokens[docStart[d] .. docStart[d + 1])`;
 * every token is a word id below `numWords`. A word repeated in a document is repeated in `tokens`.
 */
export interface Corpus {
  readonly numDocs: number;
  readonly numWords: number;
  /** Length numDocs + 1; docStart[0] = 0, docStart[numDocs] = tokens.length. */
  readonly docStart: Uint32Array;
  readonly tokens: Uint32Array;
}

/** Sampler settings. Spot's defaults translated to collapsed Gibbs: K = 20, symmetric priors. */
export interface LdaParams {
  /** K, number of topics (1..255: assignments are stored as bytes). */
  readonly topics: number;
  /** Symmetric document-topic prior α. */
  readonly alpha: number;
  /** Symmetric topic-word prior β. */
  readonly beta: number;
  /** Gibbs sweeps over every token. */
  readonly sweeps: number;
  /** Seed of the sampler's generator: the same corpus, params and worker count give the same fit. */
  readonly seed: number;
  /** Worker threads (AD-LDA); 1 samples on the calling thread. */
  readonly workers: number;
}

/**
 * A warm start: topic-word counts from an earlier fit, already mapped onto this corpus's word ids (word-major,
 * numWords × K; 0 for words the earlier fit did not have). They initialise the assignments of the new corpus
 * (each token's first topic is drawn from them), so topics keep their meaning from one window to the next.
 */
export interface WarmStart {
  readonly wordTopic: Float32Array;
}

/** The result of a fit: the sufficient statistics, from which θ and φ follow. */
export interface LdaFit {
  readonly params: LdaParams;
  readonly numDocs: number;
  readonly numWords: number;
  /** n_dk, doc-major (numDocs × K). */
  readonly docTopic: Uint32Array;
  /** n_wk, word-major (numWords × K). */
  readonly wordTopic: Uint32Array;
  /** n_k, tokens per topic (K). */
  readonly topicTotal: Float64Array;
  /** z of every token, aligned with corpus.tokens. */
  readonly assignments: Uint8Array;
  /** Timing of the fit, for reports and benchmarks. */
  readonly stats: LdaFitStats;
}

export interface LdaFitStats {
  readonly tokens: number;
  readonly sweeps: number;
  readonly workers: number;
  /** Wall-clock seconds spent initialising (first assignments, counts). */
  readonly initSeconds: number;
  /** Wall-clock seconds spent sweeping. */
  readonly sweepSeconds: number;
}
