import { definePlugin } from '@sightline/core';
import { type HeuristicsConfig, configSchema } from './config.schema.js';
import { createHeuristicsModel } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'model', HeuristicsConfig>({
  name: 'heuristics',
  kind: 'model',
  version: VERSION,
  core: '^0.1.0',
  description: 'Attack heuristics: port and host scans, beaconing, DNS tunnelling, DGA domains and exfiltration volume, each alert with its reason and evidence; analyst ratings and allow rules suppress patterns (recorded, reversible).',
  configSchema,
  create: (config, ctx) => createHeuristicsModel(config, ctx),
});
