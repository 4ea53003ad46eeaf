import type { EventKind, OdmEvent } from '@sightline/core';

/**
 * What a featurizer makes of one event: the documents (IP addresses) it belongs to and, for each, the word it
 * adds there. Spot's flows give two pairs (source IP with the source word, destination IP with the destination
 * word); DNS and proxy events give one. `docs[i]` pairs with `words[i]`.
 */
export interface EventWords {
  readonly docs: readonly string[];
  readonly words: readonly string[];
}

/**
 * Per-window knowledge a featurizer learns in a first pass (Spot's proxy user-agent counts). JSON, so a scoring
 * worker can rebuild the same words from a stored model state.
 */
export type LearnedWords = unknown;

/** A first pass over a window's events. */
export interface WordPass {
  observe(event: OdmEvent): void;
  finish(): LearnedWords;
}

/**
 * Turns events of one kind into Spot-style words. Third parties add a featurizer to give the topic model words
 * for a new event kind. `words` returns null for an event it cannot make a word of (Spot's `word_error`: not
 * trained on, not scored).
 */
export interface Featurizer {
  readonly kind: EventKind;
  /** Name written into model states, e.g. `spot-flow`. */
  readonly name: string;
  /** Optional first pass; without it `learned` is undefined. */
  createPass?(): WordPass;
  words(event: OdmEvent, learned: LearnedWords): EventWords | null;
  /**
   * Optional fast path, for featurizers whose words are made of a few small numbers (Spot's flow words): writes
   * the event's documents into `docs` and, for each, a code of its word into `codes` (an integer in
   * [0, 2^53) that names the word: `wordOf(code)` is the string `words` makes), and returns how many pairs.
   * It returns -1 where `words` returns null, and -2 for an event it leaves to `words`. The model then
   * interns codes instead of strings: a day's hundreds of millions of words are never built as strings.
   * A featurizer with `codes` must have `wordOf`.
   */
  codes?(event: OdmEvent, learned: LearnedWords, docs: string[], codes: Float64Array): number;
  wordOf?(code: number): string;
}
