import { describe, it } from 'vitest';
import { EventFixtures } from '../testkit/fixtures.js';
import { decoderConformance, enricherConformance, modelConformance, registerConformance, sinkConformance } from '../testkit/index.js';
import { mapEnricherManifest } from './map-enricher.js';
import { memorySinkManifest } from './memory-sink.js';
import { odmNdjsonDecoderManifest } from './odm-ndjson-decoder.js';
import { rarityModelManifest } from './rarity-model.js';
import { staticDecoderManifest } from './static-decoder.js';

// The reference plugins run the same conformance suites every plugin runs.
const ndjson = (n: number) => Buffer.from(EventFixtures.mixed(n).map((e) => `${JSON.stringify(e)}\n`).join(''));

registerConformance(
  decoderConformance({
    manifest: odmNdjsonDecoderManifest,
    samples: [
      { name: 'fixture events of every kind, one per line (written by this test)', bytes: ndjson(90), minEvents: 90 },
      { name: 'CRLF line endings and a blank line', bytes: Buffer.from(`${JSON.stringify(EventFixtures.dns())}\r\n\r\n${JSON.stringify(EventFixtures.flow())}\r\n`), minEvents: 2 },
    ],
  }),
  { describe, it },
);

registerConformance(
  decoderConformance({
    manifest: staticDecoderManifest,
    config: { events: EventFixtures.mixed(5).map(({ event_id: _, ...rest }) => rest) },
    samples: [{ name: 'any bytes (the static decoder ignores its input)', bytes: Buffer.from('ignored\n'), minEvents: 5 }],
    sniffs: false,
    fuzzCases: 20,
  }),
  { describe, it },
);

registerConformance(
  enricherConformance({
    manifest: mapEnricherManifest,
    config: { lookups: [{ field: 'src_ip', table: { '10.1.2.3': { src_zone: 'office', src_criticality: 2 } } }] },
    expect: (events) => {
      if (!events.some((e) => e.src_zone === 'office')) throw new Error('no event got its zone');
    },
  }),
  { describe, it },
);

registerConformance(modelConformance({ manifest: rarityModelManifest }), { describe, it });

registerConformance(sinkConformance({ manifest: memorySinkManifest }), { describe, it });
