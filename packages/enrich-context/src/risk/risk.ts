import type { EnrichResult, Enricher, OdmEvent, PluginContext } from '@sightline/core';
import type { RiskConfig } from '../config.schema.js';

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * Risk priority (0-100) from what the other context enrichers found: the criticality of the most critical
 * endpoint, the intelligence severity and how many sources agree, a critical asset meeting intelligence, the
 * endpoints' zones and the direction. Points add up (capped at 100); every term that adds points is a line of
 * `risk_reasons`, so an analyst sees why an alert ranks where it does. Put this step after network-context and
 * threat-intel: it reads their fields and looks nothing up itself.
 */
export class Risk implements Enricher {
  readonly name: string;
  readonly #c: RiskConfig;
  readonly #direction: Readonly<Record<string, { points: number; reason: string } | undefined>>;
  readonly #zoneReasons = new Map<string, string>();
  /** Own entries only: a zone named "constructor" must not find Object.prototype's. */
  readonly #zonePoints: ReadonlyMap<string, number>;
  readonly #assetReasons = new Map<string, (string | undefined)[]>();

  constructor(config: RiskConfig, ctx: PluginContext) {
    this.name = ctx.step;
    this.#c = config;
    this.#zonePoints = new Map(Object.entries(config.zone_points));
    const d = config.direction_points;
    const dir = (name: string, points: number) => (points === 0 ? undefined : { points, reason: `${name} traffic: +${fmt(points)}` });
    this.#direction = { inbound: dir('inbound', d.inbound), outbound: dir('outbound', d.outbound), internal: dir('internal', d.internal), external: dir('external', d.external) };
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    for (let i = 0; i < events.length; i++) this.#score(events[i]!);
  }

  #score(e: OdmEvent): void {
    const c = this.#c;
    const reasons: string[] = [];
    let total = 0;

    // Impact: the most critical endpoint.
    const sc = e.src_criticality ?? (e.src_internal === true ? c.internal_criticality : 0);
    const dc = e.dst_criticality ?? (e.dst_internal === true ? c.internal_criticality : 0);
    const srcWins = sc >= dc;
    const crit = srcWins ? sc : dc;
    if (crit > 0 && c.criticality_points > 0) {
      const points = crit * c.criticality_points;
      total += points;
      reasons.push(this.#assetReason(srcWins ? 'src' : 'dst', srcWins ? e.src_host : e.dst_host, srcWins ? e.src_criticality : e.dst_criticality, crit, points));
    }

    // Likelihood: intelligence.
    const sev = e.ti_severity ?? -1;
    if (sev >= 1 && e.ti_hits !== undefined) {
      const points = sev >= 3 ? c.intel_points.high : sev === 2 ? c.intel_points.medium : c.intel_points.low;
      const top = e.ti_hits.find((h) => (h.severity ?? -1) === sev);
      if (points > 0) {
        total += points;
        reasons.push(`${top?.field ?? 'event'} ${top?.indicator ?? ''} listed by ${top?.source ?? 'intelligence'}${top?.category === undefined ? '' : ` (${top.category})`} with severity ${sev}: +${fmt(points)}`);
      }
      const sources = new Set<string>();
      for (const h of e.ti_hits) if ((h.severity ?? -1) >= 1) sources.add(h.source);
      const more = Math.min(3, sources.size - 1);
      if (more > 0 && c.corroboration_points > 0) {
        const p = more * c.corroboration_points;
        total += p;
        reasons.push(`${sources.size} intelligence sources agree (${[...sources].join(', ')}): +${fmt(p)}`);
      }
      if (crit >= 4 && sev >= 2 && c.critical_target_points > 0) {
        total += c.critical_target_points;
        reasons.push(`an asset of criticality ${crit} meets intelligence of severity ${sev}: +${fmt(c.critical_target_points)}`);
      }
    }

    // Exposure: zones and direction.
    const zp = this.#zonePoints;
    const zs = e.src_zone === undefined || zp.size === 0 ? 0 : (zp.get(e.src_zone) ?? 0);
    const zd = e.dst_zone === undefined || zp.size === 0 ? 0 : (zp.get(e.dst_zone) ?? 0);
    if (zs > 0 || zd > 0) {
      const zone = zs >= zd ? e.src_zone! : e.dst_zone!;
      const p = Math.max(zs, zd);
      total += p;
      reasons.push(this.#zoneReason(zone, p));
    }
    const d = e.net_direction === undefined ? undefined : this.#direction[e.net_direction];
    if (d !== undefined) {
      total += d.points;
      reasons.push(d.reason);
    }

    e.risk_priority = Math.max(0, Math.min(100, Math.round(total)));
    if (reasons.length > 0) e.risk_reasons = reasons;
  }

  /**
   * The reason line for the asset term, made once per (host, side, listed, criticality) and kept: a map by
   * host text to a small array by side and criticality, so a repeat costs one lookup and builds no string.
   */
  #assetReason(side: 'src' | 'dst', host: string | undefined, listed: number | undefined, crit: number, points: number): string {
    const slot = (side === 'src' ? 0 : 14) + (listed === undefined ? 7 : 0) + (crit >= 0 && crit <= 5 && Number.isInteger(crit) ? crit : 6);
    const hostKey = host ?? '';
    let row = this.#assetReasons.get(hostKey);
    if (row === undefined) {
      if (this.#assetReasons.size > 10_000) this.#assetReasons.clear();
      this.#assetReasons.set(hostKey, (row = new Array<string | undefined>(28).fill(undefined)));
    }
    let r = row[slot];
    // slot 6 (a criticality outside 0-5, from an upstream field) is rare: never kept, always made
    if (r === undefined || (slot % 7 === 6 && !r.endsWith(`criticality ${crit}: +${fmt(points)}`))) {
      const who = listed === undefined ? `${side} is internal and not in the asset inventory` : `${side} asset${host === undefined ? '' : ` ${host}`}`;
      r = `${who}: criticality ${crit}: +${fmt(points)}`;
      row[slot] = r;
    }
    return r;
  }

  #zoneReason(zone: string, points: number): string {
    let r = this.#zoneReasons.get(zone);
    if (r === undefined) this.#zoneReasons.set(zone, (r = `zone ${zone}: +${fmt(points)}`));
    return r;
  }
}
