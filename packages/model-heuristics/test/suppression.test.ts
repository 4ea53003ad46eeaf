import { describe, expect, it } from 'vitest';
import type { OdmEvent, Rating } from '@sightline/core';
import { createTestContext } from '@sightline/core/testkit';
import { HOUR, Rand, T0, answer, background, exchange, fitScore, flow, request } from './craft.js';

/** A scan and a beacon from one host, and an exfiltration from another. */
function traffic(): OdmEvent[] {
  const r = new Rand(51);
  const events: OdmEvent[] = background(r);
  for (let p = 1; p <= 100; p++) events.push(flow({ src: '10.10.0.5', dst: '10.20.0.30', sport: 40000 + p, dport: p, t: T0 + p * 300, packets: 1, bytes: 44, flags: 0x02 }));
  for (let k = 0; k < 200; k++) events.push(...exchange({ client: '10.10.0.5', server: '203.0.113.66', cport: 30000 + k, sport: 443, t: T0 + HOUR + k * 60_000 + r.int(-3000, 3000), up: 400, down: 300 }));
  events.push(...exchange({ client: '10.10.0.13', server: '203.0.113.99', cport: 51515, sport: 443, t: T0 + 2 * HOUR, up: 300_000_000, down: 100_000 }));
  return events;
}

const rating = (r: Partial<Rating> & Pick<Rating, 'rating'>): Rating => ({ id: 'r1', at: T0, event_kind: 'flow', match: {}, ...r });

describe('suppression (the noise filter)', () => {
  it('an analyst\'s low-risk rating of a pattern stops it alerting, is recorded in the state, describe() and the host\'s other alerts, and is reversible', async () => {
    const events = traffic();
    const before = await fitScore(events);
    expect(before.data.findings.map((f) => f.pattern).sort()).toEqual(['beacon 10.10.0.5>203.0.113.66:443/tcp', 'exfil 10.10.0.13>203.0.113.99', 'scan vertical 10.10.0.5>10.20.0.30']);
    const beacon = before.alerts.find((a) => a.outcome.word?.startsWith('beacon'))!;
    // The analyst rates the beacon alert benign, on the pattern the alert names (its score_word).
    const r = rating({ rating: 3, word: beacon.outcome.word!, match: { src_ip: '10.10.0.5', dst_ip: '203.0.113.66' }, by: 'ana', note: 'health check of our SaaS' });
    const after = await fitScore(events, {}, { feedback: [r] });
    expect(after.data.findings.map((f) => f.pattern).sort()).toEqual(['exfil 10.10.0.13>203.0.113.99', 'scan vertical 10.10.0.5>10.20.0.30']);
    expect(after.data.suppressed).toEqual([expect.objectContaining({ pattern: 'beacon 10.10.0.5>203.0.113.66:443/tcp', detector: 'beaconing', suppression: { by: 'rating', rating_id: 'r1', rating_at: T0, analyst: 'ana', note: 'health check of our SaaS' } })]);
    expect(after.alerts.some((a) => a.outcome.word?.startsWith('beacon'))).toBe(false);
    const scanAlert = after.alerts.find((a) => a.outcome.word?.startsWith('scan'))!;
    expect(scanAlert.outcome.evidence!['suppressed_on_same_host']).toEqual([{ pattern: 'beacon 10.10.0.5>203.0.113.66:443/tcp', by: 'rating', rating_id: 'r1' }]);
    const report = after.model.describe!(after.state);
    expect(report.sections!.find((s) => s.title.startsWith('suppressed'))!.lines[0]).toContain('beacon 10.10.0.5>203.0.113.66:443/tcp [would be');
    // Removing the rating (the next fit gets the live ratings without it) brings the alert back.
    const again = await fitScore(events, {}, { feedback: [] });
    expect(again.alerts.some((a) => a.outcome.word === beacon.outcome.word)).toBe(true);
  });

  it('a rating without a word covers the findings whose fields it matches; ratings of other models\' words and high-risk ratings do not suppress', async () => {
    const events = traffic();
    const host = await fitScore(events, {}, { feedback: [rating({ rating: 3, match: { src_ip: '10.10.0.5' } })] });
    expect(host.data.findings.map((f) => f.pattern)).toEqual(['exfil 10.10.0.13>203.0.113.99']);
    expect(host.data.suppressed).toHaveLength(2);
    const lda = await fitScore(events, {}, { feedback: [rating({ rating: 3, word: '-1_443_6_9_9_2', match: { src_ip: '10.10.0.5' } })] });
    expect(lda.data.suppressed).toEqual([]);
    const high = await fitScore(events, {}, { feedback: [rating({ rating: 1, match: { src_ip: '10.10.0.13', dst_ip: '203.0.113.99' } })] });
    expect(high.data.suppressed).toEqual([]);
    expect(high.data.findings.find((f) => f.detector === 'exfiltration')!.evidence['analyst_rating']).toEqual({ id: 'r1', rating: 1 });
  });

  it('allow rules in the config suppress by detector, source, destination or domain, and say which rule', async () => {
    const f = await fitScore(traffic(), { allow: [{ detectors: ['scanning'], sources: ['10.10.0.0/24'], note: 'vulnerability scanner' }, { destinations: ['203.0.113.96/29'] }] });
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['beacon 10.10.0.5>203.0.113.66:443/tcp']);
    expect(f.data.suppressed.map((x) => [x.pattern, x.suppression])).toEqual([
      ['exfil 10.10.0.13>203.0.113.99', { by: 'allow', rule: 1 }],
      ['scan vertical 10.10.0.5>10.20.0.30', { by: 'allow', rule: 0, note: 'vulnerability scanner' }],
    ]);
  });

  it('feedback() suppresses at once, before the next fit', async () => {
    const events = traffic();
    const f = await fitScore(events);
    const ctx = createTestContext();
    await f.model.feedback!([rating({ rating: 3, word: 'exfil 10.10.0.13>203.0.113.99' })], ctx);
    const scores = await f.model.score(events.sort((a, b) => a.event_time - b.event_time), f.state, ctx);
    expect(scores.filter((s) => s?.word?.startsWith('exfil'))).toEqual([]);
    expect(scores.filter((s) => s?.word?.startsWith('beacon'))).toHaveLength(1);
  });

  it('in members mode every event of a finding is scored, far below the findings\' own events', async () => {
    const f = await fitScore(traffic(), { alerts: { members: true } });
    const beaconEvents = f.alerts.filter((a) => a.outcome.word?.startsWith('beacon'));
    expect(beaconEvents.length).toBeGreaterThan(150);
    const top = f.alerts.slice(0, 3).map((a) => a.outcome.value);
    expect(Math.min(...top)).toBeGreaterThan(Math.max(...f.alerts.slice(3).map((a) => a.outcome.value)));
    expect(beaconEvents[1]!.outcome.reasons![0]).toMatch(/^part of: /);
  });

  it('an allow rule on a domain covers the DNS findings under it and the proxy hosts under it', async () => {
    const r = new Rand(52);
    const events: OdmEvent[] = [];
    for (let i = 0; i < 100; i++) events.push(answer({ client: '10.10.0.60', name: `${r.token(40, 'abcdefghijklmnopqrstuvwxyz234567')}.sync-cloud.xyz`, type: 16, t: T0 + i * 1000, answer: 'x' }));
    for (let k = 0; k < 60; k++) events.push(request({ client: '10.10.0.61', host: 'api.sync-cloud.xyz', t: T0 + k * 120_000 + r.int(-5000, 5000), up: 500, down: 200 }));
    const open = await fitScore(events);
    expect(open.data.findings.map((x) => x.pattern).sort()).toEqual(['beacon 10.10.0.61>api.sync-cloud.xyz', 'dns-tunnel 10.10.0.60>sync-cloud.xyz']);
    const allowed = await fitScore(events, { allow: [{ domains: ['sync-cloud.xyz'], note: 'our backup vendor' }] });
    expect(allowed.data.findings).toEqual([]);
    expect(allowed.data.suppressed.map((x) => x.suppression.note)).toEqual(['our backup vendor', 'our backup vendor']);
  });
});
