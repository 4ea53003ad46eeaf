/** Input checks of the engine: every problem is a SightlineError SL_CONFIG_INVALID naming what is wrong. */
import { SightlineError } from '@sightline/core';
import type { Corpus, LdaParams, WarmStart } from './types.js';

/** Throws SL_CONFIG_INVALID with `message`, naming the engine as the plugin. */
export function invalid(message: string, details?: Record<string, unknown>): never {
  throw new SightlineError('SL_CONFIG_INVALID', `LDA engine: ${message}`, {
    stage: 'model',
    plugin: '@sightline/model-lda',
    ...(details === undefined ? {} : { details }),
  });
}

/** Checks K, priors, sweeps, seed and workers. */
export function validateParams(params: LdaParams): void {
  const { topics, alpha, beta, sweeps, seed, workers } = params;
  if (!Number.isInteger(topics) || topics < 1 || topics > 255) invalid(`topics must be an integer in 1..255, got ${topics}`);
  if (!(Number.isFinite(alpha) && alpha > 0)) invalid(`alpha must be a finite number > 0, got ${alpha}`);
  if (!(Number.isFinite(beta) && beta > 0)) invalid(`beta must be a finite number > 0, got ${beta}`);
  if (!Number.isInteger(sweeps) || sweeps < 0) invalid(`sweeps must be an integer >= 0, got ${sweeps}`);
  if (!Number.isInteger(seed)) invalid(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) invalid(`workers must be an integer in 1..256, got ${workers}`);
}

/** Checks the CSR shape of a corpus and that every word id is below numWords (one pass over the tokens). */
export function validateCorpus(corpus: Corpus): void {
  const { numDocs, numWords, docStart, tokens } = corpus;
  if (!Number.isInteger(numDocs) || numDocs < 0) invalid(`corpus.numDocs must be an integer >= 0, got ${numDocs}`);
  if (!Number.isInteger(numWords) || numWords < 0) invalid(`corpus.numWords must be an integer >= 0, got ${numWords}`);
  if (!(docStart instanceof Uint32Array)) invalid('corpus.docStart must be a Uint32Array');
  if (!(tokens instanceof Uint32Array)) invalid('corpus.tokens must be a Uint32Array');
  if (docStart.length !== numDocs + 1) invalid(`corpus.docStart has length ${docStart.length}, expected numDocs + 1 = ${numDocs + 1}`);
  if (docStart[0] !== 0) invalid(`corpus.docStart[0] must be 0, got ${docStart[0]}`);
  if (docStart[numDocs] !== tokens.length) {
    invalid(`corpus.docStart[numDocs] = ${docStart[numDocs]} but there are ${tokens.length} tokens`);
  }
  for (let d = 0; d < numDocs; d++) {
    if (docStart[d + 1]! < docStart[d]!) invalid(`corpus.docStart is not monotone at document ${d} (${docStart[d]} > ${docStart[d + 1]})`);
  }
  let max = 0;
  let at = -1;
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!;
    if (w >= max) {
      max = w;
      at = i;
    }
  }
  if (tokens.length > 0 && max >= numWords) invalid(`corpus.tokens[${at}] = ${max} is not below numWords = ${numWords}`);
}

/** Checks that a warm start has numWords × K finite non-negative counts. */
export function validateWarmStart(warm: WarmStart, numWords: number, topics: number): void {
  if (!(warm.wordTopic instanceof Float32Array)) invalid('warmStart.wordTopic must be a Float32Array');
  if (warm.wordTopic.length !== numWords * topics) {
    invalid(`warmStart.wordTopic has length ${warm.wordTopic.length}, expected numWords × topics = ${numWords * topics}`);
  }
  for (let i = 0; i < warm.wordTopic.length; i++) {
    const v = warm.wordTopic[i]!;
    if (!(v >= 0 && v < Infinity)) invalid(`warmStart.wordTopic[${i}] = ${v} is not a finite count >= 0`);
  }
}
