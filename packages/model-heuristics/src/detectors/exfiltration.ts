import { type Finding, formatBytes, formatSpan, grade, plural, round, severityOf } from '../findings.js';
import type { DetectContext } from './context.js';
import type { Peer, PeerTable } from './peers.js';

export interface ExfilConfig {
  readonly minBytes: number;
  readonly factor: number;
  readonly floor: number;
  readonly max_sources: number;
  readonly min_ratio: number;
}

export const exfilKeyFlow = (client: string, server: string): string => `xf|${client}|${server}`;
export const exfilKeyWeb = (client: string, host: string): string => `xw|${client}|${host}`;

interface Destination {
  out: number;
  back: number;
  conns: number;
  first: number;
  last: number;
  ports: number[];
  examples: string[];
}

/** Per destination (address, or proxy host) totals of a client's peers. */
function byDestination(table: PeerTable, web: boolean): Map<string, Destination> {
  const out = new Map<string, Destination>();
  for (const [key, peer] of table.peers) {
    const bar = key.indexOf('|');
    const dest = web || bar < 0 ? key : key.slice(0, bar);
    let d = out.get(dest);
    if (d === undefined) out.set(dest, (d = { out: 0, back: 0, conns: 0, first: Number.POSITIVE_INFINITY, last: 0, ports: [], examples: [] }));
    add(d, peer, web ? 0 : Number(key.split('|')[1]));
  }
  return out;
}

function add(d: Destination, p: Peer, port: number): void {
  d.out += p.out;
  d.back += p.back;
  d.conns += p.conns;
  if (p.first < d.first) d.first = p.first;
  if (p.last > d.last) d.last = p.last;
  if (!d.ports.includes(port) && d.ports.length < 16) d.ports.push(port);
  // The biggest peer's examples first.
  if (d.examples.length === 0 || p.out > d.out - p.out) d.examples = [...p.examples, ...d.examples];
  else d.examples.push(...p.examples);
}

/** The 95th percentile of a host's per-destination outbound volumes (its own baseline in this window). */
export function hostBaseline(table: PeerTable, web: boolean, exclude: ReadonlySet<string> = new Set()): number {
  const volumes = [...byDestination(table, web).entries()]
    .filter(([dest]) => !exclude.has(dest))
    .map(([, d]) => d.out)
    .sort((a, b) => a - b);
  if (volumes.length === 0) return 0;
  return volumes[Math.min(volumes.length - 1, Math.floor(0.95 * volumes.length))]!;
}

/**
 * Exfiltration findings of one internal client: far more bytes out to one rare external destination than the
 * host sends to any ordinary destination. The baseline is the 95th percentile of the host's other
 * per-destination volumes in the window, at least `floor`, and at least what earlier windows learned.
 */
export function detectExfiltration(client: string, table: PeerTable, web: boolean, cfg: ExfilConfig, ctx: DetectContext, previousBaseline: number | undefined): Finding[] {
  const dests = byDestination(table, web);
  const found: Finding[] = [];
  const volumes = [...dests.values()].map((d) => d.out).sort((a, b) => a - b);
  for (const [dest, d] of dests) {
    if (d.out < cfg.minBytes) continue;
    if (d.out < cfg.min_ratio * d.back) continue;
    // The host's baseline without this destination.
    const others = volumes.filter((v) => v !== d.out);
    const p95 = others.length === 0 ? 0 : others[Math.min(others.length - 1, Math.floor(0.95 * others.length))]!;
    const baseline = Math.max(cfg.floor, p95, previousBaseline ?? 0);
    const ratio = d.out / baseline;
    if (ratio < cfg.factor) continue;
    const audience = web ? ctx.webAudience.count(dest) : ctx.flowAudience.count(dest);
    if (audience > cfg.max_sources) continue;
    const domain = web ? ctx.registrableOf(dest) : ctx.nameOf(dest);
    if (ctx.listed(domain)) continue;
    const span = Math.max(0, d.last - d.first);
    const score = 50 + 30 * grade(ratio, cfg.factor, 1000) + 15 * grade(d.out, cfg.minBytes, 10e9);
    const what = web ? `proxy host ${dest}` : `${dest}${domain === undefined ? '' : ` (${domain})`}`;
    const shared = audience <= 1 ? 'no other internal host talks to it' : `only ${plural(audience, 'internal host')} talk to it`;
    found.push({
      detector: 'exfiltration',
      pattern: web ? `exfil ${client}>${dest}` : `exfil ${client}>${dest}`,
      kind: web ? 'proxy' : 'flow',
      source: client,
      ...(web ? {} : { destination: dest }),
      ...(domain === undefined ? {} : { domain }),
      fields: web ? { src_ip: client, prx_host: dest } : { src_ip: client, dst_ip: dest },
      score,
      severity: severityOf(score),
      reasons: [
        `${client} sent ${formatBytes(d.out)} to ${what} in ${formatSpan(span)} (${formatBytes(d.back)} came back), ${Math.round(ratio).toLocaleString('en-US')}× its baseline of ${formatBytes(baseline)} per destination; ${shared}: possible exfiltration`,
      ],
      evidence: {
        bytes_out: d.out,
        bytes_back: d.back,
        connections: d.conns,
        ...(web ? {} : { ports: d.ports }),
        first: d.first,
        last: d.last,
        span_ms: span,
        baseline_bytes: Math.round(baseline),
        baseline_window_p95: Math.round(p95),
        ...(previousBaseline === undefined ? {} : { baseline_previous_windows: Math.round(previousBaseline) }),
        ratio_to_baseline: round(ratio, 1),
        destinations_of_host: dests.size,
        internal_hosts_talking_to_it: audience,
        ...(domain === undefined ? {} : { resolved_from: domain }),
        example_event_ids: d.examples.slice(0, ctx.examples),
        ...(table.evicted > 0 ? { limits_host: { peers_evicted: table.evicted } } : {}),
      },
      examples: d.examples,
      keys: [web ? exfilKeyWeb(client, dest) : exfilKeyFlow(client, dest)],
    });
  }
  return found;
}
