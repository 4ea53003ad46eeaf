import { checkManifest } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MANIFESTS, builtinRegistry } from '../src/builtin-plugins.js';

// builtinRegistry() registers without compiling config schemas (they compile when a pipeline uses the plugin);
// this is where every built-in schema is proven to compile.
describe('built-in plugins', () => {
  it.each(BUILTIN_MANIFESTS.map(({ manifest, pkg }) => [`${manifest.kind} ${manifest.name} (${pkg})`, manifest] as const))('%s has a valid manifest whose config schema compiles', (_, manifest) => {
    expect(() => checkManifest(manifest, 'test')).not.toThrow();
  });

  it('registers each name once', () => {
    const names = BUILTIN_MANIFESTS.map(({ manifest }) => manifest.name);
    expect(new Set(names).size).toBe(names.length);
    expect(builtinRegistry().list().map((p) => p.manifest.name).sort()).toEqual([...names].sort());
  });
});
