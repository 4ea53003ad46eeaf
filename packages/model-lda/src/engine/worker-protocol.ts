/** What the fit posts to an AD-LDA worker thread and what the worker answers. */

/** workerData of a sampler worker. Arrays are views on SharedArrayBuffers. */
export interface WorkerInit {
  readonly topics: number;
  readonly alpha: number;
  readonly beta: number;
  readonly betaSum: number;
  readonly docFrom: number;
  readonly docTo: number;
  readonly seed: number;
  readonly stream: number;
  readonly docStart: Uint32Array;
  readonly tokens: Uint32Array;
  readonly assignments: Uint8Array;
  readonly docTopic: Uint32Array;
  /** The merged table; the worker copies it into `localWordTopic` at the start of every sweep. */
  readonly wordTopic: Uint32Array;
  readonly topicTotal: Float64Array;
  /** The worker's private copy, read by the fit to merge the deltas. */
  readonly localWordTopic: Uint32Array;
  readonly localTopicTotal: Float64Array;
}

/** fit → worker. */
export type ToWorker = { readonly type: 'sweep' } | { readonly type: 'stop' };

/** worker → fit. */
export type FromWorker = { readonly type: 'ready' } | { readonly type: 'done' };
