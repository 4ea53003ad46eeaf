/**
 * @sightline/model-lda: Apache Spot's "suspicious connects" — per-IP documents of discretised event words, an
 * LDA topic model fitted by collapsed Gibbs sampling on typed arrays, and p(word | document) as the score
 * (lower is more suspicious), with analyst feedback weighted into the next fit.
 */
import './error-codes.js';

export { LDA_ERROR_CODES } from './error-codes.js';
export * from './engine/index.js';
export * from './words/index.js';
