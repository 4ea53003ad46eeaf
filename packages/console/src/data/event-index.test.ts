import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EventFixtures } from '@sightline/core/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertIndex } from './alert-index.js';
import { readRefs, relatedEvents } from './details.js';
import { EventIndex } from './event-index.js';

const dir = mkdtempSync(join(tmpdir(), 'sl-console-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;

/** Flows between a few pairs, one a minute each over a day (written by this test). */
function flows(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const pairs: [string, string][] = [
    ['10.0.0.1', '198.51.100.1'],
    ['10.0.0.2', '198.51.100.2'],
    ['10.0.0.3', '198.51.100.3'],
  ];
  for (let m = 0; m < 24 * 60; m++) {
    pairs.forEach(([a, b], p) => {
      const reverse = m % 2 === 1;
      out.push(EventFixtures.flow({ event_time: T0 + m * MIN + p, src_ip: reverse ? b : a, dst_ip: reverse ? a : b, dst_port: 443 }, m * 3 + p) as unknown as Record<string, unknown>);
    });
  }
  return out;
}

function alert(e: Record<string, unknown>, rank: number, risk: number): Record<string, unknown> {
  return { ...e, score_model: 'm', score_value: rank, score_order: 'asc', score_rank: rank, score_risk: risk, score_window_start: T0, score_window_end: T0 + 86_400_000, score_word: 'w' };
}

const ndjson = (rows: readonly Record<string, unknown>[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('EventIndex', () => {
  const events = flows();
  // Alerts at noon on the first two pairs, and one on the third (least suspicious).
  const noon = (p: number) => events.find((e) => e['event_time'] === T0 + 720 * MIN + p)!;
  const alerts = [alert(noon(0), 1, 100), alert(noon(1), 2, 99), alert(noon(2), 3, 98)];

  it('keeps the events near each alert of its endpoints (either direction) up to its limit, counts the rest, and indexes the most suspicious endpoints first', async () => {
    writeFileSync(join(dir, 'alerts.ndjson'), ndjson(alerts));
    writeFileSync(join(dir, 'events.ndjson'), ndjson(events));
    const a = await AlertIndex.load([join(dir, 'alerts.ndjson')]);
    const index = new EventIndex([join(dir, 'events.ndjson')], 1, { spanMs: 30 * MIN, maxRefsPerKey: 40, maxKeys: 2, timelineBuckets: 288 });
    await index.build(a, [0]);
    expect(index.state).toBe('ready');
    expect(index.events).toBe(events.length);
    // 61 events of a pair fall within 30 minutes of noon; 40 are kept.
    const k = index.keys.get('flow 10.0.0.1 198.51.100.1')!;
    expect(k.refs.length).toBe(40);
    expect(k.overflow).toBe(21);
    expect(index.keys.has('flow 10.0.0.3 198.51.100.3')).toBe(false);
    expect(index.unindexedKeys).toBe(1);
    expect(k.timeline.reduce((x, y) => x + y, 0)).toBe(24 * 60);
    const texts = await readRefs(index.files, k.refs);
    for (const t of texts) {
      const e = JSON.parse(t) as Record<string, unknown>;
      expect([e['src_ip'], e['dst_ip']].sort()).toEqual(['10.0.0.1', '198.51.100.1']);
      expect(Math.abs((e['event_time'] as number) - (T0 + 720 * MIN))).toBeLessThanOrEqual(30 * MIN);
    }
    let perMinute = 0;
    for (const c of index.perMinute.values()) perMinute += c[0]!;
    expect(perMinute).toBe(events.length);
    const third = a.byEventModel.get(`${String(alerts[2]!['event_id'])} m`)!;
    const related = await relatedEvents(a, index, third);
    expect(related.related.note).toContain('not indexed');
  });

  it('reads gzip event files, keeping the texts of the lines it cannot seek back to', async () => {
    writeFileSync(join(dir, 'alerts2.ndjson'), ndjson(alerts));
    writeFileSync(join(dir, 'events.ndjson.gz'), gzipSync(ndjson(events)));
    const a = await AlertIndex.load([join(dir, 'alerts2.ndjson')]);
    const index = new EventIndex([join(dir, 'events.ndjson.gz')], 1);
    await index.build(a, [0]);
    const first = a.byEventModel.get(`${String(alerts[0]!['event_id'])} m`)!;
    const { related } = await relatedEvents(a, index, first);
    expect(related.total).toBe(61);
    expect(related.events.some((e) => e['event_id'] === alerts[0]!['event_id'])).toBe(true);
  });

  it('counts a kind once when two sinks wrote the same events', async () => {
    writeFileSync(join(dir, 'alerts3.ndjson'), ndjson(alerts));
    writeFileSync(join(dir, 'copy-a.ndjson'), ndjson(events));
    writeFileSync(join(dir, 'copy-b.ndjson'), ndjson(events));
    const a = await AlertIndex.load([join(dir, 'alerts3.ndjson')]);
    const index = new EventIndex([join(dir, 'copy-a.ndjson'), join(dir, 'copy-b.ndjson')], 1);
    await index.build(a, [0, 1]);
    expect(index.events).toBe(events.length);
    expect(index.duplicateKinds).toEqual(['flow']);
  });
});
