import { type PluginContext, type ServiceResolver, parseDuration, parseSize } from '@sightline/core';
import { isAbsolute, join } from 'node:path';
import type { NetflowConfig } from './config.schema.js';
import { NetflowDecoder } from './decoder.js';
import { FileTemplateStore } from './file-template-store.js';
import { RedisTemplateStore } from './redis-template-store.js';
import { InMemoryTemplateStore, TEMPLATE_STORE_FACTORY, type TemplateStore, type TemplateStoreConfig, type TemplateStoreFactory } from './template-store.js';

/** The default store factory: memory or Redis as configured, wrapped in file persistence when `persist` is set. */
export const defaultTemplateStoreFactory: TemplateStoreFactory = (config, step) => {
  let store: TemplateStore = config.store === 'redis' ? new RedisTemplateStore({ url: config.redisUrl, prefix: config.redisPrefix, ttlMs: config.ttlMs }) : new InMemoryTemplateStore(config.ttlMs);
  if (config.persist !== '') store = new FileTemplateStore(store, isAbsolute(config.persist) ? config.persist : join(step.stateDir, config.persist));
  return store;
};

export function templateStoreConfig(config: NetflowConfig): TemplateStoreConfig {
  const t = config.templates;
  return { store: t.store, ttlMs: parseDuration(t.ttl), redisUrl: t.redis_url, redisPrefix: t.redis_prefix, persist: t.persist };
}

/** Makes a decoder for one pipeline step; the template store comes from the factory bound in the container. */
export function createNetflowDecoder(config: NetflowConfig, ctx: PluginContext, resolve: ServiceResolver): NetflowDecoder {
  let factory: TemplateStoreFactory = defaultTemplateStoreFactory;
  try {
    factory = resolve<TemplateStoreFactory>(TEMPLATE_STORE_FACTORY);
  } catch {
    /* not bound (a container without the plugin's module): the default */
  }
  const storeConfig = templateStoreConfig(config);
  return new NetflowDecoder(
    {
      store: factory(storeConfig, ctx),
      ttlMs: storeConfig.ttlMs,
      pendingMaxBytes: parseSize(config.templates.pending_max_bytes),
      pendingMaxAgeMs: parseDuration(config.templates.pending_max_age),
      csvColumns: config.csv_columns,
    },
    ctx.step,
  );
}
