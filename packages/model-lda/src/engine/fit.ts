/** fitLda: collapsed Gibbs sampling on the calling thread, or AD-LDA over worker threads. */
import { performance } from 'node:perf_hooks';
import type { ResourceLimits } from 'node:worker_threads';
import { initAssignments, type Counts } from './init.js';
import { buildNonZeroLists, sweepDocs } from './kernel.js';
import { fitParallel } from './parallel.js';
import { seedState } from './rng.js';
import type { Corpus, LdaFit, LdaParams, WarmStart } from './types.js';
import { validateCorpus, validateParams, validateWarmStart } from './validate.js';

/** Options of one fit. */
export interface FitOptions {
  /** Topic-word counts of an earlier fit mapped onto this corpus's word ids; see {@link WarmStart}. */
  readonly warmStart?: WarmStart;
  /** Called after every sweep with its number (1-based), on the calling thread. */
  readonly onSweep?: (sweep: number) => void;
  /** Heap limits of each AD-LDA worker thread (node:worker_threads ResourceLimits); the tokens and counts are
   *  SharedArrayBuffers outside these heaps. A worker that hits its limit fails the fit (SL_LDA_WORKER_FAILED). */
  readonly workerResourceLimits?: ResourceLimits;
}

/** The stream of the generator that draws the first assignments; workers use streams 1..W. */
export const INIT_STREAM = 0;

/**
 * Fits LDA to `corpus` by collapsed Gibbs sampling: `params.sweeps` sweeps over every token after a uniform (or
 * warm-started) first assignment. Deterministic for a given corpus, params (seed included) and worker count.
 * With `params.workers > 1` the documents are split into contiguous ranges of about equal token counts,
 * sampled by worker threads against a copy of the topic-word counts taken at the start of each sweep (AD-LDA).
 *
 * @throws SightlineError SL_CONFIG_INVALID when the corpus, params or warm start are malformed;
 *   SL_LDA_WORKER_FAILED when a worker thread dies.
 */
export async function fitLda(corpus: Corpus, params: LdaParams, options: FitOptions = {}): Promise<LdaFit> {
  validateParams(params);
  validateCorpus(corpus);
  if (options.warmStart !== undefined) validateWarmStart(options.warmStart, corpus.numWords, params.topics);
  const K = params.topics;
  const tokens = corpus.tokens.length;
  const workers = Math.max(1, Math.min(params.workers, corpus.numDocs));
  const t0 = performance.now();
  const shared = workers > 1;
  const counts: Counts = {
    assignments: new Uint8Array(allocate(shared, tokens)),
    docTopic: new Uint32Array(allocate(shared, corpus.numDocs * K * 4)),
    wordTopic: new Uint32Array(allocate(shared, corpus.numWords * K * 4)),
    topicTotal: new Float64Array(allocate(shared, K * 8)),
  };
  initAssignments(corpus, K, params.alpha, params.beta, seedState(params.seed, INIT_STREAM), counts, options.warmStart);
  const t1 = performance.now();
  if (shared) {
    await fitParallel(corpus, params, counts, workers, options);
  } else {
    const state = {
      topics: K,
      alpha: params.alpha,
      beta: params.beta,
      betaSum: corpus.numWords * params.beta,
      docStart: corpus.docStart,
      tokens: corpus.tokens,
      ...counts,
      nonZeroTopics: new Uint8Array(corpus.numWords * K),
      nonZeroCount: new Uint8Array(corpus.numWords),
    };
    buildNonZeroLists(state.wordTopic, K, state.nonZeroTopics, state.nonZeroCount);
    const rng = seedState(params.seed, 1);
    const scratch = new Float64Array(2 * K);
    for (let s = 1; s <= params.sweeps; s++) {
      sweepDocs(state, 0, corpus.numDocs, rng, scratch);
      options.onSweep?.(s);
    }
  }
  const t2 = performance.now();
  return {
    params,
    numDocs: corpus.numDocs,
    numWords: corpus.numWords,
    docTopic: counts.docTopic,
    wordTopic: counts.wordTopic,
    topicTotal: counts.topicTotal,
    assignments: counts.assignments,
    stats: { tokens, sweeps: params.sweeps, workers, initSeconds: (t1 - t0) / 1000, sweepSeconds: (t2 - t1) / 1000 },
  };
}

function allocate(shared: boolean, bytes: number): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
