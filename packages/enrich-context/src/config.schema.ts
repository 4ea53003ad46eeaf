import type { JsonSchema } from '@sightline/core';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';

/** Config schemas of the five enrichers. (TS modules rather than .json so Node 20 needs no JSON modules.) */

const reload = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'How changed reference files are picked up. The new data replaces the old only when all of it loaded.',
  properties: {
    watch: { type: 'boolean', default: true, description: 'React to file-system notifications (besides polling).' },
    interval: { $ref: `${defs}/duration`, default: '10s', description: 'How often files are checked for changes; 0 turns reloading off.' },
    settle: { $ref: `${defs}/duration`, default: '200ms', description: 'A changed file must stay the same this long before it is read (so a file being written is not read half-way).' },
  },
} as const satisfies JsonSchema;

const cacheSize = {
  type: 'integer',
  minimum: 1,
  default: 65536,
  description: 'Answers kept per distinct looked-up value (address or name); up to twice this many are held.',
} as const satisfies JsonSchema;

const paths = (description: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, default: [], description }) as const satisfies JsonSchema;

export interface ReloadConfig {
  readonly watch: boolean;
  readonly interval: string | number;
  readonly settle: string | number;
}

// --- network-context ---------------------------------------------------------------------------------------

export const DEFAULT_INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10'] as const;

export const networkContextSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    internal: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [...DEFAULT_INTERNAL],
      description: 'Internal networks (CIDR, address or a-b range). Default: RFC 1918, loopback, link-local and unique-local ranges.',
    },
    internal_files: paths('Files listing more internal networks, one per line (# comments).'),
    zones: {
      type: 'object',
      default: {},
      additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } },
      description: 'Zone name -> networks (e.g. dmz: [192.0.2.0/24]). The most specific range names the zone.',
    },
    zone_files: paths('CSV files of `network,zone` lines (a header line is optional).'),
    asset_files: paths('Asset inventory CSV files with a header: network (or ip, cidr, range), host, owner, criticality (0-5), tags (; or | separated), zone. Longest prefix wins.'),
    zones_internal: { type: 'boolean', default: true, description: 'Addresses in a zone count as internal.' },
    assets_internal: { type: 'boolean', default: true, description: 'Addresses in the asset inventory count as internal.' },
    cache_size: { ...cacheSize, description: 'Not used by network-context: its lookups go to one flattened table and need no cache (accepted so existing configurations still load).' },
    reload,
  },
} as const satisfies JsonSchema;

export interface NetworkContextConfig {
  readonly internal: readonly string[];
  readonly internal_files: readonly string[];
  readonly zones: Readonly<Record<string, readonly string[]>>;
  readonly zone_files: readonly string[];
  readonly asset_files: readonly string[];
  readonly zones_internal: boolean;
  readonly assets_internal: boolean;
  readonly cache_size: number;
  readonly reload: ReloadConfig;
}

// --- geoip ---------------------------------------------------------------------------------------------------

export const geoipSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [
    { properties: { city_db: { type: 'string' } }, required: ['city_db'] },
    { properties: { asn_db: { type: 'string' } }, required: ['asn_db'] },
  ],
  properties: {
    city_db: { type: 'string', minLength: 1, description: 'MaxMind City or Country database (GeoIP2/GeoLite2 .mmdb): country, region, city, coordinates.' },
    asn_db: { type: 'string', minLength: 1, description: 'MaxMind ASN database (GeoLite2-ASN .mmdb; GeoIP2-ISP also works): ASN and organisation.' },
    locale: { type: 'string', default: 'en', description: 'Language of country, region and city names (falls back to English).' },
    verify: {
      type: 'boolean',
      default: true,
      description: 'Walk the whole database when it is loaded and decode every record, so a corrupt file fails at start (or is rejected on reload) instead of answering garbage mid-run.',
    },
    keep_exporter_asn: { type: 'boolean', default: true, description: 'Keep a non-zero src_asn/dst_asn the decoder already set (NetFlow exporter data).' },
    cache_size: cacheSize,
    reload,
  },
} as const satisfies JsonSchema;

export interface GeoipConfig {
  readonly city_db?: string;
  readonly asn_db?: string;
  readonly locale: string;
  readonly verify: boolean;
  readonly keep_exporter_asn: boolean;
  readonly cache_size: number;
  readonly reload: ReloadConfig;
}

// --- threat-intel --------------------------------------------------------------------------------------------

export const MATCH_FIELDS = ['src_ip', 'dst_ip', 'dns_query', 'dns_answers', 'prx_host', 'prx_uri', 'prx_referrer'] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

const severity = { type: 'integer', minimum: -1, maximum: 3 } as const satisfies JsonSchema;

export const threatIntelSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    feeds: {
      type: 'array',
      default: [],
      description: 'Indicator files: plain lists, CSV or STIX 2.1 bundles of IP, CIDR, domain and URL indicators.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1 },
          format: { enum: ['auto', 'text', 'csv', 'stix'], default: 'auto', description: 'auto: .json -> stix, .csv/.tsv -> csv, else text.' },
          source: { type: 'string', minLength: 1, description: 'Name of the feed in ti_hits and ti_reputation (default: the file name without extension).' },
          severity: { ...severity, default: 2, description: 'Severity of its indicators when the file gives none: -1 unknown, 0 none, 1 low, 2 medium, 3 high.' },
          category: { type: 'string', description: 'Category of its indicators when the file gives none (tor, botnet_cc, phishing…).' },
          delimiter: { type: 'string', minLength: 1, maxLength: 1, description: 'CSV delimiter (default , or tab for .tsv).' },
          columns: {
            type: 'object',
            additionalProperties: false,
            description: 'CSV column names, when the header does not use the usual ones (indicator/value/ioc, type, severity/level, category/threat_type, id).',
            properties: {
              indicator: { type: 'string' },
              type: { type: 'string' },
              severity: { type: 'string' },
              category: { type: 'string' },
              id: { type: 'string' },
            },
          },
        },
      },
    },
    fields: {
      type: 'array',
      items: { enum: [...MATCH_FIELDS] },
      default: ['src_ip', 'dst_ip', 'dns_query', 'dns_answers', 'prx_host', 'prx_uri'],
      description: 'Event fields matched against the indicators. dns_answers: the addresses and names in DNS answers.',
    },
    match_subdomains: { type: 'boolean', default: true, description: 'A domain indicator evil.example also matches www.evil.example.' },
    services: {
      type: 'array',
      default: [],
      description: 'Reputation services (Spot-style `service:label:level`): modules exporting createReputationService(config).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['module'],
        properties: {
          module: { type: 'string', minLength: 1, description: 'Package name or path (relative to the pipeline file) of the service module.' },
          name: { type: 'string', minLength: 1 },
          config: { type: 'object', default: {} },
          timeout: { $ref: `${defs}/duration`, default: '2s', description: 'A batch goes on without the service\'s verdicts after this long.' },
          ttl: { $ref: `${defs}/duration`, default: '1h', description: 'How long a verdict is reused before the value is asked again.' },
        },
      },
    },
    cache_size: cacheSize,
    reload,
  },
} as const satisfies JsonSchema;

export interface FeedConfig {
  readonly path: string;
  readonly format: 'auto' | 'text' | 'csv' | 'stix';
  readonly source?: string;
  readonly severity: number;
  readonly category?: string;
  readonly delimiter?: string;
  readonly columns?: { readonly indicator?: string; readonly type?: string; readonly severity?: string; readonly category?: string; readonly id?: string };
}

export interface ServiceConfig {
  readonly module: string;
  readonly name?: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly timeout: string | number;
  readonly ttl: string | number;
}

export interface ThreatIntelConfig {
  readonly feeds: readonly FeedConfig[];
  readonly fields: readonly MatchField[];
  readonly match_subdomains: boolean;
  readonly services: readonly ServiceConfig[];
  readonly cache_size: number;
  readonly reload: ReloadConfig;
}

// --- domain-facts --------------------------------------------------------------------------------------------

export const domainFactsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    top_domains: { type: 'string', minLength: 1, description: 'Top-domains list in Tranco / Umbrella / Alexa CSV form (`rank,domain`, no header).' },
    top_limit: { type: 'integer', minimum: 1, description: 'Only the first N ranks count as top domains.' },
    private_suffixes: { type: 'boolean', default: false, description: 'Treat the private part of the public suffix list (blogspot.com, github.io…) as suffixes.' },
    cache_size: cacheSize,
    reload,
  },
} as const satisfies JsonSchema;

export interface DomainFactsConfig {
  readonly top_domains?: string;
  readonly top_limit?: number;
  readonly private_suffixes: boolean;
  readonly cache_size: number;
  readonly reload: ReloadConfig;
}

// --- risk ------------------------------------------------------------------------------------------------------

export const riskSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Points added up into risk_priority (0-100); every non-zero term becomes a line of risk_reasons.',
  properties: {
    criticality_points: { type: 'number', minimum: 0, default: 10, description: 'Points per criticality level (0-5) of the most critical endpoint.' },
    internal_criticality: { type: 'integer', minimum: 0, maximum: 5, default: 1, description: 'Criticality of an internal endpoint that is not in the asset inventory.' },
    intel_points: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Points by ti_severity.',
      properties: {
        low: { type: 'number', minimum: 0, default: 15 },
        medium: { type: 'number', minimum: 0, default: 30 },
        high: { type: 'number', minimum: 0, default: 45 },
      },
    },
    corroboration_points: { type: 'number', minimum: 0, default: 5, description: 'Points per further intelligence source that lists the event (up to 3 more).' },
    critical_target_points: {
      type: 'number',
      minimum: 0,
      default: 15,
      description: 'Extra points when an endpoint of criticality 4 or more meets an intelligence hit of medium severity or more.',
    },
    zone_points: { type: 'object', additionalProperties: { type: 'number' }, default: {}, description: 'Zone name -> points when either endpoint is in it (the largest counts).' },
    direction_points: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        inbound: { type: 'number', default: 10 },
        outbound: { type: 'number', default: 5 },
        internal: { type: 'number', default: 0 },
        external: { type: 'number', default: 0 },
      },
    },
  },
} as const satisfies JsonSchema;

export interface RiskConfig {
  readonly criticality_points: number;
  readonly internal_criticality: number;
  readonly intel_points: { readonly low: number; readonly medium: number; readonly high: number };
  readonly corroboration_points: number;
  readonly critical_target_points: number;
  readonly zone_points: Readonly<Record<string, number>>;
  readonly direction_points: { readonly inbound: number; readonly outbound: number; readonly internal: number; readonly external: number };
}

export function reloadSettings(r: ReloadConfig, parseDuration: (v: string | number) => number): { watch: boolean; intervalMs: number; settleMs: number } {
  return { watch: r.watch, intervalMs: parseDuration(r.interval), settleMs: parseDuration(r.settle) };
}
