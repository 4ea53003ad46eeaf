export type { EventWords, Featurizer, LearnedWords, WordPass } from './types.js';
