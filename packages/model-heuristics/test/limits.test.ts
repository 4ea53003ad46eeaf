import { describe, expect, it } from 'vitest';
import type { OdmEvent } from '@sightline/core';
import { HOUR, Rand, T0, exchange, fitScore } from './craft.js';

describe('memory limits', () => {
  it('keeps a host\'s destinations under the cap by evicting the least active, keeps the beacon among them, and says so in the evidence', async () => {
    const r = new Rand(71);
    const events: OdmEvent[] = [];
    for (let k = 0; k < 300; k++) events.push(...exchange({ client: '10.10.0.5', server: '203.0.113.66', cport: 30000 + k, sport: 443, t: T0 + HOUR + k * 60_000 + r.int(-2000, 2000), up: 400, down: 300 }));
    for (let i = 0; i < 3000; i++) events.push(...exchange({ client: '10.10.0.5', server: `198.18.${i >> 8}.${i & 255}`, cport: 40000 + (i % 20000), sport: 443, t: T0 + i * 1000, up: 500, down: 5000 }));
    const f = await fitScore(events, { limits: { max_peers_per_host: 64 } });
    expect(f.data.stats.peersEvicted).toBeGreaterThan(2900);
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['beacon 10.10.0.5>203.0.113.66:443/tcp']);
    expect(f.data.findings[0]!.evidence['limits_host']).toMatchObject({ peers_evicted: f.data.stats.peersEvicted });
  });

  it('counts but does not analyse hosts beyond max_hosts', async () => {
    const events: OdmEvent[] = [];
    for (let h = 0; h < 50; h++) events.push(...exchange({ client: `10.10.1.${h}`, server: '198.18.0.1', cport: 40000 + h, sport: 443, t: T0 + h, up: 100, down: 100 }));
    const f = await fitScore(events, { limits: { max_hosts: 10 } });
    expect(f.data.stats.hostsTracked).toBe(10);
    expect(f.data.stats.untrackedEvents).toBe(80);
    expect(f.model.describe!(f.state).sections!.find((s) => s.title === 'limits and memory')!.lines[1]).toContain('80 events of hosts beyond max_hosts');
  });
});
