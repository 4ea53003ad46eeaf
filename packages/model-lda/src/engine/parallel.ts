/**
 * AD-LDA (Newman, Asuncion, Smyth, Welling, "Distributed algorithms for topic models", JMLR 2009) over
 * worker_threads. Tokens, assignments and document-topic counts live in SharedArrayBuffers; worker j owns a
 * contiguous range of documents of about equal token count. At the start of a sweep every worker copies the
 * merged topic-word counts into its private table and samples its range against it; when all are done the fit
 * adds every worker's change (private minus merged) into the merged table, in worker order. Integer sums make
 * the result independent of timing: a fit is deterministic for a given seed and worker count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SightlineError } from '@sightline/core';
import '../error-codes.js';
import type { FitOptions } from './fit.js';
import type { Counts } from './init.js';
import { partitionByTokens } from './partition.js';
import type { Corpus, LdaParams } from './types.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

/** Runs params.sweeps AD-LDA sweeps on `workers` threads, updating `counts` (SharedArrayBuffer-backed) in place. */
export async function fitParallel(corpus: Corpus, params: LdaParams, counts: Counts, workers: number, options: FitOptions): Promise<void> {
  if (params.sweeps === 0) return;
  const K = params.topics;
  const docStart = sharedCopy(corpus.docStart);
  const tokens = sharedCopy(corpus.tokens);
  const bounds = partitionByTokens(docStart, workers);
  const locals: Uint32Array[] = [];
  const localTotals: Float64Array[] = [];
  const threads: Worker[] = [];
  const script = workerScript();
  for (let j = 0; j < workers; j++) {
    const localWordTopic = new Uint32Array(new SharedArrayBuffer(counts.wordTopic.byteLength));
    const localTopicTotal = new Float64Array(new SharedArrayBuffer(K * 8));
    locals.push(localWordTopic);
    localTotals.push(localTopicTotal);
    const init: WorkerInit = {
      topics: K,
      alpha: params.alpha,
      beta: params.beta,
      betaSum: corpus.numWords * params.beta,
      docFrom: bounds[j]!,
      docTo: bounds[j + 1]!,
      seed: params.seed,
      stream: j + 1,
      docStart,
      tokens,
      assignments: counts.assignments,
      docTopic: counts.docTopic,
      wordTopic: counts.wordTopic,
      topicTotal: counts.topicTotal,
      localWordTopic,
      localTopicTotal,
    };
    threads.push(
      new Worker(script, {
        workerData: init,
        name: `sightline-lda-${j}`,
        ...(options.workerResourceLimits === undefined ? {} : { resourceLimits: options.workerResourceLimits }),
      }),
    );
  }
  const crew = new Crew(threads);
  try {
    await crew.all();
    for (let s = 1; s <= params.sweeps; s++) {
      const done = crew.all();
      for (const t of threads) t.postMessage({ type: 'sweep' } satisfies ToWorker);
      await done;
      mergeTable(counts.wordTopic, locals);
      mergeTotals(counts.topicTotal, localTotals);
      options.onSweep?.(s);
    }
  } finally {
    await crew.stop();
  }
}

/**
 * merged[i] += Σ_j (local_j[i] − merged[i]), in worker order. Two monomorphic copies (Uint32 table, Float64
 * totals): one function over both element kinds would be megamorphic and several times slower.
 */
function mergeTable(merged: Uint32Array, locals: readonly Uint32Array[]): void {
  const n = merged.length;
  // First every worker's change against the unchanged merged table (stored mod 2^32 in its private copy, which
  // the worker overwrites at the next sweep), then the changes added in worker order; Uint32 stores wrap mod 2^32,
  // so a negative change comes out right.
  for (const local of locals) for (let i = 0; i < n; i++) local[i] = local[i]! - merged[i]!;
  for (const local of locals) for (let i = 0; i < n; i++) merged[i] = merged[i]! + local[i]!;
}

function mergeTotals(merged: Float64Array, locals: readonly Float64Array[]): void {
  const n = merged.length;
  for (let i = 0; i < n; i++) {
    const base = merged[i]!;
    let v = base;
    for (const local of locals) v += local[i]! - base;
    merged[i] = v;
  }
}

/** The workers of one fit: waits for a message from each, and fails the whole fit when any of them dies. */
class Crew {
  private pending = 0;
  private resolve: (() => void) | undefined;
  private reject: ((e: unknown) => void) | undefined;
  private failure: SightlineError | undefined;
  private stopping = false;

  constructor(private readonly threads: readonly Worker[]) {
    threads.forEach((t, j) => {
      t.on('message', (m: FromWorker) => {
        if (m.type === 'ready' || m.type === 'done') this.arrived();
      });
      t.on('error', (e: unknown) => this.fail(j, e));
      t.on('exit', (code) => {
        if (!this.stopping) this.fail(j, new Error(`exited with code ${code}`));
      });
    });
  }

  /** Resolves when every worker has sent one message (ready or done). */
  all(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.pending = this.threads.length;
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
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
    for (const t of this.threads) void t.terminate();
    this.reject?.(this.failure);
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
