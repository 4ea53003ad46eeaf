/**
 * @sightline/model-lda: Apache Spot's "suspicious connects" — per-IP documents of discretised event words, an
 * LDA topic model fitted by collapsed Gibbs sampling on typed arrays, and p(word | document) as the score
 * (lower is more suspicious), with analyst feedback weighted into the next fit.
 */
import './error-codes.js';

export { LDA_ERROR_CODES } from './error-codes.js';
export * from './engine/index.js';
export * from './words/index.js';
export { manifest, VERSION } from './manifest.js';
export { LdaModel } from './model.js';
export { createLdaModel } from './module.js';
export { configSchema } from './config.schema.js';
export type { LdaConfig } from './config.schema.js';
export { KindScorer } from './kind-model.js';
export type { KindModelData, TokenRole } from './kind-model.js';
export type { KindSection, LdaStateData } from './state.js';
export { STATE_FORMAT } from './state.js';
export { plantedFlows } from './synthetic.js';
export type { PlantedCorpus } from './synthetic.js';
