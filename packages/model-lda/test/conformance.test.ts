import { describe, it } from 'vitest';
import { EventFixtures, modelConformance, registerConformance } from '@sightline/core/testkit';
import { manifest } from '../src/index.js';

// The suite every model runs, on the kit's mixed fixtures of every kind.
registerConformance(modelConformance({ manifest, config: { sweeps: 20 }, events: EventFixtures.mixed(300) }), { describe, it });
registerConformance(modelConformance({ manifest, config: { sweeps: 20, leave_one_out: false, kinds: ['dns', 'proxy'] }, events: EventFixtures.mixed(300) }), { describe, it });
