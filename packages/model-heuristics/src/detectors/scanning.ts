import type { FlowFacts } from '../features/flow-facts.js';
import { type Finding, clamp01, formatSpan, grade, plural, protoName, severityOf } from '../findings.js';
import { DistinctCounter } from '../sketch/distinct.js';
import { PortSet } from '../sketch/port-set.js';

/** Probes towards one target (vertical view). */
class TargetProbes {
  readonly ports = new PortSet();
  probes = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;
  readonly examples: string[] = [];
}

/** Probes on one port (horizontal view). */
class PortProbes {
  readonly hosts: DistinctCounter;
  probes = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;
  readonly examples: string[] = [];
  constructor(exact: number) {
    this.hosts = new DistinctCounter(exact);
  }
}

export interface ScanLimits {
  readonly maxTargets: number;
  readonly exact: number;
  readonly examples: number;
}

/**
 * What one source probed: per target the distinct ports (vertical), per port and protocol the distinct targets
 * (horizontal). Only probes are kept (connection attempts that carried nothing), so an ordinary host costs
 * nothing here. Bounded: at most `maxTargets` targets and ports each; beyond, targets with a single probed port
 * are evicted first, and the count of what was dropped is kept for the evidence.
 */
export class ScanState {
  readonly targets = new Map<string, TargetProbes>();
  readonly ports = new Map<string, PortProbes>();
  probes = 0;
  evictedTargets = 0;
  droppedPorts = 0;

  observe(f: FlowFacts, eventId: string, time: number, limits: ScanLimits): void {
    this.probes++;
    let t = this.targets.get(f.server);
    if (t === undefined) {
      if (this.targets.size >= limits.maxTargets) this.#evictTargets();
      if (this.targets.size < limits.maxTargets) this.targets.set(f.server, (t = new TargetProbes()));
    }
    if (t !== undefined) {
      t.ports.add(f.serverPort);
      t.probes++;
      if (time < t.first) t.first = time;
      if (time > t.last) t.last = time;
      if (t.examples.length < limits.examples) t.examples.push(eventId);
    }
    const key = `${f.serverPort}/${f.proto}`;
    let p = this.ports.get(key);
    if (p === undefined) {
      if (this.ports.size < limits.maxTargets) this.ports.set(key, (p = new PortProbes(limits.exact)));
      else this.droppedPorts++;
    }
    if (p !== undefined) {
      p.hosts.add(f.server);
      p.probes++;
      if (time < p.first) p.first = time;
      if (time > p.last) p.last = time;
      if (p.examples.length < limits.examples) p.examples.push(eventId);
    }
  }

  #evictTargets(): void {
    for (const [k, t] of this.targets) {
      if (t.ports.count <= 1) {
        this.targets.delete(k);
        this.evictedTargets++;
      }
    }
  }

  get bytes(): number {
    let b = 64;
    for (const t of this.targets.values()) b += 120 + t.ports.bytes;
    for (const p of this.ports.values()) b += 120 + p.hosts.bytes;
    return b;
  }
}

export interface ScanConfig {
  readonly vertical_min_ports: number;
  readonly horizontal_min_hosts: number;
}

export const scanKeyVertical = (client: string, server: string): string => `sv|${client}|${server}`;
export const scanKeyHorizontal = (client: string, port: number, proto: number): string => `sh|${client}|${port}/${proto}`;

/** Vertical and horizontal scan findings of one source. */
export function detectScans(source: string, s: ScanState, cfg: ScanConfig, examples: number): Finding[] {
  const out: Finding[] = [];
  const limitNote = s.evictedTargets > 0 || s.droppedPorts > 0 ? { evicted_targets: s.evictedTargets, dropped_ports: s.droppedPorts } : undefined;
  for (const [target, t] of s.targets) {
    const ports = t.ports.count;
    if (ports < cfg.vertical_min_ports) continue;
    const span = Math.max(0, t.last - t.first);
    const ratePerMin = t.probes / Math.max(1, span / 60_000);
    const score = 45 + 40 * grade(ports, cfg.vertical_min_ports, 1000) + 10 * clamp01(grade(ratePerMin, 1, 100));
    const sum = t.ports.summary(12);
    out.push({
      detector: 'scanning',
      pattern: `scan vertical ${source}>${target}`,
      kind: 'flow',
      source,
      destination: target,
      fields: { src_ip: source, dst_ip: target },
      score,
      severity: severityOf(score),
      reasons: [`${source} probed ${plural(ports, 'port')} of ${target} (${sum.min}-${sum.max}) with ${plural(t.probes, 'connection attempt')} that carried no data, in ${formatSpan(span)}: a vertical (port) scan`],
      evidence: { scan: 'vertical', target, distinct_ports: ports, probes: t.probes, first_port: sum.min, last_port: sum.max, ports_sample: sum.sample, first: t.first, last: t.last, span_ms: span, probes_per_minute: Math.round(ratePerMin), example_event_ids: t.examples.slice(0, examples), ...(limitNote === undefined ? {} : { limits: limitNote }) },
      examples: t.examples,
      keys: [scanKeyVertical(source, target)],
    });
  }
  // Horizontal: per port; ports probed on (about) the same hosts are one finding.
  const wide = [...s.ports.entries()].filter(([, p]) => p.hosts.count >= cfg.horizontal_min_hosts).sort((a, b) => b[1].hosts.count - a[1].hosts.count);
  if (wide.length > 0) {
    const hosts = Math.max(...wide.map(([, p]) => p.hosts.count));
    const probes = wide.reduce((a, [, p]) => a + p.probes, 0);
    const first = Math.min(...wide.map(([, p]) => p.first));
    const last = Math.max(...wide.map(([, p]) => p.last));
    const span = Math.max(0, last - first);
    const ratePerMin = probes / Math.max(1, span / 60_000);
    const exact = wide.every(([, p]) => p.hosts.exact);
    const score = 45 + 40 * grade(hosts, cfg.horizontal_min_hosts, 1000) + 10 * clamp01(grade(ratePerMin, 1, 100));
    const services = wide.map(([k]) => {
      const [port, proto] = k.split('/');
      return Number(proto) === 1 || Number(proto) === 58 ? 'ICMP echo' : `${port}/${protoName(Number(proto))}`;
    });
    const examplesAll = wide.flatMap(([, p]) => p.examples);
    out.push({
      detector: 'scanning',
      pattern: `scan horizontal ${source}`,
      kind: 'flow',
      source,
      fields: { src_ip: source },
      score,
      severity: severityOf(score),
      reasons: [`${source} probed ${exact ? '' : 'about '}${plural(hosts, 'host')} on ${services.join(', ')} with ${plural(probes, 'connection attempt')} that carried no data, in ${formatSpan(span)}: a horizontal (host) scan`],
      evidence: {
        scan: 'horizontal',
        services: wide.map(([k, p]) => ({ service: k, distinct_hosts: p.hosts.count, exact: p.hosts.exact, probes: p.probes })),
        distinct_hosts: hosts,
        probes,
        first,
        last,
        span_ms: span,
        probes_per_minute: Math.round(ratePerMin),
        example_event_ids: examplesAll.slice(0, examples),
        ...(limitNote === undefined ? {} : { limits: limitNote }),
      },
      examples: examplesAll,
      keys: wide.map(([k]) => {
        const [port, proto] = k.split('/');
        return scanKeyHorizontal(source, Number(port), Number(proto));
      }),
    });
  }
  return out;
}
