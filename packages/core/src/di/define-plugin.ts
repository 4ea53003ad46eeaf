import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import type { MaybePromise, PluginContext } from '../contracts/common.js';
import type { PluginInstances, PluginKind, PluginManifest, ServiceResolver } from '../contracts/manifest.js';
import type { JsonSchema } from '../model/json-schema.js';
import { pluginFactoryToken } from './tokens.js';

export interface PluginDefinition<K extends PluginKind, C> {
  readonly name: string;
  readonly kind: K;
  readonly version: string;
  readonly core: string;
  readonly description: string;
  readonly configSchema: JsonSchema;
  /** Makes an instance for one pipeline step. `resolve` reaches services bound in the pipeline's container. */
  create(config: C, ctx: PluginContext, resolve: ServiceResolver): MaybePromise<PluginInstances[K]>;
  /** Extra bindings the plugin provides to the pipeline's container (a template store, a cache…). */
  bind?(options: ContainerModuleLoadOptions): void;
}

/**
 * Builds a frozen plugin manifest whose module binds a factory for `create`. Plugins that need more of
 * inversify can build their `ContainerModule` by hand and bind `pluginFactoryToken(name)` themselves.
 */
export function definePlugin<K extends PluginKind, C = unknown>(def: PluginDefinition<K, C>): PluginManifest<K> {
  const token = pluginFactoryToken(def.name);
  const module = new ContainerModule((options) => {
    def.bind?.(options);
    options
      .bind(token)
      .toDynamicValue((context) => {
        const resolve: ServiceResolver = <T>(t: symbol | string) => context.get<T>(t);
        return { create: (config: unknown, ctx: PluginContext) => def.create(config as C, ctx, resolve) };
      })
      .inSingletonScope();
  });
  return Object.freeze({
    name: def.name,
    kind: def.kind,
    version: def.version,
    core: def.core,
    description: def.description,
    configSchema: def.configSchema,
    module,
  });
}
