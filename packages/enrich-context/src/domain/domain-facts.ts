import { parse } from 'tldts';
import { type EnrichResult, type Enricher, type OdmEvent, type PluginContext, parseDuration } from '@sightline/core';
import { type DomainFactsConfig, reloadSettings } from '../config.schema.js';
import { LookupCache, MISS } from '../lookup-cache.js';
import { ReferenceData } from '../reload/reference-data.js';
import type { Loaded } from '../reload/reference-data.js';
import { shannonEntropy } from './entropy.js';
import { loadTopDomains } from './top-domains.js';

/** Facts about one name. Shared between events: never mutated. */
export interface NameFacts {
  readonly registrable: string | undefined;
  readonly suffix: string | undefined;
  readonly subdomain: string | undefined;
  readonly labels: number;
  readonly entropy: number;
  readonly rank: number | undefined;
}

export class DomainData {
  readonly #ranks: ReadonlyMap<string, number>;
  readonly #privateSuffixes: boolean;
  readonly cache: LookupCache<NameFacts>;

  constructor(ranks: ReadonlyMap<string, number>, privateSuffixes: boolean, cacheSize: number) {
    this.#ranks = ranks;
    this.#privateSuffixes = privateSuffixes;
    this.cache = new LookupCache(cacheSize);
  }

  lookup(name: string): NameFacts | undefined {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit === MISS ? undefined : hit;
    const facts = this.#compute(name);
    this.cache.set(name, facts ?? MISS);
    return facts;
  }

  #compute(raw: string): NameFacts | undefined {
    let name = raw.trim().toLowerCase();
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (name === '') return undefined;
    const r = parse(name, { extractHostname: false, allowPrivateDomains: this.#privateSuffixes, detectIp: true, validateHostname: false });
    if (r.isIp === true) return undefined;
    const subdomain = r.subdomain === null || r.subdomain === '' ? undefined : r.subdomain;
    const registrable = r.domain ?? undefined;
    const rank = registrable === undefined ? this.#ranks.get(name) : (this.#ranks.get(registrable) ?? this.#ranks.get(name));
    return Object.freeze({
      registrable,
      suffix: r.publicSuffix ?? undefined,
      subdomain,
      labels: name.split('.').length,
      entropy: subdomain === undefined ? 0 : shannonEntropy(subdomain),
      rank,
    });
  }
}

export async function loadDomainData(config: DomainFactsConfig, path: string | undefined): Promise<Loaded<DomainData>> {
  if (path === undefined) return { data: new DomainData(new Map(), config.private_suffixes, config.cache_size), summary: 'public suffix list only (no top-domains list)' };
  const { ranks, lines } = await loadTopDomains(path, config.top_limit);
  return { data: new DomainData(ranks, config.private_suffixes, config.cache_size), summary: `${ranks.size} top domains from ${lines} lines of ${path}` };
}

/**
 * Domain facts for DNS queries and proxy hosts: registrable domain and public suffix (Public Suffix List via
 * `tldts`), subdomain, label count, Shannon entropy of the subdomain and the rank of the registrable domain
 * (or the full name, for lists of host names such as Umbrella's) in a top-domains list.
 */
export class DomainFacts implements Enricher {
  readonly name: string;
  readonly kinds = ['dns', 'proxy'] as const;
  readonly #data: ReferenceData<DomainData>;

  constructor(config: DomainFactsConfig, ctx: PluginContext) {
    this.name = ctx.step;
    const path = config.top_domains === undefined ? undefined : ctx.resolvePath(config.top_domains);
    this.#data = new ReferenceData(`domain-facts "${ctx.step}"`, path === undefined ? [] : [path], () => loadDomainData(config, path), reloadSettings(config.reload, parseDuration), ctx.logger);
  }

  start(): Promise<void> {
    return this.#data.start();
  }

  get data(): ReferenceData<DomainData> {
    return this.#data;
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    const data = this.#data.current;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const name = e.event_kind === 'dns' ? e.dns_query : e.event_kind === 'proxy' ? e.prx_host : undefined;
      if (name === undefined) continue;
      const f = data.lookup(name);
      if (f === undefined) continue;
      if (f.registrable !== undefined) e.domain_registrable = f.registrable;
      if (f.suffix !== undefined) e.domain_suffix = f.suffix;
      if (f.subdomain !== undefined) e.domain_subdomain = f.subdomain;
      e.domain_labels = f.labels;
      e.domain_entropy = f.entropy;
      if (f.rank !== undefined) e.domain_top_rank = f.rank;
    }
    const issues = this.#data.takeIssues();
    return issues === undefined ? undefined : { issues };
  }

  close(): Promise<void> {
    return this.#data.close();
  }
}
