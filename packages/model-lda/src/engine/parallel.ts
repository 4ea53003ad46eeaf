/**
 * AD-LDA (Newman, Asuncion, Smyth, Welling, "Distributed algorithms for topic models", JMLR 2009) over
 * worker_threads. Tokens, assignments and document-topic counts live in SharedArrayBuffers; worker j owns a
 * contiguous range of documents of about equal token count. At the start of a sweep every worker copies the
 * merged topic-word counts into its private table and samples its range against it; when all have finished (an
 * Atomics barrier) each worker adds every worker's change (private minus merged) into its share of the merged
 * table's word rows. Integer sums make the result independent of timing: a fit is deterministic for a given
 * seed and worker count. Workers are started once per fit; the calling thread releases each sweep and waits for
 * it (Atomics.notify / Atomics.waitAsync on shared control words), so onSweep runs between sweeps.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SightlineError } from '@sightline/core';
import '../error-codes.js';
import type { FitOptions } from './fit.js';
import type { Counts } from './init.js';
import { barrierAbort, CONTROL_WORDS, doneAtLeast, release } from './merge.js';
import { partitionByTokens } from './partition.js';
import type { Corpus, LdaParams } from './types.js';
import type { FromWorker, WorkerInit } from './worker-protocol.js';

/** Runs params.sweeps AD-LDA sweeps on `workers` threads, updating `counts` (SharedArrayBuffer-backed) in place. */
export async function fitParallel(corpus: Corpus, params: LdaParams, counts: Counts, workers: number, options: FitOptions): Promise<void> {
  if (params.sweeps === 0) return;
  const K = params.topics;
  const docStart = sharedCopy(corpus.docStart);
  const tokens = sharedCopy(corpus.tokens);
  const bounds = partitionByTokens(docStart, workers);
  const locals: Uint32Array[] = [];
  const localTotals: Float64Array[] = [];
  for (let j = 0; j < workers; j++) {
    locals.push(new Uint32Array(new SharedArrayBuffer(counts.wordTopic.byteLength)));
    localTotals.push(new Float64Array(new SharedArrayBuffer(K * 8)));
  }
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  const threads: Worker[] = [];
  const script = workerScript();
  for (let j = 0; j < workers; j++) {
    const init: WorkerInit = {
      index: j,
      workers,
      topics: K,
      alpha: params.alpha,
      beta: params.beta,
      betaSum: corpus.numWords * params.beta,
      docFrom: bounds[j]!,
      docTo: bounds[j + 1]!,
      sweeps: params.sweeps,
      rowFrom: Math.floor((corpus.numWords * j) / workers),
      rowTo: Math.floor((corpus.numWords * (j + 1)) / workers),
      seed: params.seed,
      stream: j + 1,
      docStart,
      tokens,
      assignments: counts.assignments,
      docTopic: counts.docTopic,
      wordTopic: counts.wordTopic,
      topicTotal: counts.topicTotal,
      localWordTopics: locals,
      localTopicTotals: localTotals,
      control,
    };
    threads.push(
      new Worker(script, {
        workerData: init,
        name: `sightline-lda-${j}`,
        ...(options.workerResourceLimits === undefined ? {} : { resourceLimits: options.workerResourceLimits }),
      }),
    );
  }
  const crew = new Crew(threads, control);
  try {
    await crew.ready();
    for (let s = 1; s <= params.sweeps; s++) {
      release(control, s);
      await Promise.race([doneAtLeast(control, s * workers), crew.failed]);
      crew.throwIfFailed();
      options.onSweep?.(s);
    }
  } finally {
    await crew.stop();
  }
}

/** The workers of one fit: waits until all have loaded, and fails the whole fit when any of them dies. */
class Crew {
  /** Rejects with the first failure; never resolves. */
  readonly failed: Promise<never>;
  private pending: number;
  private resolve: (() => void) | undefined;
  private reject: ((e: unknown) => void) | undefined;
  private rejectFailed: ((e: unknown) => void) | undefined;
  private failure: SightlineError | undefined;
  private stopping = false;

  constructor(
    private readonly threads: readonly Worker[],
    private readonly control: Int32Array,
  ) {
    this.pending = threads.length;
    this.failed = new Promise<never>((_resolve, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => undefined);
    threads.forEach((t, j) => {
      t.on('message', (m: FromWorker) => {
        if (m.type === 'ready') this.arrived();
      });
      t.on('error', (e: unknown) => this.fail(j, e));
      // A worker leaves with code 0 after its last sweep (or after an abort); anything else is a death.
      t.on('exit', (code) => {
        if (!this.stopping && code !== 0) this.fail(j, new Error(`exited with code ${code}`));
      });
    });
  }

  /** Resolves when every worker has loaded (call once, right after constructing). */
  ready(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private arrived(): void {
    if (--this.pending === 0) this.resolve?.();
  }

  private fail(j: number, cause: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = SightlineError.from(cause, 'SL_LDA_WORKER_FAILED', `LDA sampler worker ${j} of ${this.threads.length} failed`, {
      stage: 'model',
      plugin: '@sightline/model-lda',
    });
    this.stopping = true;
    barrierAbort(this.control);
    for (const t of this.threads) void t.terminate();
    this.reject?.(this.failure);
    this.rejectFailed?.(this.failure);
  }
}

function sharedCopy<T extends Uint32Array>(a: T): Uint32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new Uint32Array(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/**
 * The worker's compiled file: next to this module in dist/, or — when this module runs from src/ (vitest) — the
 * built dist/engine/worker.js of the same package (run `npm run build` first).
 */
function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/engine/worker.js', here) : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new SightlineError('SL_LDA_WORKER_FAILED', `LDA sampler worker script ${fileURLToPath(url)} is missing (run npm run build)`, {
      stage: 'model',
      plugin: '@sightline/model-lda',
    });
  }
  return url;
}
