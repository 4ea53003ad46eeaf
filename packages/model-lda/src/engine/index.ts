export type { Corpus, LdaFit, LdaFitStats, LdaParams, WarmStart } from './types.js';
