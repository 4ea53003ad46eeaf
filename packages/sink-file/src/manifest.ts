import { definePlugin } from '@sightline/core';
import { type FileSinkConfig, configSchema } from './config.schema.js';
import { createFileSink } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'sink', FileSinkConfig>({
  name: 'file',
  kind: 'sink',
  version: VERSION,
  core: '^0.1.0',
  description: 'CSV and NDJSON files with rotation by size, count or time window, atomic finalisation, and Apache Spot column sets.',
  configSchema,
  create: (config, ctx) => createFileSink(config, ctx),
});
