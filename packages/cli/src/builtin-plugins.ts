import { PluginRegistry, type PluginManifest, referenceManifests } from '@sightline/core';
import { manifest as dnsDecoder } from '@sightline/decoder-dns';
import { manifest as netflowDecoder } from '@sightline/decoder-netflow';
import { manifest as proxyDecoder } from '@sightline/decoder-proxy';
import { manifests as contextManifests } from '@sightline/enrich-context';
import { manifest as heuristicsModel } from '@sightline/model-heuristics';
import { manifest as ldaModel } from '@sightline/model-lda';
import { manifest as elasticSink } from '@sightline/sink-elastic/manifest'; // the client loads when a pipeline uses it
import { manifest as fileSink } from '@sightline/sink-file';
import { manifest as splunkSink } from '@sightline/sink-splunk';

/**
 * The first-party plugins this distribution ships, by name. Third-party plugins are loaded from packages named in
 * a pipeline's `plugins:` (or `use:`).
 */
export const BUILTIN_MANIFESTS: readonly { readonly manifest: PluginManifest; readonly pkg: string }[] = [
  ...referenceManifests.map((manifest) => ({ manifest, pkg: '@sightline/core' })),
  { manifest: dnsDecoder, pkg: '@sightline/decoder-dns' },
  { manifest: netflowDecoder, pkg: '@sightline/decoder-netflow' },
  { manifest: proxyDecoder, pkg: '@sightline/decoder-proxy' },
  ...contextManifests.map((manifest) => ({ manifest, pkg: '@sightline/enrich-context' })),
  { manifest: heuristicsModel, pkg: '@sightline/model-heuristics' },
  { manifest: ldaModel, pkg: '@sightline/model-lda' },
  { manifest: fileSink, pkg: '@sightline/sink-file' },
  { manifest: elasticSink, pkg: '@sightline/sink-elastic' },
  { manifest: splunkSink, pkg: '@sightline/sink-splunk' },
];

export function builtinRegistry(): PluginRegistry {
  const registry = new PluginRegistry();
  for (const { manifest, pkg } of BUILTIN_MANIFESTS) registry.register(manifest, `built-in (${pkg})`, { compileSchema: false }); // compiled when used; tests compile them all
  return registry;
}
