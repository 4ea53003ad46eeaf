import { type EnrichResult, type Enricher, type OdmEvent, type PluginContext, parseDuration } from '@sightline/core';
import { type NetworkContextConfig, reloadSettings } from '../config.schema.js';
import { ReferenceData } from '../reload/reference-data.js';
import { type EndpointFacts, type NetworkData, loadNetworkData } from './network-data.js';

type Direction = 'inbound' | 'outbound' | 'internal' | 'external' | 'unknown';

/**
 * Network context: marks each endpoint internal or external, names its zone and, from the asset inventory, its
 * host, owner, criticality and tags (longest-prefix match, IPv4 and IPv6), and sets the event's direction.
 */
export class NetworkContext implements Enricher {
  readonly name: string;
  readonly #data: ReferenceData<NetworkData>;

  constructor(config: NetworkContextConfig, ctx: PluginContext) {
    this.name = ctx.step;
    const resolve = (files: readonly string[]) => files.map((f) => ctx.resolvePath(f));
    const sources = {
      internal: config.internal,
      internalFiles: resolve(config.internal_files),
      zones: config.zones,
      zoneFiles: resolve(config.zone_files),
      assetFiles: resolve(config.asset_files),
      zonesInternal: config.zones_internal,
      assetsInternal: config.assets_internal,
    };
    this.#data = new ReferenceData(
      `network-context "${ctx.step}"`,
      [...sources.internalFiles, ...sources.zoneFiles, ...sources.assetFiles],
      () => loadNetworkData(sources, 'network-context'),
      reloadSettings(config.reload, parseDuration),
      ctx.logger,
    );
  }

  start(): Promise<void> {
    return this.#data.start();
  }

  /** Reference data in use (tests, reload checks). */
  get data(): ReferenceData<NetworkData> {
    return this.#data;
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    const data = this.#data.current;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const s = e.src_ip === undefined ? undefined : data.lookup(e.src_ip);
      const d = e.dst_ip === undefined ? undefined : data.lookup(e.dst_ip);
      if (s !== undefined) applySrc(e, s);
      if (d !== undefined) applyDst(e, d);
      e.net_direction = direction(s, d);
    }
    const issues = this.#data.takeIssues();
    return issues === undefined ? undefined : { issues };
  }

  close(): Promise<void> {
    return this.#data.close();
  }
}

function direction(s: EndpointFacts | undefined, d: EndpointFacts | undefined): Direction {
  if (s === undefined || d === undefined) return 'unknown';
  if (s.internal) return d.internal ? 'internal' : 'outbound';
  return d.internal ? 'inbound' : 'external';
}

// Two functions rather than one with a prefix: fixed property names keep the writes monomorphic.
function applySrc(e: OdmEvent, f: EndpointFacts): void {
  e.src_internal = f.internal;
  if (f.zone !== undefined) e.src_zone = f.zone;
  if (f.host !== undefined) e.src_host = f.host;
  if (f.owner !== undefined) e.src_owner = f.owner;
  if (f.criticality !== undefined) e.src_criticality = f.criticality;
  if (f.tags !== undefined) e.src_tags = mergeTags(e.src_tags, f.tags);
}

function applyDst(e: OdmEvent, f: EndpointFacts): void {
  e.dst_internal = f.internal;
  if (f.zone !== undefined) e.dst_zone = f.zone;
  if (f.host !== undefined) e.dst_host = f.host;
  if (f.owner !== undefined) e.dst_owner = f.owner;
  if (f.criticality !== undefined) e.dst_criticality = f.criticality;
  if (f.tags !== undefined) e.dst_tags = mergeTags(e.dst_tags, f.tags);
}

/** The event's own copy of the tags (other enrichers may add to it), keeping tags set before. */
function mergeTags(existing: readonly string[] | undefined, tags: readonly string[]): string[] {
  if (existing === undefined || existing.length === 0) {
    const out = new Array<string>(tags.length);
    for (let i = 0; i < tags.length; i++) out[i] = tags[i]!;
    return out;
  }
  const out = existing.slice();
  for (const t of tags) if (!out.includes(t)) out.push(t);
  return out;
}
