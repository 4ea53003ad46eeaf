import type { PluginManifest } from '../contracts/manifest.js';
import { consoleSinkManifest } from './console-sink.js';
import { mapEnricherManifest } from './map-enricher.js';
import { memorySinkManifest } from './memory-sink.js';
import { odmNdjsonDecoderManifest } from './odm-ndjson-decoder.js';
import { rarityModelManifest } from './rarity-model.js';
import { staticDecoderManifest } from './static-decoder.js';

export { ConsoleSink, consoleSinkManifest } from './console-sink.js';
export { MapEnricher, mapEnricherManifest } from './map-enricher.js';
export type { MapEnricherConfig, MapLookup } from './map-enricher.js';
export { InMemoryDeadLetterStore, InMemoryQuarantineStore } from './memory-stores.js';
export { MemorySink, memorySinkManifest } from './memory-sink.js';
export type { MemorySinkConfig } from './memory-sink.js';
export { OdmNdjsonDecoder, odmNdjsonDecoderManifest } from './odm-ndjson-decoder.js';
export { RarityModel, rarityModelManifest } from './rarity-model.js';
export type { RarityConfig } from './rarity-model.js';
export { StaticDecoder, staticDecoderManifest } from './static-decoder.js';

/** The reference plugins core ships: one per kind at least, each the in-memory twin of a real one. */
export const referenceManifests: readonly PluginManifest[] = [
  odmNdjsonDecoderManifest,
  staticDecoderManifest,
  mapEnricherManifest,
  rarityModelManifest,
  memorySinkManifest,
  consoleSinkManifest,
];
