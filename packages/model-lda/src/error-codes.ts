import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/model-lda (listed on docs/reference/errors.md). */
export const LDA_ERROR_CODES = defineErrorCodes('@sightline/model-lda', {
  SL_LDA_STATE_INCOMPATIBLE: {
    stage: 'model',
    retryable: false,
    summary: 'A stored LDA model state was written by another layout or with another number of topics than this step uses.',
    remedy: 'Refit the model (a new window fits from scratch), or set `topics` back to the value the state was fitted with.',
  },
  SL_LDA_WORKER_FAILED: {
    stage: 'model',
    retryable: true,
    summary: 'A sampler worker thread stopped before finishing its share of a sweep.',
    remedy: 'Look at the cause printed with it (often memory); lower `workers` or `train_budget`, then run again.',
  },
  SL_LDA_TOP_DOMAINS_UNREADABLE: {
    stage: 'plugin',
    retryable: false,
    summary: 'The top-domains list (`words.top_domains.path`) cannot be read or has no domains in it.',
    remedy: 'Point `words.top_domains.path` at a Tranco, Umbrella or Alexa `rank,domain` CSV, or remove it.',
  },
  SL_LDA_FEATURIZER_INVALID: {
    stage: 'plugin',
    retryable: false,
    summary: 'A featurizer registered for an event kind does not have the shape the model needs (kind, words()).',
    remedy: 'Give the featurizer a `kind` and a `words(event, learned)` function returning documents and words, or null.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_LDA_STATE_INCOMPATIBLE: true;
    SL_LDA_WORKER_FAILED: true;
    SL_LDA_TOP_DOMAINS_UNREADABLE: true;
    SL_LDA_FEATURIZER_INVALID: true;
  }
}
