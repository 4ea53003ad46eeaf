import { createDnsFeaturizer } from './dns-words.js';
import { createFlowFeaturizer } from './flow-words.js';
import type { SpotWordOptions } from './options.js';
import { createProxyFeaturizer } from './proxy-words.js';
import type { Featurizer } from './types.js';

/** Spot's three featurizers (flow, DNS, proxy) with one set of options; each takes the options that apply to it. */
export function createSpotFeaturizers(options: SpotWordOptions = {}): Featurizer[] {
  return [createFlowFeaturizer(options), createDnsFeaturizer(options), createProxyFeaturizer(options)];
}
