import { definePlugin } from '@sightline/core';
import { type SplunkSinkConfig, configSchema } from './config.schema.js';
import { createSplunkSink } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'sink', SplunkSinkConfig>({
  name: 'splunk',
  kind: 'sink',
  version: VERSION,
  core: '^0.1.0',
  description: 'Splunk HTTP Event Collector: CIM-named fields, sourcetype and index per kind, gzip batches, channel and indexer acknowledgement, retry on busy, dead letters with HEC\'s reason.',
  configSchema,
  create: (config, ctx) => createSplunkSink(config, ctx),
});
