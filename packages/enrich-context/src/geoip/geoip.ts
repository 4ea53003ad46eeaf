import { type EnrichResult, type Enricher, type OdmEvent, type PluginContext, parseDuration } from '@sightline/core';
import { type GeoipConfig, reloadSettings } from '../config.schema.js';
import { ReferenceData } from '../reload/reference-data.js';
import { type GeoData, type GeoFacts, loadGeoData } from './geo-data.js';

/**
 * GeoIP and ASN from MaxMind databases (npm `maxmind`): country, region, city, coordinates, ASN and its
 * organisation for source and destination. A private or unlisted address is a miss and adds nothing.
 */
export class Geoip implements Enricher {
  readonly name: string;
  readonly #data: ReferenceData<GeoData>;
  readonly #keepAsn: boolean;

  constructor(config: GeoipConfig, ctx: PluginContext) {
    this.name = ctx.step;
    this.#keepAsn = config.keep_exporter_asn;
    const sources = {
      city: config.city_db === undefined ? undefined : ctx.resolvePath(config.city_db),
      asn: config.asn_db === undefined ? undefined : ctx.resolvePath(config.asn_db),
      locale: config.locale,
      verify: config.verify,
      cacheSize: config.cache_size,
    };
    this.#data = new ReferenceData(
      `geoip "${ctx.step}"`,
      [sources.city, sources.asn].filter((f): f is string => f !== undefined),
      () => loadGeoData(sources, 'geoip'),
      reloadSettings(config.reload, parseDuration),
      ctx.logger,
    );
  }

  start(): Promise<void> {
    return this.#data.start();
  }

  get data(): ReferenceData<GeoData> {
    return this.#data;
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    const data = this.#data.current;
    const keep = this.#keepAsn;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.src_ip !== undefined) {
        const g = data.lookup(e.src_ip);
        if (g !== undefined) applySrc(e, g, keep);
      }
      if (e.dst_ip !== undefined) {
        const g = data.lookup(e.dst_ip);
        if (g !== undefined) applyDst(e, g, keep);
      }
    }
    const issues = this.#data.takeIssues();
    return issues === undefined ? undefined : { issues };
  }

  close(): Promise<void> {
    return this.#data.close();
  }
}

function applySrc(e: OdmEvent, g: GeoFacts, keepAsn: boolean): void {
  if (g.country_code !== undefined) e.src_country_code = g.country_code;
  if (g.country_name !== undefined) e.src_country_name = g.country_name;
  if (g.region !== undefined) e.src_region = g.region;
  if (g.city !== undefined) e.src_city = g.city;
  if (g.lat !== undefined) e.src_lat = g.lat;
  if (g.long !== undefined) e.src_long = g.long;
  if (g.asn !== undefined && !(keepAsn && e.src_asn !== undefined && e.src_asn !== 0)) {
    e.src_asn = g.asn;
    if (g.asn_org !== undefined) e.src_asn_org = g.asn_org;
  }
}

function applyDst(e: OdmEvent, g: GeoFacts, keepAsn: boolean): void {
  if (g.country_code !== undefined) e.dst_country_code = g.country_code;
  if (g.country_name !== undefined) e.dst_country_name = g.country_name;
  if (g.region !== undefined) e.dst_region = g.region;
  if (g.city !== undefined) e.dst_city = g.city;
  if (g.lat !== undefined) e.dst_lat = g.lat;
  if (g.long !== undefined) e.dst_long = g.long;
  if (g.asn !== undefined && !(keepAsn && e.dst_asn !== undefined && e.dst_asn !== 0)) {
    e.dst_asn = g.asn;
    if (g.asn_org !== undefined) e.dst_asn_org = g.asn_org;
  }
}
