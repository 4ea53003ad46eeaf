/**
 * An AD-LDA sampler thread (see parallel.ts). For every sweep the fit releases: copy the merged counts into the
 * private table, sample this worker's documents against it, wait for the other workers, merge this worker's
 * share of the word rows from every private table into the merged one, count the sweep as done. Releases,
 * barrier and completion go through Atomics on shared control words: no message per sweep.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyWithNonZeroLists, sweepDocs, type KernelState } from './kernel.js';
import { barrierWait, finished, mergeRange, mergeTotals, waitForRelease } from './merge.js';
import { seedState } from './rng.js';
import type { FromWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('the LDA sampler worker must run in a worker thread');

const K = init.topics;
const local = init.localWordTopics[init.index]!;
const localTotal = init.localTopicTotals[init.index]!;
const state: KernelState = {
  topics: K,
  alpha: init.alpha,
  beta: init.beta,
  betaSum: init.betaSum,
  docStart: init.docStart,
  tokens: init.tokens,
  assignments: init.assignments,
  docTopic: init.docTopic,
  wordTopic: local,
  topicTotal: localTotal,
  nonZeroTopics: new Uint8Array(local.length),
  nonZeroCount: new Uint8Array(local.length / K),
};
const rng = seedState(init.seed, init.stream);
const scratch = new Float64Array(2 * K);

port.postMessage({ type: 'ready' } satisfies FromWorker);
for (let sweep = 1; sweep <= init.sweeps; sweep++) {
  // The fit aborts when another worker died; it is terminating this one too.
  if (!waitForRelease(init.control, sweep)) break;
  copyWithNonZeroLists(init.wordTopic, local, K, state.nonZeroTopics, state.nonZeroCount);
  localTotal.set(init.topicTotal);
  sweepDocs(state, init.docFrom, init.docTo, rng, scratch);
  if (!barrierWait(init.control, init.workers)) break;
  mergeRange(init.wordTopic, init.localWordTopics, init.rowFrom * K, init.rowTo * K);
  if (init.index === 0) mergeTotals(init.topicTotal, init.localTopicTotals);
  finished(init.control);
}
port.close();
