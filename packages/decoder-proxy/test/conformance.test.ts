import { decoderConformance, registerConformance } from '@sightline/core/testkit';
import { describe, it } from 'vitest';
import { generateProxyLogText, manifest } from '../src/index.js';

const sample = (name: string, text: string, minEvents: number) => ({ name, bytes: Buffer.from(text), minEvents });

// The decoder suite every first-party decoder runs: manifest, sniffing, valid events, deterministic ids, batching,
// chunk boundaries, truncation and fuzzing (random and mutated inputs), abort. Samples are generated here.
registerConformance(
  decoderConformance({
    manifest,
    samples: [
      sample('ProxySG ELFF with a mid-file #Fields change, from the project generator', generateProxyLogText({ format: 'proxysg-elff', lines: 60, headerChangeEvery: 25, seed: 11 }), 60),
      sample("Spot's 27-field headerless Blue Coat layout, from the project generator", generateProxyLogText({ format: 'spot', lines: 40, seed: 12 }), 40),
      sample('Squid native access.log, from the project generator', generateProxyLogText({ format: 'squid', lines: 40, seed: 13 }), 40),
      sample('NCSA combined with Squid status:hierarchy, from the project generator', generateProxyLogText({ format: 'combined', lines: 40, seed: 14 }), 40),
      sample('IIS W3C extended log, from the project generator', generateProxyLogText({ format: 'iis', lines: 40, seed: 15 }), 40),
    ],
    fuzzCases: 300,
  }),
  { describe, it },
);
