import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SightlineError, describeCause } from '@sightline/core';
import type { Featurizer } from './types.js';

const PLUGIN = 'model-lda';

/** A module's way of making a featurizer from the options given to it in the pipeline. */
export type FeaturizerFactory = (options: unknown) => Featurizer | Promise<Featurizer>;

const invalid = (origin: string, why: string): SightlineError =>
  new SightlineError('SL_LDA_FEATURIZER_INVALID', `featurizer ${origin} ${why}`, { plugin: PLUGIN, details: { featurizer: origin } });

/**
 * Checks that a value has the shape of a `Featurizer` (a non-empty `kind` and `name`, a `words` function, and
 * `createPass` a function when present, `codes` only with `wordOf`) and returns it; otherwise `SL_LDA_FEATURIZER_INVALID` naming `origin`.
 */
export function validateFeaturizer(value: unknown, origin: string): Featurizer {
  if (typeof value !== 'object' || value === null) throw invalid(origin, `is ${value === null ? 'null' : typeof value}, not an object with kind, name and words(event, learned)`);
  const f = value as Record<string, unknown>;
  if (typeof f['kind'] !== 'string' || f['kind'] === '') throw invalid(origin, 'has no `kind` (the event kind it makes words of, e.g. "flow")');
  if (typeof f['name'] !== 'string' || f['name'] === '') throw invalid(origin, 'has no `name` (written into model states, e.g. "acme-flow")');
  if (typeof f['words'] !== 'function') throw invalid(origin, 'has no `words(event, learned)` function');
  if (f['createPass'] !== undefined && typeof f['createPass'] !== 'function') throw invalid(origin, 'has a `createPass` that is not a function');
  if (f['codes'] !== undefined && typeof f['codes'] !== 'function') throw invalid(origin, 'has a `codes` that is not a function');
  if (f['codes'] !== undefined && typeof f['wordOf'] !== 'function') throw invalid(origin, 'has `codes(event, learned, docs, codes)` but no `wordOf(code)` to turn a code back into its word');
  return value as Featurizer;
}

/**
 * Imports a third-party featurizer: `specifier` is a package name (resolved from the pipeline's folder, then
 * from this package) or a path (`./words/acme.mjs`, absolute or relative to the pipeline file, made absolute by
 * `resolvePath`). The module's `featurizer` export, or else its default export, is a `Featurizer` or a factory
 * `(options) => Featurizer` (which may be async) called with `options`.
 *
 * Errors: `SL_PLUGIN_NOT_FOUND` (cannot be resolved), `SL_PLUGIN_LOAD_FAILED` (importing it throws),
 * `SL_PLUGIN_INIT_FAILED` (the factory throws), `SL_LDA_FEATURIZER_INVALID` (no such export, or a bad shape).
 */
export async function loadFeaturizer(specifier: string, resolvePath: (p: string) => string, options: unknown = {}): Promise<Featurizer> {
  const origin = `"${specifier}"`;
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  let target: string;
  try {
    if (isAbsolute(specifier)) target = pathToFileURL(specifier).href;
    else if (isPath) target = pathToFileURL(resolvePath(specifier)).href;
    else {
      try {
        const resolved = createRequire(join(resolvePath('.'), 'pipeline.js')).resolve(specifier);
        // Built-in modules resolve to themselves.
        target = isAbsolute(resolved) ? pathToFileURL(resolved).href : resolved;
      } catch {
        // ESM-only packages (no "require" condition), and packages installed next to Sightline itself.
        target = specifier;
      }
    }
  } catch (e) {
    throw new SightlineError('SL_PLUGIN_NOT_FOUND', `featurizer ${origin} cannot be found: ${describeCause(e)}`, { plugin: PLUGIN, cause: e });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
    throw new SightlineError(notFound ? 'SL_PLUGIN_NOT_FOUND' : 'SL_PLUGIN_LOAD_FAILED', `featurizer ${origin} cannot be imported: ${describeCause(e)}`, { plugin: PLUGIN, cause: e });
  }
  const exported = mod['featurizer'] ?? mod['default'];
  if (exported === undefined) throw invalid(origin, 'exports neither `featurizer` nor a default export');
  if (typeof exported !== 'function') return validateFeaturizer(exported, origin);
  let made: unknown;
  try {
    made = await (exported as FeaturizerFactory)(options);
  } catch (e) {
    throw new SightlineError('SL_PLUGIN_INIT_FAILED', `featurizer ${origin} failed to start: ${describeCause(e)}`, { plugin: PLUGIN, cause: e });
  }
  return validateFeaturizer(made, origin);
}
