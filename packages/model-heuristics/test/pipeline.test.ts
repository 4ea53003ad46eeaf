import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type OdmEvent, PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import type { MemorySink } from '@sightline/core';
import { LocalRunner, RatingsStore, StreamLogger } from '@sightline/runtime';
import { manifest } from '../src/index.js';
import { HOUR, Rand, T0, background, exchange } from './craft.js';

async function runOnce(dir: string): Promise<OdmEvent[]> {
  const registry = new PluginRegistry();
  for (const m of [...referenceManifests, manifest]) registry.register(m);
  const spec = parsePipelineConfig(
    { name: 'heur', output: 'out', inputs: [{ type: 'file', path: 'in.ndjson' }], models: [{ use: 'heuristics', top_n: 10 }], sinks: [{ use: 'memory', deliver: 'alerts' }] },
    { baseDir: dir },
  );
  const runner = new LocalRunner({ spec, registry, logger: new StreamLogger({ level: 'error', write: () => undefined }) });
  const summary = await runner.run();
  expect(summary.violations).toEqual([]);
  const sink = runner.pipeline!.sinks[0]!.instance as MemorySink;
  return [...sink.alerts.values()];
}

describe('in a pipeline, with the runtime\'s durable ratings', () => {
  it('alerts with score block and reasons; a low-risk rating in the ratings store silences the pattern on the next run; removing it brings the alert back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-heur-run-'));
    const r = new Rand(61);
    const events: OdmEvent[] = [...background(r)];
    for (let k = 0; k < 200; k++) events.push(...exchange({ client: '10.10.0.5', server: '203.0.113.66', cport: 30000 + k, sport: 443, t: T0 + HOUR + k * 60_000 + r.int(-3000, 3000), up: 400, down: 300 }));
    writeFileSync(join(dir, 'in.ndjson'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

    const first = await runOnce(dir);
    expect(first).toHaveLength(1);
    const alert = first[0]!;
    expect(alert).toMatchObject({ score_model: 'heuristics', score_order: 'desc', score_rank: 1, score_severity: expect.any(String), score_word: 'beacon 10.10.0.5>203.0.113.66:443/tcp' });
    expect(alert.score_reasons![0]).toContain('every 60 s');
    expect(alert.score_evidence).toMatchObject({ detector: 'beaconing', period_ms: expect.any(Number) });

    const store = new RatingsStore(join(dir, 'out', 'state', 'feedback', 'ratings.ndjson'));
    const rating = await store.add({ rating: 3, event_kind: 'flow', word: alert.score_word!, match: { src_ip: alert.src_ip!, dst_ip: alert.dst_ip! }, event_id: alert.event_id, note: 'known monitoring' });
    expect(await runOnce(dir)).toEqual([]);

    await store.remove(rating.id);
    const back = await runOnce(dir);
    expect(back.map((a) => a.score_word)).toEqual(['beacon 10.10.0.5>203.0.113.66:443/tcp']);
  });
});
