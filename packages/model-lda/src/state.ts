import { type EventKind, type ModelState, type Rating, SightlineError } from '@sightline/core';
import type { KindModelData } from './kind-model.js';
import type { LearnedWords } from './words/types.js';

/** Layout of the LDA state; bumped when it changes so an old state is refused, not misread. */
export const STATE_FORMAT = 1;

/** What the state says of one kind's fit (JSON); its counts are in the blobs `<kind>.<array>`. */
export interface KindSection {
  readonly featurizer: string;
  readonly learned: LearnedWords;
  readonly docs: readonly string[];
  readonly words: readonly string[];
  readonly events: number;
  /** Events the featurizer could make no word of (Spot's word_error): neither trained on nor scored. */
  readonly skipped: number;
  readonly windowTokens: number;
  readonly trainTokens: number;
  readonly feedbackPatterns: number;
  /** Global sampling rate of the training set (1 = every token). */
  readonly sampleRate: number;
  readonly minPerHost: number;
  readonly warmStart: boolean;
  readonly seconds: Readonly<Record<string, number>>;
}

export interface LdaStateData {
  readonly kinds: Readonly<Partial<Record<EventKind, KindSection>>>;
  /** Ratings of 1 (high risk) at fit time: matching events are pinned to the top by any scoring worker. */
  readonly highRisk: readonly Rating[];
}

type Arrays = Pick<KindModelData, 'docTopic' | 'docLength' | 'wordTopic' | 'topicTotal'>;

function bytes(a: Float32Array | Uint32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Puts one kind's counts into the state's blobs. */
export function writeKind(blobs: Record<string, Uint8Array>, kind: EventKind, arrays: Arrays): void {
  blobs[`${kind}.docTopic`] = bytes(arrays.docTopic);
  blobs[`${kind}.docLength`] = bytes(arrays.docLength);
  blobs[`${kind}.wordTopic`] = bytes(arrays.wordTopic);
  blobs[`${kind}.topicTotal`] = bytes(arrays.topicTotal);
}

/** A typed array over a blob (copied when the blob is not aligned for the element size). */
function view<T extends Float32Array | Uint32Array | Float64Array>(make: new (b: ArrayBuffer, o: number, n: number) => T, size: number, blob: Uint8Array | undefined, name: string, expected: number): T {
  if (blob === undefined || blob.byteLength !== expected * size) {
    throw new SightlineError('SL_LDA_STATE_INCOMPATIBLE', `LDA state blob ${name} is ${blob === undefined ? 'missing' : `${blob.byteLength} bytes, not ${expected * size}`}`, { stage: 'model', plugin: 'lda' });
  }
  const aligned = blob.byteOffset % size === 0 ? blob : blob.slice();
  return new make(aligned.buffer as ArrayBuffer, aligned.byteOffset, expected);
}

/** Rebuilds one kind's scoring data from a state. */
export function kindModelOf(state: ModelState, kind: EventKind, section: KindSection): KindModelData {
  const K = Number(state.params['topics']);
  const blobs = state.blobs ?? {};
  const D = section.docs.length;
  const V = section.words.length;
  return {
    topics: K,
    alpha: Number(state.params['alpha']),
    beta: Number(state.params['beta']),
    docs: section.docs,
    words: section.words,
    docTopic: view(Float32Array, 4, blobs[`${kind}.docTopic`], `${kind}.docTopic`, D * K),
    docLength: view(Uint32Array, 4, blobs[`${kind}.docLength`], `${kind}.docLength`, D),
    wordTopic: view(Float32Array, 4, blobs[`${kind}.wordTopic`], `${kind}.wordTopic`, V * K),
    topicTotal: view(Float64Array, 8, blobs[`${kind}.topicTotal`], `${kind}.topicTotal`, K),
  };
}
