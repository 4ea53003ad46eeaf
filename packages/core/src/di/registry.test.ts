import { describe, expect, it } from 'vitest';
import { definePlugin } from './define-plugin.js';
import { PipelineContainer } from './pipeline-container.js';
import { PluginRegistry, checkManifest } from './registry.js';
import { SightlineError } from '../errors/sightline-error.js';
import { MemorySink } from '../reference/memory-sink.js';
import { createTestContext } from '../testkit/harness.js';

const sink = (over: Record<string, unknown> = {}) =>
  definePlugin({
    name: 'test-sink',
    kind: 'sink',
    version: '1.0.0',
    core: '^0.1.0',
    description: 'a sink for tests',
    configSchema: { type: 'object', additionalProperties: false, properties: { tag: { type: 'string', default: 'x' } } },
    create: (_c, ctx) => new MemorySink({}, ctx.step),
    ...over,
  });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return SightlineError.is(e) ? e.code : `not a SightlineError: ${String(e)}`;
  }
  return 'no error';
}

describe('plugin registration', () => {
  it('registers a valid manifest once, and again is a no-op', () => {
    const r = new PluginRegistry();
    const m = sink();
    r.register(m);
    r.register(m);
    expect(r.list().map((p) => p.manifest.name)).toEqual(['test-sink']);
  });

  it('refuses a plugin built for another core version', () => {
    expect(codeOf(() => new PluginRegistry().register(sink({ core: '^2.0.0' }), 'pkg'))).toBe('SL_PLUGIN_INCOMPATIBLE');
    expect(() => checkManifest(sink({ core: '>=0.2.0' }), 'pkg')).toThrow(/supports @sightline\/core >=0.2.0, but the running core is 0.1.0/);
  });

  it('refuses two different plugins with the same name', () => {
    const r = new PluginRegistry();
    r.register(sink(), 'a');
    expect(codeOf(() => r.register(sink(), 'b'))).toBe('SL_PLUGIN_DUPLICATE');
  });

  it('refuses malformed manifests, naming the bad field', () => {
    expect(() => checkManifest({ name: 'Bad Name' }, 'pkg')).toThrow(/name "Bad Name"/);
    expect(() => checkManifest({ ...sink(), kind: 'transformer' }, 'pkg')).toThrow(/kind "transformer"/);
    expect(() => checkManifest({ ...sink(), version: 'one' }, 'pkg')).toThrow(/version "one"/);
    expect(() => checkManifest({ ...sink(), module: {} }, 'pkg')).toThrow(/ContainerModule/);
    expect(() => checkManifest({ ...sink(), configSchema: { type: 'objekt' } }, 'pkg')).toThrow(/configSchema does not compile/);
    expect(codeOf(() => checkManifest(null, 'pkg'))).toBe('SL_PLUGIN_INVALID_MANIFEST');
  });
});

describe('pipeline containers', () => {
  it('keep each pipeline\'s bindings to itself, over shared parent services', async () => {
    const token = Symbol.for('test/service');
    const a = new PipelineContainer();
    const b = new PipelineContainer();
    a.provide(token, 'a');
    b.provide(token, 'b');
    expect(a.container.get(token)).toBe('a');
    expect(b.container.get(token)).toBe('b');
    const m = sink();
    a.load(m);
    expect(a.container.isBound(Symbol.for('@sightline/plugin/test-sink'))).toBe(true);
    expect(b.container.isBound(Symbol.for('@sightline/plugin/test-sink'))).toBe(false);
    const s = await a.create(m, { tag: 'x' }, createTestContext({ step: 'one' }));
    expect(s.name).toBe('one');
  });

  it('let a plugin resolve services bound by its own module and by the pipeline', async () => {
    const svc = Symbol.for('test/greeting');
    const m = definePlugin({
      name: 'needs-service',
      kind: 'sink',
      version: '1.0.0',
      core: '^0.1.0',
      description: 'resolves a service',
      configSchema: { type: 'object' },
      bind: ({ bind }) => bind(svc).toConstantValue('hello from the module'),
      create: (_c, ctx, resolve) => new MemorySink({}, `${resolve<string>(svc)} / ${ctx.step}`),
    });
    const c = new PipelineContainer();
    const s = await c.create(m, {}, createTestContext({ step: 's1' }));
    expect(s.name).toBe('hello from the module / s1');
  });

  it('turn a failing factory into SL_PLUGIN_INIT_FAILED naming the step', async () => {
    const m = sink({ name: 'broken', create: () => { throw new Error('cannot open the thing'); } });
    await expect(new PipelineContainer().create(m, {}, createTestContext({ step: 'b' }))).rejects.toMatchObject({ code: 'SL_PLUGIN_INIT_FAILED', message: expect.stringContaining('step "b" (plugin "broken") failed to start: cannot open the thing') });
  });
});
