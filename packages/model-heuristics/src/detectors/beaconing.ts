import { type Finding, clamp01, formatBytes, formatSpan, grade, plural, protoName, round, severityOf } from '../findings.js';
import type { DetectContext } from './context.js';
import { analysePeriod } from './periodicity.js';
import type { PeerTable } from './peers.js';

export interface BeaconConfig {
  readonly min_beats: number;
  readonly minPeriodMs: number;
  readonly maxPeriodMs: number;
  readonly tolerance: number;
  readonly min_regularity: number;
  readonly max_missed: number;
  readonly max_sources: number;
  readonly maxMeanBytes: number;
  readonly ignore: ReadonlySet<string>;
}

export const beaconKeyFlow = (client: string, server: string, port: number, proto: number): string => `bf|${client}|${server}|${port}|${proto}`;
export const beaconKeyWeb = (client: string, host: string): string => `bw|${client}|${host}`;

/** Why a regular series did not become a finding (counted for describe()). */
export interface BeaconSkips {
  shared: number;
  listed: number;
  large: number;
}

/**
 * Beaconing findings of one client: connections to one service at a steady period (after allowing for jitter
 * and missed beats), to a destination few internal hosts use, small each time (a check-in, not a transfer).
 * `web` says the peers are proxy hosts (keys are host names) rather than `address|port|proto`.
 */
export function detectBeacons(client: string, table: PeerTable, web: boolean, cfg: BeaconConfig, ctx: DetectContext, skips: BeaconSkips): Finding[] {
  const out: Finding[] = [];
  for (const [key, peer] of table.peers) {
    if (peer.beats < cfg.min_beats || peer.times === undefined) continue;
    let server: string;
    let port = 0;
    let proto = 6;
    if (web) server = key;
    else {
      const parts = key.split('|');
      server = parts[0]!;
      port = Number(parts[1]);
      proto = Number(parts[2]);
      if (cfg.ignore.has(`${port}/${protoName(proto)}`)) continue;
    }
    const p = analysePeriod(peer.times, peer.beats, cfg.tolerance, cfg.minPeriodMs, cfg.maxPeriodMs);
    if (p === undefined || p.beats < cfg.min_beats || p.regularity < cfg.min_regularity || p.gapShare > cfg.max_missed) continue;
    const audience = web ? ctx.webAudience.count(server) : ctx.flowAudience.count(server);
    if (audience > cfg.max_sources) {
      skips.shared++;
      continue;
    }
    const domain = web ? ctx.registrableOf(server) : ctx.nameOf(server);
    if (ctx.listed(domain)) {
      skips.listed++;
      continue;
    }
    const meanBytes = peer.out / Math.max(1, peer.conns);
    if (meanBytes > cfg.maxMeanBytes) {
      skips.large++;
      continue;
    }
    const steadiness = clamp01((p.regularity - cfg.min_regularity) / Math.max(0.01, 1 - cfg.min_regularity));
    const tightness = clamp01(1 - p.jitter / cfg.tolerance);
    const score = 40 + 25 * grade(p.beats, cfg.min_beats, 500) + 15 * steadiness + 10 * tightness + (audience <= 1 ? 5 : 0);
    const what = web ? `proxy host ${server}` : `${server}:${port}/${protoName(proto)}${domain === undefined ? '' : ` (${domain})`}`;
    const shared = audience <= 1 ? 'no other internal host talks to it' : `only ${plural(audience, 'internal host')} talk to it`;
    out.push({
      detector: 'beaconing',
      pattern: web ? `beacon ${client}>${server}` : `beacon ${client}>${server}:${port}/${protoName(proto)}`,
      kind: web ? 'proxy' : 'flow',
      source: client,
      ...(web ? {} : { destination: server }),
      ...(domain === undefined ? {} : { domain }),
      fields: web ? { src_ip: client, prx_host: server } : { src_ip: client, dst_ip: server, dst_port: port, n_proto: proto },
      score,
      severity: severityOf(score),
      reasons: [
        `${client} reached ${what} every ${formatSpan(p.period)} (±${Math.round(p.jitter * 100)} % jitter) ${plural(p.beats, 'time')} over ${formatSpan(p.span)}${p.missed > 0 ? `, ${plural(p.missed, 'beat')} missed` : ''}; ${Math.round(p.regularity * 100)} % of the intervals fit the period; ${formatBytes(meanBytes)} per connection; ${shared}: beaconing`,
      ],
      evidence: {
        period_ms: Math.round(p.period),
        jitter: round(p.jitter, 3),
        beats: p.beats,
        intervals: p.intervals,
        fitted_intervals: p.fitted,
        regularity: round(p.regularity, 3),
        missed_beats: p.missed,
        first: p.first,
        last: p.last,
        span_ms: p.span,
        connections: peer.conns,
        bytes_out: peer.out,
        bytes_back: peer.back,
        mean_bytes_per_connection: Math.round(meanBytes),
        internal_hosts_talking_to_it: audience,
        ...(domain === undefined ? {} : { resolved_from: domain }),
        example_event_ids: peer.examples.slice(0, ctx.examples),
        ...(peer.overflow > 0 ? { limits: { beats_not_analysed: peer.overflow } } : {}),
        ...(table.evicted > 0 ? { limits_host: { peers_evicted: table.evicted } } : {}),
      },
      examples: peer.examples,
      keys: [web ? beaconKeyWeb(client, server) : beaconKeyFlow(client, server, port, proto)],
    });
  }
  return out;
}
