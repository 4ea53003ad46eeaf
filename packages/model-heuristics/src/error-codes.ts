import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/model-heuristics (listed on docs/reference/errors.md). */
export const HEURISTICS_ERROR_CODES = defineErrorCodes('@sightline/model-heuristics', {
  SL_HEURISTICS_TOP_DOMAINS_UNREADABLE: {
    stage: 'plugin',
    retryable: false,
    summary: 'The top-domains list (`top_domains.path`) cannot be read or has no `rank,domain` lines.',
    remedy: 'Point `top_domains.path` at a Tranco or Umbrella CSV (`1,google.com` per line), or remove it to use the built-in word list.',
  },
  SL_HEURISTICS_NO_NGRAM_CORPUS: {
    stage: 'plugin',
    retryable: false,
    summary: 'The DGA detector is on but has nothing to learn normal names from (no top-domains list and `builtin_words: 0`).',
    remedy: 'Give `top_domains.path`, keep `top_domains.builtin_words` above 0, or turn the detector off (`detectors.dga.enabled: false`).',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_HEURISTICS_TOP_DOMAINS_UNREADABLE: true;
    SL_HEURISTICS_NO_NGRAM_CORPUS: true;
  }
}
