import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/sources.js';
import { EventFixtures } from '../testkit/fixtures.js';
import { createTestContext, instantiate } from '../testkit/harness.js';
import { memoryWindow } from '../testkit/model-suite.js';
import { mapEnricherManifest } from './map-enricher.js';
import { odmNdjsonDecoderManifest } from './odm-ndjson-decoder.js';
import { rarityModelManifest } from './rarity-model.js';

describe('odm-ndjson decoder', () => {
  it('quarantines bad lines with their number and reason, and goes on', async () => {
    const good = JSON.stringify(EventFixtures.flow());
    const text = [good, '{not json', JSON.stringify({ ...EventFixtures.flow(), src_port: -1 }), '[1,2]', good.replace('"event_id"', '"x_id"'), `${good.slice(0, 40)}`].join('\n');
    const d = await instantiate(odmNdjsonDecoderManifest);
    const ctx = { ...createTestContext(), batchSize: 100, keepRaw: false };
    const events = [];
    const issues = [];
    for await (const b of d.decode(memorySource('t.ndjson', [Buffer.from(text)]), ctx)) {
      events.push(...b.events);
      issues.push(...b.issues);
    }
    expect(events).toHaveLength(1);
    expect(issues.map((i) => [i.line, i.code])).toEqual([
      [2, 'SL_DECODE_MALFORMED'],
      [3, 'SL_DECODE_MALFORMED'],
      [4, 'SL_DECODE_MALFORMED'],
      [5, 'SL_DECODE_MALFORMED'],
      [6, 'SL_DECODE_TRUNCATED'],
    ]);
    expect(issues[1]!.message).toContain('src_port must be >= 0');
    expect(issues[0]!.raw).toBe('{not json');
  });

  it('quarantines over-long lines without holding them', async () => {
    const d = await instantiate(odmNdjsonDecoderManifest, { max_line_bytes: 100 });
    const ctx = { ...createTestContext(), batchSize: 100, keepRaw: false };
    const issues = [];
    for await (const b of d.decode(memorySource('t', [Buffer.from(`${'x'.repeat(10_000)}\n`)]), ctx)) issues.push(...b.issues);
    expect(issues).toMatchObject([{ code: 'SL_DECODE_LINE_TOO_LONG', line: 1 }]);
    expect((issues[0]!.raw as string).length).toBe(100);
  });
});

describe('map enricher', () => {
  it('refuses to set fields outside the context block', async () => {
    await expect(instantiate(mapEnricherManifest, { lookups: [{ field: 'src_ip', table: { '10.0.0.1': { dst_port: 1 } } }] })).rejects.toMatchObject({
      message: expect.stringContaining('dst_port is not a context-block field'),
    });
  });
});

describe('rarity model', () => {
  it('ranks the one rare port of a host below its usual traffic, and learns from a low-risk rating', async () => {
    const events = [
      ...Array.from({ length: 50 }, (_, i) => EventFixtures.flow({ dst_port: 443 }, i)),
      EventFixtures.flow({ dst_port: 4444 }, 99),
    ];
    const model = await instantiate(rarityModelManifest);
    const ctx = createTestContext();
    const state = await model.fit(memoryWindow(events), { ...ctx, feedback: [], seed: 1 });
    const scores = (await model.score(events, state, ctx)).map((s) => s!.value);
    expect(Math.min(...scores)).toBe(scores[50]);
    expect(scores[50]).toBeLessThan(scores[0]! / 10);
    const rated = await model.fit(memoryWindow(events), { ...ctx, feedback: [{ id: 'r', at: 0, rating: 3, event_kind: 'flow', match: { src_ip: '10.1.2.3' }, word: '4444_6' }], seed: 1 });
    const after = (await model.score(events, rated, ctx)).map((s) => s!.value);
    expect(after[50]).toBeGreaterThan(after[0]!);
  });
});
