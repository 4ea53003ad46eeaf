import { readFileSync } from 'node:fs';
import { type OdmEvent, dnsClient } from '@sightline/core';
import type { AttackInstance } from './attacks.js';

/** The labels file as written by `simulate`: attack instances and the activities each caused. */
export interface GroundTruth {
  readonly attacks: readonly AttackInstance[];
  /** Labelled activities, indexed for matching decoded events. */
  readonly flows: ReadonlyMap<string, string>;
  readonly dns: ReadonlyMap<string, string>;
  readonly proxy: ReadonlyMap<string, string>;
  /** Labelled activities per attack id. */
  readonly counts: ReadonlyMap<string, number>;
}

const flowKey = (src: unknown, dst: unknown, sport: unknown, dport: unknown, proto: unknown): string => `${String(src)}|${String(dst)}|${String(sport)}|${String(dport)}|${String(proto)}`;
const dnsKey = (client: unknown, name: unknown): string => `${String(client)}|${String(name).toLowerCase()}`;
const proxyKey = (client: unknown, host: unknown, path: unknown, t: number): string => `${String(client)}|${String(host).toLowerCase()}|${String(path)}|${Math.floor(t / 1000)}`;

/** Reads a labels.ndjson file. */
export function loadGroundTruth(path: string): GroundTruth {
  const attacks: AttackInstance[] = [];
  const flows = new Map<string, string>();
  const dns = new Map<string, string>();
  const proxy = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as Record<string, unknown> & { type: string; id: string; kind?: string; time?: number };
    if (r.type === 'attack') {
      attacks.push({ ...(r as unknown as AttackInstance), type: r['attack'] as AttackInstance['type'] });
      continue;
    }
    counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    if (r.kind === 'flow') flows.set(flowKey(r['src_ip'], r['dst_ip'], r['src_port'], r['dst_port'], r['n_proto']), r.id);
    else if (r.kind === 'dns') dns.set(dnsKey(r['client'], r['dns_query']), r.id);
    else if (r.kind === 'proxy') proxy.set(proxyKey(r['src_ip'], r['prx_host'], r['prx_path'], r.time ?? 0), r.id);
  }
  return { attacks, flows, dns, proxy, counts };
}

/** The planted attack a decoded event belongs to, if any. */
export function attackOf(truth: GroundTruth, e: OdmEvent): string | undefined {
  switch (e.event_kind) {
    case 'flow':
      return truth.flows.get(flowKey(e.src_ip, e.dst_ip, e.src_port, e.dst_port, e.n_proto));
    case 'dns': {
      const client = dnsClient(e);
      return truth.dns.get(dnsKey(client, e.dns_query));
    }
    case 'proxy':
      for (const dt of [0, -1000, 1000]) {
        const id = truth.proxy.get(proxyKey(e.src_ip, e.prx_host, e.prx_path, e.event_time + dt));
        if (id !== undefined) return id;
      }
      return undefined;
  }
}

export interface AttackFinding {
  readonly id: string;
  readonly type: string;
  readonly victim: string;
  /** Alerts that belong to this attack. */
  readonly alerts: number;
  /** Best (lowest) alert rank among them, per kind and model. */
  readonly bestRank: number | undefined;
  readonly bestKind: string | undefined;
  readonly bestModel: string | undefined;
  readonly found: boolean;
}

export interface Evaluation {
  readonly findings: readonly AttackFinding[];
  /** Share of alerts that belong to a planted attack (precision of the alert list). */
  readonly precision: number;
  readonly alerts: number;
  /** Share of planted attacks with at least one alert. */
  readonly recall: number;
}

/** Which planted attacks the alerts found: an attack is found when at least one of its activities is an alert. */
export function evaluateAlerts(truth: GroundTruth, alerts: Iterable<OdmEvent>): Evaluation {
  const per = new Map<string, { alerts: number; rank: number | undefined; kind: string | undefined; model: string | undefined }>();
  let total = 0;
  let hits = 0;
  for (const a of alerts) {
    total++;
    const id = attackOf(truth, a);
    if (id === undefined) continue;
    hits++;
    const f = per.get(id) ?? { alerts: 0, rank: undefined, kind: undefined, model: undefined };
    f.alerts++;
    if (a.score_rank !== undefined && (f.rank === undefined || a.score_rank < f.rank)) {
      f.rank = a.score_rank;
      f.kind = a.event_kind;
      f.model = a.score_model;
    }
    per.set(id, f);
  }
  const findings = truth.attacks.map((at) => {
    const f = per.get(at.id);
    return { id: at.id, type: at.type, victim: at.victim, alerts: f?.alerts ?? 0, bestRank: f?.rank, bestKind: f?.kind, bestModel: f?.model, found: (f?.alerts ?? 0) > 0 };
  });
  return { findings, precision: total === 0 ? 0 : hits / total, alerts: total, recall: findings.length === 0 ? 0 : findings.filter((f) => f.found).length / findings.length };
}
