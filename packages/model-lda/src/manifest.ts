import { definePlugin } from '@sightline/core';
import { type LdaConfig, configSchema } from './config.schema.js';
import { createLdaModel } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'model', LdaConfig>({
  name: 'lda',
  kind: 'model',
  version: VERSION,
  core: '^0.1.0',
  description: "Apache Spot's suspicious connects: per-host documents of flow, DNS and proxy words, an LDA topic model (collapsed Gibbs on typed arrays, worker threads, warm start, sampled training for large days) and p(word | host) as the score, lowest first; analyst ratings of low risk are weighted into the next fit.",
  configSchema,
  create: (config, ctx) => createLdaModel(config, ctx),
});
