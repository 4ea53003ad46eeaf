import { describe, expect, it } from 'vitest';
import { HOUR, MIN, Rand, T0, answer, background, exchange, fitScore, request } from './craft.js';
import type { FlowEvent, OdmEvent } from '@sightline/core';

/** A client checking in every `period` ms with ±`jitter` (share) and `miss` (share) of beats missed. */
function beacon(r: Rand, o: { client: string; server: string; port?: number; period: number; jitter: number; miss: number; hours: number; up?: number }): FlowEvent[] {
  const out: FlowEvent[] = [];
  let port = 50000;
  for (let t = T0 + HOUR; t < T0 + HOUR + o.hours * HOUR; t += o.period * (1 + o.jitter * 2 * (r.next() - 0.5))) {
    if (r.next() < o.miss) continue;
    out.push(...exchange({ client: o.client, server: o.server, cport: port++, sport: o.port ?? 443, t: Math.floor(t), up: o.up ?? 420, down: 280 }));
  }
  return out;
}

describe('beaconing', () => {
  it('finds a C2 check-in every 60 s with jitter and missed beats, with its period and evidence', async () => {
    const r = new Rand(11);
    const events: OdmEvent[] = [...background(r, 20, 10), ...beacon(r, { client: '10.10.0.7', server: '203.0.113.66', period: 60_000, jitter: 0.1, miss: 0.03, hours: 8 })];
    events.push(answer({ client: '10.10.0.7', name: 'sync-telemetry-update.xyz', t: T0 + HOUR - 100, answer: '203.0.113.66' }));
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['beacon 10.10.0.7>203.0.113.66:443/tcp']);
    const e = f.data.findings[0]!.evidence;
    expect(Math.abs((e['period_ms'] as number) - 60_000)).toBeLessThan(2000);
    expect(e['beats']).toBeGreaterThan(440);
    expect(e['missed_beats']).toBeGreaterThan(0);
    expect(e['resolved_from']).toBe('sync-telemetry-update.xyz');
    expect(f.data.findings[0]!.reasons[0]).toMatch(/every 60 s \(±\d+ % jitter\)/);
    expect(f.alerts[0]!.event.dst_ip).toBe('203.0.113.66');
  });

  it('still finds a five-minute beacon with 20 % of its beats missed and 15 % jitter', async () => {
    const r = new Rand(12);
    const f = await fitScore([...background(r), ...beacon(r, { client: '10.10.0.8', server: '203.0.113.70', period: 300_000, jitter: 0.15, miss: 0.2, hours: 10 })]);
    expect(f.data.findings.map((x) => x.detector)).toEqual(['beaconing']);
    expect(Math.abs((f.data.findings[0]!.evidence['period_ms'] as number) - 300_000)).toBeLessThan(20_000);
  });

  it('finds a beacon through the web proxy, per proxy host', async () => {
    const r = new Rand(13);
    const events: OdmEvent[] = [];
    for (let t = T0; t < T0 + 6 * HOUR; t += 120_000 * (1 + 0.1 * (r.next() - 0.5))) events.push(request({ client: '10.10.0.12', host: 'api.update-check.top', t: Math.floor(t), up: 600, down: 300 }));
    for (let k = 0; k < 300; k++) events.push(request({ client: `10.10.0.${20 + (k % 10)}`, host: 'www.wikipedia.org', t: T0 + Math.floor(r.next() * 6 * HOUR), up: 500, down: 40000 }));
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => [x.pattern, x.kind])).toEqual([['beacon 10.10.0.12>api.update-check.top', 'proxy']]);
  });

  it('does not fire on NTP polls, update agents many hosts share, periodic backups, or busy random browsing', async () => {
    const r = new Rand(14);
    const events: OdmEvent[] = [...background(r)];
    // One server polls an external NTP server every 64 s all day.
    events.push(...beacon(r, { client: '10.20.0.40', server: '198.51.100.1', port: 123, period: 64_000, jitter: 0.01, miss: 0, hours: 10 }).map((e) => ({ ...e, n_proto: 17 })));
    // Thirty workstations ask the same update server every hour.
    for (let h = 0; h < 30; h++) events.push(...beacon(r, { client: `10.10.1.${h + 1}`, server: '198.18.9.9', period: HOUR, jitter: 0.02, miss: 0.1, hours: 20 }));
    // A server backs up to cloud storage every 30 minutes, 200 MB each.
    events.push(...beacon(r, { client: '10.20.0.41', server: '198.18.50.50', period: 30 * MIN, jitter: 0.01, miss: 0, hours: 12, up: 200_000_000 }));
    // A user hits one site 250 times at random (Poisson arrivals).
    let t = T0;
    for (let k = 0; k < 250; k++) {
      t += Math.floor(-Math.log(1 - r.next()) * 90_000);
      events.push(...exchange({ client: '10.10.0.15', server: '198.18.1.99', cport: 40000 + k, sport: 443, t, up: 800, down: 9000 }));
    }
    const f = await fitScore(events, { detectors: { exfiltration: { enabled: false } } });
    expect(f.data.findings).toEqual([]);
    expect(f.data.stats.skipped.beaconSharedDestination).toBeGreaterThanOrEqual(30);
    expect(f.data.stats.skipped.beaconLargeTransfers).toBe(1);
  });
});
