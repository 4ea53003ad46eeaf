export type { Corpus, LdaFit, LdaFitStats, LdaParams, WarmStart } from './types.js';
export { buildCorpus, tokenPositions } from './corpus.js';
export { fitLda, type FitOptions } from './fit.js';
export { logGamma, logLikelihood } from './likelihood.js';
export { docTopicProportions, foldIn, scoreTokens, scoreWord, topicWordModel, type FoldInOptions, type TopicWordModel } from './scoring.js';
