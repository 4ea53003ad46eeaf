import { describe, it } from 'vitest';
import { EventFixtures, modelConformance, registerConformance } from '@sightline/core/testkit';
import { manifest } from '../src/index.js';
import { T0, flow } from './craft.js';

// The suite every model runs, on the kit's mixed fixtures plus a port scan (so that some events are scored:
// the heuristics score only the events their findings start with).
const scan = Array.from({ length: 60 }, (_, p) => flow({ src: '10.1.2.3', dst: '10.9.9.9', sport: 40000 + p, dport: p + 1, t: T0 + p * 100, packets: 1, bytes: 44, flags: 0x02 }));
registerConformance(modelConformance({ manifest, events: [...EventFixtures.mixed(300), ...scan] }), { describe, it });
registerConformance(modelConformance({ manifest, config: { alerts: { members: true, per_finding: 3 } }, events: [...EventFixtures.mixed(300), ...scan] }), { describe, it });
