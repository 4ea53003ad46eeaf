import semver from 'semver';
import type { PluginKind, PluginManifest } from '../contracts/manifest.js';
import { PLUGIN_KINDS } from '../contracts/manifest.js';
import { compileConfigSchema } from '../config/config-ajv.js';
import { SightlineError, describeCause } from '../errors/sightline-error.js';
import { CORE_VERSION } from '../version.js';

export interface RegisteredPlugin {
  readonly manifest: PluginManifest;
  /** `built-in`, or the package (and path) it was loaded from. */
  readonly origin: string;
}

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function invalid(origin: string, what: string): SightlineError {
  return new SightlineError('SL_PLUGIN_INVALID_MANIFEST', `plugin manifest from ${origin} is invalid: ${what}`, { stage: 'plugin' });
}

export interface CheckManifestOptions {
  /**
   * Compile the config schema now (default) to prove it valid. Distributions registering many built-in plugins
   * whose schemas their tests compile pass false: each schema is then compiled when a pipeline first uses it,
   * which keeps every command's start-up from paying for all of them.
   */
  readonly compileSchema?: boolean;
}

/**
 * Checks that `value` is a usable manifest for this core and returns it typed. Throws a SightlineError
 * (SL_PLUGIN_INVALID_MANIFEST or SL_PLUGIN_INCOMPATIBLE) naming what is wrong.
 */
export function checkManifest(value: unknown, origin: string, coreVersion = CORE_VERSION, options: CheckManifestOptions = {}): PluginManifest {
  if (typeof value !== 'object' || value === null) throw invalid(origin, 'it is not an object (export `manifest` built with definePlugin)');
  const m = value as Record<string, unknown>;
  const name = m['name'];
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw invalid(origin, `name ${JSON.stringify(name)} must be lower-case words joined by "-" (e.g. "acme-port-names")`);
  }
  const where = `plugin "${name}" (${origin})`;
  if (!PLUGIN_KINDS.includes(m['kind'] as PluginKind)) {
    throw invalid(origin, `${where}: kind ${JSON.stringify(m['kind'])} must be one of ${PLUGIN_KINDS.join(', ')}`);
  }
  if (typeof m['version'] !== 'string' || semver.valid(m['version']) === null) {
    throw invalid(origin, `${where}: version ${JSON.stringify(m['version'])} is not a semver version`);
  }
  if (typeof m['core'] !== 'string' || semver.validRange(m['core']) === null) {
    throw invalid(origin, `${where}: core ${JSON.stringify(m['core'])} is not a semver range (e.g. "^0.1.0")`);
  }
  if (typeof m['description'] !== 'string' || m['description'].trim() === '') {
    throw invalid(origin, `${where}: description must be a non-empty string`);
  }
  const mod = m['module'] as { load?: unknown } | undefined;
  if (typeof mod !== 'object' || mod === null || typeof mod.load !== 'function') {
    throw invalid(origin, `${where}: module must be an inversify ContainerModule`);
  }
  const schema = m['configSchema'];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalid(origin, `${where}: configSchema must be a JSON Schema object`);
  }
  if (options.compileSchema !== false) {
    try {
      compileConfigSchema(schema as Record<string, unknown>);
    } catch (cause) {
      throw new SightlineError('SL_PLUGIN_INVALID_MANIFEST', `${where}: configSchema does not compile: ${describeCause(cause)}`, { stage: 'plugin', plugin: name, cause });
    }
  }
  if (!semver.satisfies(coreVersion, m['core'], { includePrerelease: true })) {
    throw new SightlineError(
      'SL_PLUGIN_INCOMPATIBLE',
      `${where} supports @sightline/core ${m['core']}, but the running core is ${coreVersion}`,
      { stage: 'plugin', plugin: name, details: { supports: m['core'], core: coreVersion } },
    );
  }
  return value as PluginManifest;
}

/** The plugins known to a process: built-in ones and those loaded from packages. */
export class PluginRegistry {
  readonly #plugins = new Map<string, RegisteredPlugin>();

  /** Registers a manifest after checking it. Registering the same manifest twice is a no-op. */
  register(value: unknown, origin = 'built-in', options: CheckManifestOptions = {}): PluginManifest {
    const manifest = checkManifest(value, origin, CORE_VERSION, options);
    const existing = this.#plugins.get(manifest.name);
    if (existing !== undefined) {
      if (existing.manifest === manifest) return manifest;
      throw new SightlineError(
        'SL_PLUGIN_DUPLICATE',
        `plugin name "${manifest.name}" is registered twice: by ${existing.origin} and by ${origin}`,
        { stage: 'plugin', plugin: manifest.name },
      );
    }
    this.#plugins.set(manifest.name, { manifest, origin });
    return manifest;
  }

  has(name: string): boolean {
    return this.#plugins.has(name);
  }

  get(name: string): RegisteredPlugin | undefined {
    return this.#plugins.get(name);
  }

  list(): RegisteredPlugin[] {
    return [...this.#plugins.values()].sort((a, b) => a.manifest.kind.localeCompare(b.manifest.kind) || a.manifest.name.localeCompare(b.manifest.name));
  }
}
