/** An AD-LDA sampler thread: one sweep of its document range per 'sweep' message (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { buildNonZeroLists, sweepDocs, type KernelState } from './kernel.js';
import { seedState } from './rng.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('the LDA sampler worker must run in a worker thread');

const localTopicTotal = new Float64Array(init.localTopicTotal.buffer, init.localTopicTotal.byteOffset, init.topics);
const state: KernelState = {
  topics: init.topics,
  alpha: init.alpha,
  beta: init.beta,
  betaSum: init.betaSum,
  docStart: init.docStart,
  tokens: init.tokens,
  assignments: init.assignments,
  docTopic: init.docTopic,
  wordTopic: init.localWordTopic,
  topicTotal: localTopicTotal,
  nonZeroTopics: new Uint8Array(init.localWordTopic.length),
  nonZeroCount: new Uint8Array(init.localWordTopic.length / init.topics),
};
const rng = seedState(init.seed, init.stream);
const scratch = new Float64Array(2 * init.topics);

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') {
    port.close();
    return;
  }
  init.localWordTopic.set(init.wordTopic);
  localTopicTotal.set(init.topicTotal);
  buildNonZeroLists(state.wordTopic, init.topics, state.nonZeroTopics, state.nonZeroCount);
  sweepDocs(state, init.docFrom, init.docTo, rng, scratch);
  port.postMessage({ type: 'done' } satisfies FromWorker);
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
