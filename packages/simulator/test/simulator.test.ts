import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLayerError, readCapture, udpOf } from '@sightline/capture';
import { memorySource } from '@sightline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/corpus.js';
import { ATTACK_TYPES, SITES, type SimulationResult, Zipf, simulate } from '../src/index.js';

const tshark = await hasTool('tshark');
const dirs: string[] = [];
function out(): string {
  const d = mkdtempSync(join(tmpdir(), 'sl-sim-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function packets(path: string) {
  const all = [];
  const issues = [];
  for await (const b of readCapture(memorySource(path, [readFileSync(path)]))) {
    all.push(...b.packets);
    issues.push(...b.issues);
  }
  return { packets: all, issues };
}

// A working day (06:00-18:00) of 40 workstations, every attack planted at times inside the window.
const DAY_OPTS = { seed: 42, days: 0.5, start: Date.UTC(2026, 0, 5, 6), workstations: 40, proxy: ['proxysg', 'squid'] as const, attacks: ATTACK_TYPES.map((type, i) => ({ type, intensity: 0.2, atHour: 1 + i })) };

describe('simulator', () => {
  let day: SimulationResult;
  beforeAll(async () => {
    day = await simulate({ ...DAY_OPTS, outDir: out() });
  });

  it('is deterministic: the same seed and options give byte-identical files', async () => {
    const again = await simulate({ ...DAY_OPTS, outDir: out() });
    for (const key of ['flows', 'dns', 'proxysg', 'squid', 'labels', 'network', 'topDomains']) expect(sha(again.files[key]!), key).toBe(sha(day.files[key]!));
    const other = await simulate({ ...DAY_OPTS, seed: 43, outDir: out() });
    expect(sha(other.files['flows']!)).not.toBe(sha(day.files['flows']!));
  });

  it('writes captures every packet of which is well-formed Ethernet/IPv4/UDP, in time order', async () => {
    for (const key of ['flows', 'dns']) {
      const { packets: ps, issues } = await packets(day.files[key]!);
      expect(issues, key).toEqual([]);
      expect(ps.length, key).toBeGreaterThan(100);
      let last = 0;
      for (const p of ps) {
        const u = udpOf(p);
        expect(u !== undefined && !isLayerError(u), `${key} packet ${p.index}`).toBe(true);
        const t = p.seconds * 1e3 + p.nanos / 1e6;
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
    expect(day.counts.exportPackets).toBe((await packets(day.files['flows']!)).packets.length);
    expect(day.counts.dnsMessages).toBe((await packets(day.files['dns']!)).packets.length);
  });

  it('cuts its outputs into one file per period with --rotate, holding exactly what the single files hold', async () => {
    const rotated = await simulate({ ...DAY_OPTS, rotateMs: 3 * 3_600_000, outDir: out() });
    const { readdirSync } = await import('node:fs');
    const list = (key: string): string[] => {
      const pattern = rotated.files[key]!;
      const [prefix, suffix] = pattern.slice(rotated.outDir.length + 1).split('*') as [string, string];
      return readdirSync(rotated.outDir).filter((f) => f.startsWith(prefix) && f.endsWith(suffix)).sort().map((f) => join(rotated.outDir, f));
    };
    // 06:00-18:00 in 3-hour files (flows exported after a connection ends may spill into the next period).
    expect(list('flows').map((f) => f.slice(-20))).toEqual(expect.arrayContaining(['-20260105T0600Z.pcap', '-20260105T0900Z.pcap', '-20260105T1200Z.pcap', '-20260105T1500Z.pcap']));
    for (const key of ['flows', 'dns']) {
      const whole = (await packets(day.files[key]!)).packets;
      const parts = [];
      for (const f of list(key)) {
        const { packets: ps, issues } = await packets(f);
        expect(issues, f).toEqual([]);
        parts.push(...ps);
      }
      expect(parts.length, key).toBe(whole.length);
      expect(parts.map((p) => Buffer.from(p.data).toString('hex')), key).toEqual(whole.map((p) => Buffer.from(p.data).toString('hex')));
    }
    const lines = (files: string[]) => files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')));
    expect(lines(list('proxysg'))).toEqual(lines([day.files['proxysg']!]));
    expect(lines(list('squid'))).toEqual(lines([day.files['squid']!]));
    for (const f of list('proxysg')) expect(readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('#Fields: '))).toHaveLength(1);
  });

  it('writes ProxySG logs under a #Fields header and Squid lines, one per request', () => {
    const sg = readFileSync(day.files['proxysg']!, 'utf8').trimEnd().split('\n');
    const fields = sg.find((l) => l.startsWith('#Fields: '))!.split(' ').slice(1);
    expect(fields).toHaveLength(27);
    const records = sg.filter((l) => !l.startsWith('#'));
    expect(records).toHaveLength(day.counts.proxyLines);
    // Quoted fields count as one: every line has the 27 fields of the header.
    for (const l of records.slice(0, 500)) expect(l.match(/"[^"]*"|\S+/g)!.length).toBe(27);
    const squid = readFileSync(day.files['squid']!, 'utf8').trimEnd().split('\n');
    expect(squid).toHaveLength(day.counts.proxyLines);
    for (const l of squid.slice(0, 500)) expect(l).toMatch(/^\d+\.\d{3} +\d+ 10\.\d+\.\d+\.\d+ TCP_\w+\/\d{3} \d+ (GET|POST) https?:\/\/\S+ user\d+ HIER_DIRECT\/[\d.]+ \S+$/);
  });

  it('labels every planted attack and each activity it caused', () => {
    const lines = readFileSync(day.files['labels']!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; id: string; attack: string; kind?: string; dst_port?: number });
    const attacks = lines.filter((l) => l.type === 'attack');
    expect(attacks.map((a) => a.attack).sort()).toEqual([...ATTACK_TYPES].sort());
    const events = lines.filter((l) => l.type === 'event');
    expect(events).toHaveLength(day.counts.labels);
    for (const a of attacks) expect(events.filter((e) => e.id === a.id).length, a.id).toBeGreaterThan(0);
    // Port scan at intensity 0.2: 200 probes, each a SYN and an answer.
    expect(events.filter((e) => e.attack === 'port-scan' && e.kind === 'flow')).toHaveLength(400);
    expect(new Set(events.filter((e) => e.attack === 'port-scan').map((e) => e.dst_port)).size).toBeGreaterThan(200);
    expect(events.filter((e) => e.attack === 'dga' && e.kind === 'dns')).toHaveLength(80);
  });

  it.skipIf(!tshark)('produces NetFlow v9 and DNS that tshark decodes without a single malformed packet', () => {
    const check = (file: string, decodeAs: string[]) => {
      const r = spawnSync('tshark', ['-r', file, ...decodeAs, '-Y', '_ws.malformed || _ws.expert.severity >= warning', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      return r.stdout.trim();
    };
    expect(check(day.files['flows']!, ['-d', 'udp.port==2055,cflow'])).toBe('');
    expect(check(day.files['dns']!, [])).toBe('');
  });
});

describe('simulated distributions follow their shapes', () => {
  it('users browse in working hours, sites follow a Zipf popularity, and flow sizes are heavy-tailed', async () => {
    const r = await simulate({ seed: 7, days: 1, workstations: 60, attacks: [], outDir: out(), flows: 'none', dns: 'none', proxy: ['squid'] });
    const lines = readFileSync(r.files['squid']!, 'utf8').trimEnd().split('\n');
    const byHour = new Array<number>(24).fill(0);
    const bySite = new Map<string, number>();
    const bytes: number[] = [];
    for (const l of lines) {
      const [ts, , , , size, , url] = l.split(/ +/);
      byHour[new Date(Number(ts) * 1000).getUTCHours()]!++;
      const host = new URL(url!).hostname;
      const site = SITES.find((s) => host === s.domain || host.endsWith(`.${s.domain}`))?.domain ?? host;
      bySite.set(site, (bySite.get(site) ?? 0) + 1);
      bytes.push(Number(size));
    }
    const work = byHour.slice(9, 17).reduce((a, b) => a + b, 0) / 8;
    const night = byHour.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
    expect(work).toBeGreaterThan(10 * Math.max(1, night));
    // Sessions pick sites by Zipf (s = 1.05): the top site's share of sessions is close to its Zipf probability.
    const sessions = [...bySite.values()].reduce((a, b) => a + b, 0);
    const topShare = (bySite.get(SITES[0]!.domain) ?? 0) / sessions;
    expect(topShare).toBeGreaterThan(Zipf.probability(0, SITES.length, 1.05) * 0.6);
    expect(topShare).toBeLessThan(Zipf.probability(0, SITES.length, 1.05) * 1.6);
    expect(bySite.get(SITES[0]!.domain)!).toBeGreaterThan(bySite.get(SITES[50]!.domain) ?? 0);
    bytes.sort((a, b) => a - b);
    const median = bytes[Math.floor(bytes.length / 2)]!;
    const p99 = bytes[Math.floor(bytes.length * 0.99)]!;
    expect(median).toBeGreaterThan(2000);
    expect(median).toBeLessThan(30000);
    expect(p99 / median).toBeGreaterThan(10);
  });
});

describe('ground truth', () => {
  it('matches decoded events back to the planted attack that caused them', async () => {
    const { loadGroundTruth, attackOf, evaluateAlerts } = await import('../src/index.js');
    const r = await simulate({ seed: 5, days: 0.1, start: Date.UTC(2026, 0, 5, 2), workstations: 10, attacks: [{ type: 'port-scan', intensity: 0.05, atHour: 0.1 }], outDir: out(), dns: 'none', proxy: [] });
    const truth = loadGroundTruth(r.files['labels']!);
    const probe = readFileSync(r.files['labels']!, 'utf8').split('\n').map((l) => (l === '' ? undefined : (JSON.parse(l) as Record<string, unknown>))).find((l) => l?.['kind'] === 'flow')!;
    const event = { event_id: '0'.repeat(32), event_kind: 'flow' as const, event_time: probe['time'] as number, src_ip: probe['src_ip'] as string, dst_ip: probe['dst_ip'] as string, src_port: probe['src_port'] as number, dst_port: probe['dst_port'] as number, n_proto: 6 };
    expect(attackOf(truth, event)).toBe('port-scan-1');
    expect(attackOf(truth, { ...event, dst_port: 65000 })).toBeUndefined();
    const ev = evaluateAlerts(truth, [{ ...event, score_rank: 3, score_model: 'm' }, { ...event, dst_port: 65000, score_rank: 1 }]);
    expect(ev.findings).toEqual([{ id: 'port-scan-1', type: 'port-scan', victim: r.attacks[0]!.victim, alerts: 1, bestRank: 3, bestKind: 'flow', bestModel: 'm', found: true }]);
    expect(ev.precision).toBe(0.5);
    expect(ev.recall).toBe(1);
  });
});

describe('the ODM output', () => {
  it('holds every flow record, DNS response and proxy request as valid events, with planted ones matching their labels', async () => {
    const { validateEvent } = await import('@sightline/core');
    const { loadGroundTruth, evaluateAlerts } = await import('../src/index.js');
    const r = await simulate({ seed: 9, days: 0.25, start: Date.UTC(2026, 0, 5, 9), workstations: 15, attacks: [{ type: 'dga', intensity: 0.1, atHour: 0.5 }, { type: 'bad-user-agent', intensity: 0.2, atHour: 1 }], outDir: out(), odm: true });
    const events = readFileSync(r.files['odm']!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as import('@sightline/core').OdmEvent);
    for (const e of events) expect(validateEvent(e), JSON.stringify(e)).toEqual({ ok: true });
    expect(events.filter((e) => e.event_kind === 'flow')).toHaveLength(r.counts.flowRecords);
    expect(events.filter((e) => e.event_kind === 'dns')).toHaveLength(r.counts.dnsLookups);
    expect(events.filter((e) => e.event_kind === 'proxy')).toHaveLength(r.counts.proxyLines);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    const ev = evaluateAlerts(loadGroundTruth(r.files['labels']!), events);
    expect(ev.findings.map((f) => [f.id, f.found])).toEqual([['dga-1', true], ['bad-user-agent-2', true]]);
  });
});
