import { definePlugin } from '@sightline/core';
import {
  type DomainFactsConfig,
  type GeoipConfig,
  type NetworkContextConfig,
  type RiskConfig,
  type ThreatIntelConfig,
  domainFactsSchema,
  geoipSchema,
  networkContextSchema,
  riskSchema,
  threatIntelSchema,
} from './config.schema.js';
import { createDomainFacts, createGeoip, createNetworkContext, createRisk, createThreatIntel } from './module.js';

export const VERSION = '0.1.0';
const common = { kind: 'enricher', version: VERSION, core: '^0.1.0' } as const;

export const networkContextManifest = definePlugin<'enricher', NetworkContextConfig>({
  ...common,
  name: 'network-context',
  description: 'Internal/external, zone, and asset host/owner/criticality/tags per endpoint from CIDR lists and an asset inventory CSV (longest prefix, IPv4/IPv6); the flow direction.',
  configSchema: networkContextSchema,
  create: createNetworkContext,
});

export const geoipManifest = definePlugin<'enricher', GeoipConfig>({
  ...common,
  name: 'geoip',
  description: 'Country, region, city, coordinates, ASN and organisation per endpoint from MaxMind databases (GeoIP2/GeoLite2 .mmdb).',
  configSchema: geoipSchema,
  create: createGeoip,
});

export const threatIntelManifest = definePlugin<'enricher', ThreatIntelConfig>({
  ...common,
  name: 'threat-intel',
  description: 'Indicator feeds (text, CSV, STIX 2.1: IPs, CIDRs, domains, URLs) and reputation services matched against addresses, DNS names, proxy hosts and URLs (ti_hits, ti_severity, ti_reputation).',
  configSchema: threatIntelSchema,
  create: createThreatIntel,
});

export const domainFactsManifest = definePlugin<'enricher', DomainFactsConfig>({
  ...common,
  name: 'domain-facts',
  description: 'Registrable domain, public suffix, subdomain, label count, entropy and top-domains rank of DNS queries and proxy hosts.',
  configSchema: domainFactsSchema,
  create: createDomainFacts,
});

export const riskManifest = definePlugin<'enricher', RiskConfig>({
  ...common,
  name: 'risk',
  description: 'Risk priority 0-100 from asset criticality, intelligence hits, zones and direction, with the reasons in words (put it after the other context steps).',
  configSchema: riskSchema,
  create: createRisk,
});

/** Every plugin of the package, in the order a pipeline usually runs them. */
export const manifests = [networkContextManifest, geoipManifest, threatIntelManifest, domainFactsManifest, riskManifest] as const;
