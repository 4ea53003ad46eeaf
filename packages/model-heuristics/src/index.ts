/**
 * @sightline/model-heuristics: attack heuristics beside the topic model. Each detector gives a score, a severity
 * and a reason in words with its evidence; analyst ratings (3 = low risk) and allow rules are the noise filter.
 */
import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { HeuristicsModel } from './model.js';
export { createHeuristicsModel } from './module.js';
export { configSchema, DETECTOR_NAMES } from './config.schema.js';
export type { AllowRule, DetectorName, HeuristicsConfig } from './config.schema.js';
export { HEURISTICS_ERROR_CODES } from './error-codes.js';
export type { Finding, Severity } from './findings.js';
export type { HeuristicsData, SuppressedFinding } from './state.js';
export type { Suppression } from './suppression.js';
export type { WindowStats } from './analyser.js';
export { analysePeriod } from './detectors/periodicity.js';
export type { Periodicity } from './detectors/periodicity.js';
export { NgramModel } from './features/ngram.js';
export { AddressRanges, DEFAULT_INTERNAL_NETWORKS } from './features/networks.js';
