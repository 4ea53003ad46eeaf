import type { ContainerModule } from 'inversify';
import type { JsonSchema } from '../model/json-schema.js';
import type { MaybePromise, PluginContext } from './common.js';
import type { Decoder } from './decoder.js';
import type { Enricher } from './enricher.js';
import type { Model } from './model.js';
import type { Sink } from './sink.js';

export type PluginKind = 'decoder' | 'enricher' | 'model' | 'sink';
export const PLUGIN_KINDS: readonly PluginKind[] = ['decoder', 'enricher', 'model', 'sink'];

export interface PluginInstances {
  decoder: Decoder;
  enricher: Enricher;
  model: Model;
  sink: Sink;
}

/** Looks up a service bound in the pipeline's container (core services, or ones the plugin's module binds). */
export type ServiceResolver = <T>(token: symbol | string) => T;

/** Makes plugin instances. Bound in the pipeline's container under `pluginFactoryToken(name)`. */
export interface PluginFactory<K extends PluginKind = PluginKind> {
  /** `config` has been validated against the plugin's schema, defaults applied, and frozen. */
  create(config: unknown, ctx: PluginContext): MaybePromise<PluginInstances[K]>;
}

/**
 * What a plugin package exports (as `manifest`, or several as `manifests`). Checked when it registers: name,
 * kind, the core version range it supports, a compilable config schema, and the module that binds it.
 */
export interface PluginManifest<K extends PluginKind = PluginKind> {
  /** Unique plugin name, lower-case words joined by `-` (`file`, `netflow`, `acme-port-names`). */
  readonly name: string;
  readonly kind: K;
  /** The plugin's own version (semver). */
  readonly version: string;
  /** Range of @sightline/core versions it works with (semver range, e.g. `^0.1.0`). */
  readonly core: string;
  readonly description: string;
  /** JSON Schema of the step's `config` (draft 2020-12), with defaults. */
  readonly configSchema: JsonSchema;
  /** Binds `pluginFactoryToken(name)` (and any services the plugin provides) into a pipeline's container. */
  readonly module: ContainerModule;
}
