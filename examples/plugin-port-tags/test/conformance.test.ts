import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { enricherConformance, registerConformance } from '@sightline/core/testkit';
import { manifest } from '../src/index.js';

// What a third party runs on its own plugin: the same suite every first-party enricher runs.
registerConformance(
  enricherConformance({
    manifest,
    config: { ports: { '51512': 'test-service' } },
    expect: (events) => assert.ok(events.some((e) => e.dst_tags?.includes('service:https')), 'no destination was tagged'),
  }),
  { describe, it },
);
