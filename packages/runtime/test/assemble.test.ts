import { type Enricher, definePlugin } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { FileDeadLetterStore, FileQuarantineStore, StreamLogger, assemblePipeline } from '../src/index.js';
import { registry, spec, tempDir } from './helpers.js';

describe('assemblePipeline', () => {
  it('starts only the steps asked for (a BullMQ model job starts its model, not the enrichers and their feeds)', async () => {
    let started = 0;
    const counting = definePlugin({
      name: 'counting',
      kind: 'enricher',
      version: '1.0.0',
      core: '^0.1.0',
      description: 'counts its starts',
      configSchema: { type: 'object' },
      create: (): Enricher => ({
        name: 'counting',
        start() {
          started++;
        },
        enrich() {},
      }),
    });
    const dir = tempDir();
    const s = spec(
      {
        inputs: [{ type: 'file', path: 'in.ndjson' }],
        enrichers: [{ use: 'counting' }],
        models: [{ use: 'rarity', name: 'first' }, { use: 'rarity', name: 'second' }],
        sinks: [{ use: 'memory' }],
      },
      dir,
    );
    const options = { registry: registry([counting]), logger: new StreamLogger({ level: 'silent' }), runDir: dir, signal: new AbortController().signal, quarantine: new FileQuarantineStore(`${dir}/q`), deadLetter: new FileDeadLetterStore(`${dir}/d`) };
    const all = await assemblePipeline(s, options);
    expect(started).toBe(1);
    expect(all.models.map((m) => m.spec.name)).toEqual(['first', 'second']);
    await all.close();

    const one = await assemblePipeline(s, { ...options, only: (step) => step.section === 'models' && step.index === 1 });
    expect(started).toBe(1);
    expect(one.decoders).toEqual([]);
    expect(one.enrichers).toEqual([]);
    expect(one.sinks).toEqual([]);
    expect(one.models.map((m) => m.spec.name)).toEqual(['second']);
    await one.close();
  });
});
