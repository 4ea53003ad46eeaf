import assert from 'node:assert/strict';
import type { Enricher } from '../contracts/enricher.js';
import type { PluginManifest } from '../contracts/manifest.js';
import { checkManifest } from '../di/registry.js';
import { isErrorCode } from '../errors/error-codes.js';
import { CONTEXT_FIELDS } from '../model/generated/odm-schemas.js';
import type { OdmEvent } from '../model/event.js';
import { validateEvent } from '../model/validate-event.js';
import { EventFixtures } from './fixtures.js';
import { createTestContext, instantiate } from './harness.js';
import type { ConformanceCheck, ConformanceSuite } from './suite.js';

export interface EnricherConformanceOptions {
  readonly manifest: PluginManifest<'enricher'>;
  readonly config?: unknown;
  /** Events to enrich (default: a mix of every kind). */
  readonly events?: readonly OdmEvent[];
  /** Checks the enricher really added what it should (called with the enriched events). */
  readonly expect?: (enriched: readonly OdmEvent[]) => void;
}

const CONTEXT = new Set<string>(CONTEXT_FIELDS);

function withoutContext(e: OdmEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([k]) => !CONTEXT.has(k)));
}

/** The enricher conformance suite. */
export function enricherConformance(options: EnricherConformanceOptions): ConformanceSuite {
  const { manifest } = options;
  const sample = (): OdmEvent[] => structuredClone([...(options.events ?? EventFixtures.mixed(30))]) as OdmEvent[];
  const make = async (): Promise<{ enricher: Enricher; ctx: ReturnType<typeof createTestContext> }> => {
    const ctx = createTestContext({ step: manifest.name });
    const enricher = await instantiate(manifest, options.config ?? {}, ctx);
    await enricher.start?.(ctx);
    return { enricher, ctx };
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'its manifest is valid for this core and names an enricher',
      async run() {
        checkManifest(manifest, 'conformance');
        assert.equal(manifest.kind, 'enricher');
      },
    },
    {
      name: 'keeps the count, order and ids of events and changes only context-block fields',
      async run() {
        const { enricher, ctx } = await make();
        const before = sample();
        const events = structuredClone(before);
        const result = await enricher.enrich(events, ctx);
        assert.equal(events.length, before.length);
        events.forEach((e, i) => {
          assert.equal(e.event_id, before[i]!.event_id, `event ${i} changed id`);
          assert.deepEqual(withoutContext(e), withoutContext(before[i]!), `event ${i}: a non-context field changed`);
        });
        for (const issue of result?.issues ?? []) assert.ok(isErrorCode(issue.code), `issue code ${String(issue.code)} is not a known code`);
        options.expect?.(events);
        await enricher.close?.();
      },
    },
    {
      name: 'leaves events valid against the data model',
      async run() {
        const { enricher, ctx } = await make();
        const events = sample();
        await enricher.enrich(events, ctx);
        for (const e of events) {
          const v = validateEvent(e);
          assert.ok(v.ok, `event ${e.event_id} invalid after enrichment: ${v.ok ? '' : `${v.path} ${v.message}`}`);
        }
        await enricher.close?.();
      },
    },
    {
      name: 'treats a lookup miss as no context, not as an issue',
      async run() {
        const { enricher, ctx } = await make();
        const events = [
          EventFixtures.flow({ src_ip: '203.0.113.254', dst_ip: '2001:db8:dead::beef' }),
          EventFixtures.dns({ dns_query: 'no-such-name.invalid' }),
          EventFixtures.proxy({ prx_host: 'unlisted.invalid', src_ip: '203.0.113.253' }),
        ];
        const result = await enricher.enrich(events, ctx);
        assert.equal(result?.issues?.length ?? 0, 0, 'a miss must not be reported as an issue');
        await enricher.close?.();
      },
    },
    {
      name: 'accepts an empty batch, and close can be called twice',
      async run() {
        const { enricher, ctx } = await make();
        await enricher.enrich([], ctx);
        await enricher.close?.();
        await enricher.close?.();
      },
    },
  ];
  return { title: `enricher conformance: ${manifest.name}`, checks };
}
