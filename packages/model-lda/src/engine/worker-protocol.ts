/** What the fit posts to an AD-LDA worker thread and what the worker answers. */

/** workerData of a sampler worker. Arrays are views on SharedArrayBuffers. */
export interface WorkerInit {
  readonly index: number;
  readonly workers: number;
  readonly topics: number;
  readonly alpha: number;
  readonly beta: number;
  readonly betaSum: number;
  readonly docFrom: number;
  readonly docTo: number;
  readonly sweeps: number;
  /** Word rows this worker merges after each sweep. */
  readonly rowFrom: number;
  readonly rowTo: number;
  readonly seed: number;
  readonly stream: number;
  readonly docStart: Uint32Array;
  readonly tokens: Uint32Array;
  readonly assignments: Uint8Array;
  readonly docTopic: Uint32Array;
  /** The merged table; the worker copies it into its private table at the start of every sweep. */
  readonly wordTopic: Uint32Array;
  readonly topicTotal: Float64Array;
  /** Every worker's private table and totals (this worker's is at `index`). */
  readonly localWordTopics: readonly Uint32Array[];
  readonly localTopicTotals: readonly Float64Array[];
  /** The control words (see merge.ts): barrier, abort, sweeps released and done. */
  readonly control: Int32Array;
}

/** worker → fit, once, when the worker has loaded (sweeps are released and counted through the control words). */
export type FromWorker = { readonly type: 'ready' };
