import { definePlugin } from '@sightline/core';
import { type PortTagsConfig, configSchema } from './config.schema.js';
import { PortTags } from './port-tags.js';

export const manifest = definePlugin<'enricher', PortTagsConfig>({
  name: 'port-tags',
  kind: 'enricher',
  version: '1.0.0',
  core: '^0.1.0',
  description: 'Tags flow and proxy destinations with the service their port is known for (dst_tags: service:https).',
  configSchema,
  create: (config, ctx) => new PortTags(config, ctx),
});
