/**
 * @sightline/model-lda: Apache Spot's "suspicious connects" — per-IP documents of discretised event words, an
 * LDA topic model fitted by collapsed Gibbs sampling on typed arrays, and p(word | document) as the score
 * (lower is more suspicious), with analyst feedback weighted into the next fit.
 */
import './error-codes.js';

export { LDA_ERROR_CODES } from './error-codes.js';
export type { Corpus, LdaFit, LdaFitStats, LdaParams, WarmStart } from './engine/types.js';
export type { EventWords, Featurizer, LearnedWords, WordPass } from './words/types.js';
