import './error-codes.js';
import { definePlugin } from '@sightline/core';
import { type ElasticSinkConfig, configSchema } from './config.schema.js';
import { createElasticSink } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'sink', ElasticSinkConfig>({
  name: 'elastic',
  kind: 'sink',
  version: VERSION,
  core: '^0.1.0',
  description: 'Elasticsearch 8.x/9.x: ECS documents into data streams or indices with installed templates, bulk create with deterministic ids, per-item retry and dead letters with the cluster\'s reason.',
  configSchema,
  create: async (config, ctx) => createElasticSink(config, ctx),
});
