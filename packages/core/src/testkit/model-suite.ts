import assert from 'node:assert/strict';
import type { Model, ModelWindow } from '../contracts/model.js';
import type { PluginManifest } from '../contracts/manifest.js';
import { checkManifest } from '../di/registry.js';
import { decodeModelState, encodeModelState } from '../model-state.js';
import type { OdmEvent } from '../model/event.js';
import { EventFixtures } from './fixtures.js';
import { createTestContext, instantiate } from './harness.js';
import type { ConformanceCheck, ConformanceSuite } from './suite.js';

export interface ModelConformanceOptions {
  readonly manifest: PluginManifest<'model'>;
  readonly config?: unknown;
  /** A window of events to fit on (default: a mix of every kind). */
  readonly events?: readonly OdmEvent[];
  readonly seed?: number;
}

/** A window over events held in memory (tests). */
export function memoryWindow(events: readonly OdmEvent[], batchSize = 256): ModelWindow {
  // A loop, not Math.min(...times): spreading overflows the stack beyond ~100k events.
  let start = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (e.event_time < start) start = e.event_time;
    if (e.event_time > last) last = e.event_time;
  }
  if (events.length === 0) {
    start = 0;
    last = 0;
  }
  const end = last + 1;
  return {
    start,
    end,
    count: events.length,
    async *batches() {
      for (let i = 0; i < events.length; i += batchSize) yield events.slice(i, i + batchSize);
    },
  };
}

/** The model conformance suite. */
export function modelConformance(options: ModelConformanceOptions): ConformanceSuite {
  const { manifest } = options;
  const events = (): OdmEvent[] => structuredClone([...(options.events ?? EventFixtures.mixed(300))]) as OdmEvent[];
  const seed = options.seed ?? 7;
  const make = async (): Promise<{ model: Model; ctx: ReturnType<typeof createTestContext> }> => {
    const ctx = createTestContext({ step: manifest.name });
    return { model: await instantiate(manifest, options.config ?? {}, ctx), ctx };
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'its manifest is valid for this core and names a model',
      async run() {
        checkManifest(manifest, 'conformance');
        assert.equal(manifest.kind, 'model');
      },
    },
    {
      name: 'fits a window into a state that names its model, format, id and window',
      async run() {
        const { model, ctx } = await make();
        assert.ok(model.order === 'asc' || model.order === 'desc', `order must be asc or desc, is ${String(model.order)}`);
        const w = memoryWindow(events());
        const state = await model.fit(w, { ...ctx, feedback: [], seed });
        assert.equal(typeof state.model, 'string');
        assert.ok(Number.isInteger(state.format), 'state.format must be an integer');
        assert.ok(typeof state.id === 'string' && state.id.length > 0, 'state.id must be a non-empty string');
        assert.deepEqual(state.window, { start: w.start, end: w.end });
      },
    },
    {
      name: 'scores every event: one finite number or null per event, in order, null for kinds it does not take',
      async run() {
        const { model, ctx } = await make();
        const evs = events();
        const state = await model.fit(memoryWindow(evs), { ...ctx, feedback: [], seed });
        const scores = await model.score(evs, state, ctx);
        assert.equal(scores.length, evs.length);
        scores.forEach((s, i) => {
          if (s === null) return;
          assert.ok(Number.isFinite(s.value), `score ${i} is ${s.value}`);
          assert.ok(model.kinds.includes(evs[i]!.event_kind), `event ${i} of kind ${evs[i]!.event_kind} was scored but the model takes ${model.kinds.join(', ')}`);
        });
        assert.ok(scores.some((s) => s !== null), 'no event was scored');
      },
    },
    {
      name: 'is deterministic: the same window and seed give the same scores',
      async run() {
        const a = await make();
        const b = await make();
        const evs = events();
        const sa = await a.model.fit(memoryWindow(evs), { ...a.ctx, feedback: [], seed });
        const sb = await b.model.fit(memoryWindow(evs), { ...b.ctx, feedback: [], seed });
        assert.deepEqual(
          (await a.model.score(evs, sa, a.ctx)).map((s) => s?.value ?? null),
          (await b.model.score(evs, sb, b.ctx)).map((s) => s?.value ?? null),
        );
      },
    },
    {
      name: 'its state survives serialisation: a stored and reloaded state scores the same',
      async run() {
        const { model, ctx } = await make();
        const evs = events();
        const state = await model.fit(memoryWindow(evs), { ...ctx, feedback: [], seed });
        const encoded = encodeModelState(state);
        const copy = decodeModelState({ json: encoded.json, blobs: Object.fromEntries(Object.entries(encoded.blobs).map(([k, v]) => [k, Uint8Array.from(v)])) });
        assert.deepEqual((await model.score(evs, copy, ctx)).map((s) => s?.value ?? null), (await model.score(evs, state, ctx)).map((s) => s?.value ?? null));
      },
    },
    {
      name: 'fits an empty window, accepts feedback, describes its state, and close can be called twice',
      async run() {
        const { model, ctx } = await make();
        const state = await model.fit(memoryWindow([]), { ...ctx, feedback: [], seed });
        assert.deepEqual(await model.score([], state, ctx), []);
        await model.feedback?.([{ id: 'r1', at: Date.now(), rating: 3, event_kind: 'flow', match: { src_ip: '10.1.2.3' } }], ctx);
        if (model.describe !== undefined) assert.equal(typeof model.describe(state).summary, 'string');
        await model.close?.();
        await model.close?.();
      },
    },
  ];
  return { title: `model conformance: ${manifest.name}`, checks };
}
