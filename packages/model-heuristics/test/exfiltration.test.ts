import { describe, expect, it } from 'vitest';
import type { OdmEvent } from '@sightline/core';
import { HOUR, MIN, Rand, T0, background, exchange, fitScore, request } from './craft.js';

describe('exfiltration', () => {
  it('finds an upload far above the host\'s own baseline to a rare external host', async () => {
    const r = new Rand(41);
    const events: OdmEvent[] = background(r);
    // 300 MB out over 20 one-minute records of one connection (the exporter's active timeout).
    for (let k = 0; k < 20; k++) events.push(...exchange({ client: '10.10.0.13', server: '203.0.113.99', cport: 51515, sport: 443, t: T0 + 2 * HOUR + k * MIN, up: 15_000_000, down: 200_000, durationMs: MIN - 10 }));
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['exfil 10.10.0.13>203.0.113.99']);
    const e = f.data.findings[0]!.evidence;
    expect(e).toMatchObject({ bytes_out: 300_000_000, connections: 1, internal_hosts_talking_to_it: 1 });
    expect(e['ratio_to_baseline'] as number).toBeGreaterThan(100);
    expect(f.data.findings[0]!.reasons[0]).toContain('sent 300 MB to 203.0.113.99');
  });

  it('finds uploads through the web proxy to a rare site', async () => {
    const r = new Rand(42);
    const events: OdmEvent[] = [];
    for (let k = 0; k < 200; k++) events.push(request({ client: '10.10.0.14', host: `www.site${k % 20}.com`, t: T0 + k * 30_000, up: r.int(300, 3000), down: r.int(5000, 90000) }));
    for (let k = 0; k < 60; k++) events.push(request({ client: '10.10.0.14', host: 'paste-share-files.xyz', t: T0 + k * 60_000, up: 1_200_000, down: 200, method: 'POST', path: '/api/upload' }));
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => [x.pattern, x.kind])).toEqual([['exfil 10.10.0.14>paste-share-files.xyz', 'proxy']]);
  });

  it('does not fire on big downloads, backups to an internal server, or cloud storage many hosts use', async () => {
    const r = new Rand(43);
    const events: OdmEvent[] = background(r);
    events.push(...exchange({ client: '10.10.0.10', server: '198.18.200.1', cport: 50001, sport: 443, t: T0 + HOUR, up: 50_000, down: 2_000_000_000 }));
    events.push(...exchange({ client: '10.20.0.40', server: '10.20.0.60', cport: 50002, sport: 445, t: T0 + HOUR, up: 5_000_000_000, down: 1_000_000 }));
    for (let h = 0; h < 10; h++) events.push(...exchange({ client: `10.10.0.${10 + h}`, server: '198.18.88.88', cport: 50100 + h, sport: 443, t: T0 + 2 * HOUR + h * MIN, up: 200_000_000, down: 100_000 }));
    const f = await fitScore(events);
    expect(f.data.findings).toEqual([]);
  });

  it('carries the host\'s baseline across windows without learning a flagged upload: a nightly cloud backup alerts until an analyst rates it benign', async () => {
    const r = new Rand(44);
    const night = (day: number): OdmEvent[] => [
      ...background(r).map((e) => ({ ...e, event_time: e.event_time + day * 24 * HOUR })),
      ...exchange({ client: '10.20.0.45', server: '198.18.90.90', cport: 50200 + day, sport: 443, t: T0 + day * 24 * HOUR + 2 * HOUR, up: 400_000_000, down: 300_000 }),
      ...Array.from({ length: 30 }, (_, k) => exchange({ client: '10.20.0.45', server: `198.18.91.${k}`, cport: 51000 + k, sport: 443, t: T0 + day * 24 * HOUR + k * MIN, up: 200_000, down: 400_000 })).flat(),
    ];
    const first = await fitScore(night(0));
    expect(first.data.findings.map((x) => x.pattern)).toEqual(['exfil 10.20.0.45>198.18.90.90']);
    expect(first.data.baselines['10.20.0.45']).toBeLessThan(1_000_000); // the upload itself is not learned as normal
    const second = await fitScore(night(1), {}, { previous: first.state });
    expect(second.data.findings.map((x) => x.pattern)).toEqual(['exfil 10.20.0.45>198.18.90.90']);
    expect(second.data.findings[0]!.evidence['baseline_previous_windows']).toBeDefined();
    const rating = { id: 'backup-ok', at: T0, rating: 3 as const, event_kind: 'flow' as const, match: { src_ip: '10.20.0.45', dst_ip: '198.18.90.90' }, note: 'nightly backup' };
    const third = await fitScore(night(2), {}, { previous: second.state, feedback: [rating] });
    expect(third.data.findings).toEqual([]);
    expect(third.data.suppressed.map((x) => [x.pattern, x.suppression.rating_id, x.suppression.note])).toEqual([['exfil 10.20.0.45>198.18.90.90', 'backup-ok', 'nightly backup']]);
  });
});
