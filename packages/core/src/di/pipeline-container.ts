import { Container } from 'inversify';
import type { PluginContext } from '../contracts/common.js';
import type { PluginFactory, PluginInstances, PluginKind, PluginManifest } from '../contracts/manifest.js';
import { SightlineError } from '../errors/sightline-error.js';
import { pluginFactoryToken } from './tokens.js';

/**
 * A pipeline's own container: a child of `parent` (shared services) with the modules of the plugins the
 * pipeline uses loaded into it. Two pipelines never see each other's bindings.
 */
export class PipelineContainer {
  readonly container: Container;
  readonly #loaded = new Set<string>();

  constructor(parent?: Container) {
    this.container = new Container(parent === undefined ? {} : { parent });
  }

  /** Binds a service for this pipeline only (logger, stores, folders). */
  provide<T>(token: symbol, value: T): this {
    if (this.container.isCurrentBound(token)) this.container.unbind(token);
    this.container.bind<T>(token).toConstantValue(value);
    return this;
  }

  /** Loads a plugin's module once. */
  load(manifest: PluginManifest): void {
    if (this.#loaded.has(manifest.name)) return;
    this.container.load(manifest.module);
    this.#loaded.add(manifest.name);
  }

  /** Creates an instance of a loaded plugin for one step. */
  async create<K extends PluginKind>(manifest: PluginManifest<K>, config: unknown, ctx: PluginContext): Promise<PluginInstances[K]> {
    this.load(manifest);
    let factory: PluginFactory<K>;
    try {
      factory = this.container.get<PluginFactory<K>>(pluginFactoryToken(manifest.name));
    } catch (cause) {
      throw new SightlineError('SL_PLUGIN_INVALID_MANIFEST', `plugin "${manifest.name}": its module does not bind a factory under pluginFactoryToken("${manifest.name}")`, {
        stage: 'plugin',
        plugin: manifest.name,
        cause,
      });
    }
    try {
      return await factory.create(config, ctx);
    } catch (cause) {
      throw SightlineError.from(cause, 'SL_PLUGIN_INIT_FAILED', `step "${ctx.step}" (plugin "${manifest.name}") failed to start`, {
        stage: 'plugin',
        plugin: manifest.name,
      });
    }
  }
}
