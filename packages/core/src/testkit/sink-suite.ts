import assert from 'node:assert/strict';
import type { PluginManifest } from '../contracts/manifest.js';
import type { Sink, SinkResult } from '../contracts/sink.js';
import { checkManifest } from '../di/registry.js';
import { SightlineError } from '../errors/sightline-error.js';
import type { OdmEvent } from '../model/event.js';
import { EventFixtures } from './fixtures.js';
import { createTestContext, instantiate } from './harness.js';
import type { ConformanceCheck, ConformanceSuite } from './suite.js';

export interface SinkConformanceOptions {
  readonly manifest: PluginManifest<'sink'>;
  /** Config, or a function making one per instance (e.g. a fresh output folder). */
  readonly config?: unknown | (() => unknown | Promise<unknown>);
  /** Events to write (default: a mix of every kind). */
  readonly events?: readonly OdmEvent[];
  /**
   * After the sink is closed: the ids of the events that reached the destination, to check that everything
   * written was delivered exactly once (by id) even when a batch was written twice.
   */
  readonly delivered?: (config: unknown) => Promise<readonly string[]>;
}

function assertResult(r: SinkResult, n: number): void {
  assert.ok(['success', 'partial', 'retryable', 'failure'].includes(r.status), `unknown status ${String((r as { status: unknown }).status)}`);
  if (r.status === 'partial') {
    for (const f of r.failed) {
      assert.ok(Number.isInteger(f.index) && f.index >= 0 && f.index < n, `partial result names index ${f.index} of a batch of ${n}`);
      assert.ok(SightlineError.is(f.error), 'a failed item must carry a SightlineError');
    }
  }
  if (r.status === 'retryable' || r.status === 'failure') assert.ok(SightlineError.is(r.error), `${r.status} must carry a SightlineError`);
}

/** The sink conformance suite. */
export function sinkConformance(options: SinkConformanceOptions): ConformanceSuite {
  const { manifest } = options;
  const events = (): OdmEvent[] => structuredClone([...(options.events ?? EventFixtures.mixed(60))]) as OdmEvent[];
  const make = async (): Promise<{ sink: Sink; ctx: ReturnType<typeof createTestContext>; config: unknown }> => {
    const ctx = createTestContext({ step: manifest.name });
    const config = typeof options.config === 'function' ? await (options.config as () => unknown)() : (options.config ?? {});
    const sink = await instantiate(manifest, config, ctx);
    await sink.open?.(ctx);
    return { sink, ctx, config };
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'its manifest is valid for this core and names a sink',
      async run() {
        checkManifest(manifest, 'conformance');
        assert.equal(manifest.kind, 'sink');
      },
    },
    {
      name: 'writes events and alerts and answers with a result, not an exception',
      async run() {
        const { sink, ctx } = await make();
        const evs = events();
        assertResult(await sink.write({ stream: 'events', events: evs }, ctx), evs.length);
        const alerts = evs.slice(0, 5).map((e, i) => ({ ...e, score_model: 'conformance', score_value: i / 10, score_order: 'asc' as const, score_rank: i + 1 }));
        assertResult(await sink.write({ stream: 'alerts', events: alerts }, ctx), alerts.length);
        await sink.close();
      },
    },
    {
      name: 'accepts an empty batch',
      async run() {
        const { sink, ctx } = await make();
        const r = await sink.write({ stream: 'events', events: [] }, ctx);
        assert.equal(r.status, 'success');
        await sink.close();
      },
    },
    {
      name: 'is idempotent: writing the same events twice delivers each once (by event id)',
      async run() {
        const { sink, ctx, config } = await make();
        const evs = events();
        for (let i = 0; i < 2; i++) assertResult(await sink.write({ stream: 'events', events: evs }, ctx), evs.length);
        await sink.close();
        if (options.delivered !== undefined) {
          const got = await options.delivered(config);
          assert.equal(new Set(got).size, got.length, 'an event was delivered twice');
          assert.deepEqual([...new Set(got)].sort(), evs.map((e) => e.event_id).sort());
        }
      },
    },
    {
      name: 'has a health check that answers ok and a message (when it has one), and close can be called twice',
      async run() {
        const { sink } = await make();
        if (sink.healthcheck !== undefined) {
          const h = await sink.healthcheck();
          assert.equal(typeof h.ok, 'boolean');
          assert.equal(typeof h.message, 'string');
        }
        await sink.close();
        await sink.close();
      },
    },
  ];
  return { title: `sink conformance: ${manifest.name}`, checks };
}
