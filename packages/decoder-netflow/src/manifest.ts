import { definePlugin } from '@sightline/core';
import { type NetflowConfig, configSchema } from './config.schema.js';
import { createNetflowDecoder, defaultTemplateStoreFactory } from './module.js';
import { TEMPLATE_STORE_FACTORY, type TemplateStoreFactory } from './template-store.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'decoder', NetflowConfig>({
  name: 'netflow',
  kind: 'decoder',
  version: VERSION,
  core: '^0.1.0',
  description: 'NetFlow v1/v5/v7, v9 and IPFIX: export datagrams (udp input), pcap/pcapng captures of exports, raw payload files, nfdump CSV and nfcapd files.',
  configSchema,
  // The template store is a service of the pipeline's container: a runtime (e.g. the BullMQ runner) rebinds
  // TEMPLATE_STORE_FACTORY to share templates its own way.
  bind: ({ bind, isBound }) => {
    if (!isBound(TEMPLATE_STORE_FACTORY)) bind<TemplateStoreFactory>(TEMPLATE_STORE_FACTORY).toConstantValue(defaultTemplateStoreFactory);
  },
  create: (config, ctx, resolve) => createNetflowDecoder(config, ctx, resolve),
});
