import { definePlugin } from '@sightline/core';
import { type ProxyDecoderConfig, configSchema } from './config.schema.js';
import { createProxyDecoder } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'decoder', ProxyDecoderConfig>({
  name: 'proxy',
  kind: 'decoder',
  version: VERSION,
  core: '^0.1.0',
  description:
    'Web-proxy access logs: Blue Coat / Broadcom ProxySG and W3C extended (ELFF, IIS) by their #Fields directives, ProxySG headerless layouts (Apache Spot\'s 27 fields, main, ssl, bcreporter*), Squid native and custom logformats, NCSA common/combined.',
  configSchema,
  create: (config, ctx) => createProxyDecoder(config, ctx),
});
