import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OdmEvent } from '@sightline/core';
import { type GroundTruth, attackOf, evaluateAlerts, loadGroundTruth, simulate } from '@sightline/simulator';
import { fitScore } from './craft.js';

// The simulator's enterprise day (30 workstations, every planted attack) as ODM events: what a perfect decoder
// gives. The heuristics must find each planted attack their detectors are for, and alert on little else.
describe('on the simulator\'s ground truth', () => {
  let dir: string;
  let events: OdmEvent[];
  let truth: GroundTruth;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sl-heur-sim-'));
    const sim = await simulate({ seed: 3, days: 1, workstations: 30, outDir: dir, odm: true, flows: 'none', dns: 'none', proxy: [] });
    events = readFileSync(sim.files['odm']!, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as OdmEvent);
    truth = loadGroundTruth(sim.files['labels']!);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the scans, the beacon, the DNS tunnel, the DGA and the exfiltration, each by its own detector, with no false alert', async () => {
    const f = await fitScore(events);
    const ranked = f.alerts.map((a, i) => ({ ...a.event, score_rank: i + 1, score_model: 'heuristics', score_value: a.outcome.value }) as OdmEvent);
    const evaluation = evaluateAlerts(truth, ranked);
    const found = new Set(evaluation.findings.filter((x) => x.found).map((x) => x.type));
    for (const type of ['port-scan', 'host-scan', 'beaconing', 'dns-tunnel', 'dga', 'exfiltration']) expect(found, type).toContain(type);
    expect(evaluation.precision).toBe(1);
    // Which detector found which attack.
    const byDetector = new Map<string, string>();
    for (const a of f.alerts) byDetector.set(truth.attacks.find((x) => x.id === attackOf(truth, a.event))?.type ?? 'none', a.outcome.evidence!['detector'] as string);
    expect(byDetector.get('port-scan')).toBe('scanning');
    expect(byDetector.get('host-scan')).toBe('scanning');
    expect(byDetector.get('beaconing')).toBe('beaconing');
    expect(byDetector.get('dns-tunnel')).toBe('dns_tunnel');
    expect(byDetector.get('dga')).toBe('dga');
    expect(byDetector.get('exfiltration')).toBe('exfiltration');
  });

  it('with the simulator\'s own top-domains list the result is the same (and the list is used)', async () => {
    const f = await fitScore(events, { top_domains: { path: join(dir, 'top-domains.csv') } });
    expect(f.data.knowledge.top_domains?.domains).toBe(100);
    const evaluation = evaluateAlerts(truth, f.alerts.map((a, i) => ({ ...a.event, score_rank: i + 1 }) as OdmEvent));
    expect(evaluation.findings.filter((x) => x.found).length).toBeGreaterThanOrEqual(6);
    expect(evaluation.precision).toBe(1);
  });
});
