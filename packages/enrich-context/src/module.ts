import type { PluginContext } from '@sightline/core';
import type { DomainFactsConfig, GeoipConfig, NetworkContextConfig, RiskConfig, ThreatIntelConfig } from './config.schema.js';
import { DomainFacts } from './domain/domain-facts.js';
import { Geoip } from './geoip/geoip.js';
import { ThreatIntel } from './intel/threat-intel.js';
import { NetworkContext } from './network/network-context.js';
import { Risk } from './risk/risk.js';

/** How each plugin makes an instance for a pipeline step (bound into the pipeline's container by its manifest). */
export const createNetworkContext = (config: NetworkContextConfig, ctx: PluginContext) => new NetworkContext(config, ctx);
export const createGeoip = (config: GeoipConfig, ctx: PluginContext) => new Geoip(config, ctx);
export const createThreatIntel = (config: ThreatIntelConfig, ctx: PluginContext) => new ThreatIntel(config, ctx);
export const createDomainFacts = (config: DomainFactsConfig, ctx: PluginContext) => new DomainFacts(config, ctx);
export const createRisk = (config: RiskConfig, ctx: PluginContext) => new Risk(config, ctx);
