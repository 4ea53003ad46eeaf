import { type EnrichResult, type Enricher, type OdmEvent, type PluginContext, type TiHit, parseDuration } from '@sightline/core';
import { type MatchField, type ThreatIntelConfig, reloadSettings } from '../config.schema.js';
import { ReferenceData } from '../reload/reference-data.js';
import { IntelData, loadIntelData } from './intel-data.js';
import { normalizeDomain, normalizeUrl } from './indicator.js';
import { type ReputationService, ServiceClient, formatReputation, loadReputationService } from './reputation.js';
import { isAddressText } from '../ip/network.js';

const A = 1;
const AAAA = 28;
const CNAME = 5;

/**
 * Threat intelligence: indicator feeds (plain lists, CSV, STIX 2.1) matched against addresses, DNS query names
 * and answers, proxy hosts and URLs, plus optional reputation services; every match is a `ti_hits` entry with
 * its feed and severity, `ti_severity` is the highest, and `ti_reputation` says it in Spot's form.
 */
export class ThreatIntel implements Enricher {
  readonly name: string;
  readonly #data: ReferenceData<IntelData>;
  readonly #config: ThreatIntelConfig;
  readonly #on: Readonly<Record<MatchField, boolean>>;
  readonly #services: ServiceClient[] = [];
  #extraServices: readonly ReputationService[] = [];

  constructor(config: ThreatIntelConfig, ctx: PluginContext) {
    this.name = ctx.step;
    this.#config = config;
    this.#on = Object.fromEntries(['src_ip', 'dst_ip', 'dns_query', 'dns_answers', 'prx_host', 'prx_uri', 'prx_referrer'].map((f) => [f, config.fields.includes(f as MatchField)])) as Record<MatchField, boolean>;
    const sources = { feeds: config.feeds.map((feed) => ({ feed, path: ctx.resolvePath(feed.path) })), cacheSize: config.cache_size, matchSubdomains: config.match_subdomains };
    this.#data = new ReferenceData(
      `threat-intel "${ctx.step}"`,
      sources.feeds.map((f) => f.path),
      () => loadIntelData(sources, ctx.logger),
      reloadSettings(config.reload, parseDuration),
      ctx.logger,
    );
  }

  /** Adds services made in code (embedding, tests) besides the configured ones; call before start. */
  withServices(services: readonly ReputationService[]): this {
    this.#extraServices = services;
    return this;
  }

  async start(ctx: PluginContext): Promise<void> {
    await this.#data.start();
    const max = this.#config.cache_size * 4;
    for (const s of this.#config.services) {
      const service = await loadReputationService(s.module, s.name, s.config, ctx);
      this.#services.push(new ServiceClient(service, parseDuration(s.timeout), parseDuration(s.ttl), max, ctx.logger));
    }
    for (const s of this.#extraServices) this.#services.push(new ServiceClient(s, 2000, 3_600_000, max, ctx.logger));
  }

  get data(): ReferenceData<IntelData> {
    return this.#data;
  }

  enrich(events: OdmEvent[], ctx: PluginContext): EnrichResult | void | Promise<EnrichResult | void> {
    if (this.#services.length > 0) return this.#enrichWithServices(events, ctx);
    this.#match(events);
    const issues = this.#data.takeIssues();
    return issues === undefined ? undefined : { issues };
  }

  async #enrichWithServices(events: OdmEvent[], ctx: PluginContext): Promise<EnrichResult | void> {
    const ips = new Set<string>();
    const domains = new Set<string>();
    const urls = new Set<string>();
    for (const e of events) {
      if (this.#on.src_ip && e.src_ip !== undefined && e.src_internal !== true) ips.add(e.src_ip);
      if (this.#on.dst_ip && e.dst_ip !== undefined && e.dst_internal !== true) ips.add(e.dst_ip);
      if (e.event_kind === 'dns' && this.#on.dns_query && e.dns_query !== undefined) {
        const d = normalizeDomain(e.dns_query);
        if (d !== undefined) domains.add(d);
      }
      if (e.event_kind === 'proxy') {
        if (this.#on.prx_host && e.prx_host !== undefined) {
          if (isAddressText(e.prx_host)) ips.add(e.prx_host);
          else {
            const d = normalizeDomain(e.prx_host);
            if (d !== undefined) domains.add(d);
          }
        }
        if (this.#on.prx_uri && e.prx_uri !== undefined) urls.add(normalizeUrl(e.prx_uri));
      }
    }
    await Promise.all(this.#services.map((s) => s.refresh(ips, domains, urls, ctx.signal)));
    this.#match(events);
    const issues = this.#data.takeIssues();
    return issues === undefined ? undefined : { issues };
  }

  #match(events: OdmEvent[]): void {
    const data = this.#data.current;
    const on = this.#on;
    const services = this.#services;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let hits: TiHit[] | undefined;
      if (on.src_ip && e.src_ip !== undefined) hits = this.#add(hits, data, data.ip(e.src_ip), 'src_ip');
      if (on.dst_ip && e.dst_ip !== undefined) hits = this.#add(hits, data, data.ip(e.dst_ip), 'dst_ip');
      if (e.event_kind === 'dns') {
        if (on.dns_query && e.dns_query !== undefined) hits = this.#add(hits, data, data.name(e.dns_query), 'dns_query');
        if (on.dns_answers && e.dns_answers !== undefined) {
          for (const r of e.dns_answers) {
            if (r.data === undefined) continue;
            if (r.type === A || r.type === AAAA) hits = this.#add(hits, data, data.ip(r.data), 'dns_answers');
            else if (r.type === CNAME) hits = this.#add(hits, data, data.name(r.data), 'dns_answers');
          }
        }
      } else if (e.event_kind === 'proxy') {
        if (on.prx_host && e.prx_host !== undefined) hits = this.#add(hits, data, isAddressText(e.prx_host) ? data.ip(e.prx_host) : data.name(e.prx_host), 'prx_host');
        if (on.prx_uri && e.prx_uri !== undefined) hits = this.#add(hits, data, data.url(e.prx_uri), 'prx_uri');
        if (on.prx_referrer && e.prx_referrer !== undefined) hits = this.#add(hits, data, data.url(e.prx_referrer), 'prx_referrer');
      }
      if (services.length > 0) hits = serviceHits(e, hits, services, on);
      if (hits !== undefined) record(e, hits);
    }
  }

  #add(hits: TiHit[] | undefined, data: IntelData, ids: readonly number[], field: string): TiHit[] | undefined {
    if (ids.length === 0) return hits;
    const out = hits ?? [];
    for (const id of ids) {
      const x = data.index.entry(id);
      const hit: { -readonly [K in keyof TiHit]: TiHit[K] } = { indicator: x.indicator, type: x.type, source: x.source, field, severity: x.severity };
      if (x.category !== undefined) hit.category = x.category;
      if (x.id !== undefined) hit.indicator_id = x.id;
      out.push(hit);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#data.close();
    for (const s of this.#services.splice(0)) await s.service.close?.();
  }
}

function serviceHits(e: OdmEvent, hits: TiHit[] | undefined, services: readonly ServiceClient[], on: Readonly<Record<MatchField, boolean>>): TiHit[] | undefined {
  const ask = (value: string, key: string, type: TiHit['type'], field: string) => {
    for (const s of services) {
      const v = s.verdict(key);
      if (v === undefined) continue;
      const hit: { -readonly [K in keyof TiHit]: TiHit[K] } = { indicator: value, type, source: s.service.name, field, severity: Math.max(-1, Math.min(3, Math.trunc(v.level))), category: v.label };
      (hits ??= []).push(hit);
    }
  };
  if (on.src_ip && e.src_ip !== undefined) ask(e.src_ip, e.src_ip, 'ip', 'src_ip');
  if (on.dst_ip && e.dst_ip !== undefined) ask(e.dst_ip, e.dst_ip, 'ip', 'dst_ip');
  if (e.event_kind === 'dns' && on.dns_query && e.dns_query !== undefined) ask(e.dns_query, normalizeDomain(e.dns_query) ?? '', 'domain', 'dns_query');
  if (e.event_kind === 'proxy') {
    if (on.prx_host && e.prx_host !== undefined) {
      if (isAddressText(e.prx_host)) ask(e.prx_host, e.prx_host, 'ip', 'prx_host');
      else ask(e.prx_host, normalizeDomain(e.prx_host) ?? '', 'domain', 'prx_host');
    }
    if (on.prx_uri && e.prx_uri !== undefined) ask(e.prx_uri, normalizeUrl(e.prx_uri), 'url', 'prx_uri');
  }
  return hits;
}

/**
 * Adds the hits to the event (after any an earlier step recorded) and sets ti_severity and ti_reputation (one
 * `source:label:level` per distinct verdict, highest level first, as Spot's UI reads the first as the worst).
 */
function record(e: OdmEvent, hits: TiHit[]): void {
  const all = e.ti_hits === undefined ? hits : [...e.ti_hits, ...hits];
  e.ti_hits = all;
  let max = -1;
  const seen = new Set<string>();
  const rep: { text: string; level: number }[] = [];
  for (const h of all) {
    const level = h.severity ?? -1;
    if (level > max) max = level;
    const text = formatReputation(h.source, { label: h.category ?? 'listed', level });
    if (!seen.has(text)) {
      seen.add(text);
      rep.push({ text, level });
    }
  }
  e.ti_severity = max;
  e.ti_reputation = rep.length === 1 ? rep[0]!.text : rep.sort((a, b) => b.level - a.level).map((r) => r.text).join('::');
}
