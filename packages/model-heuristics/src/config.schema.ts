import type { JsonSchema } from '@sightline/core';
import { DEFAULT_INTERNAL_NETWORKS } from './features/networks.js';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';
const DETECTORS = ['scanning', 'beaconing', 'dns_tunnel', 'dga', 'exfiltration'] as const;
export type DetectorName = (typeof DETECTORS)[number];
export const DETECTOR_NAMES: readonly DetectorName[] = DETECTORS;

const ports = { type: 'array', items: { type: 'integer', minimum: 0, maximum: 65535 } } as const;
const strings = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/** Config of the heuristics model. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    internal_networks: {
      ...strings,
      default: [...DEFAULT_INTERNAL_NETWORKS],
      description: 'Address ranges (CIDR) of the organisation. Used when an event has no src_internal/dst_internal marks from enrich-context. Default: RFC 1918, RFC 4193 and link-local.',
    },
    use_event_context: {
      type: 'boolean',
      default: true,
      description: 'Use the context block when present (src_internal, dst_internal, domain_registrable, domain_subdomain, domain_top_rank) instead of computing it.',
    },
    top_domains: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Popular registrable domains (a Tranco or Umbrella `rank,domain` CSV): trains the DGA n-gram model and exempts listed domains from beaconing, tunnelling and exfiltration findings.',
      properties: {
        path: { type: 'string', minLength: 1, description: 'The CSV file, relative to the pipeline file.' },
        max_rank: { type: 'integer', minimum: 1, default: 100000, description: 'Only domains up to this rank count as popular.' },
        builtin_words: {
          type: 'integer',
          minimum: 0,
          default: 60000,
          description: 'Also train the n-gram model on this many of the most common English (Wikipedia) words, the built-in fallback when no list is given. 0 turns it off (then a list is required for DGA).',
        },
      },
    },
    detectors: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        scanning: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            vertical_min_ports: { type: 'integer', minimum: 2, default: 25, description: 'Distinct ports of one target probed by one source for a vertical (port) scan.' },
            horizontal_min_hosts: { type: 'integer', minimum: 2, default: 25, description: 'Distinct targets probed by one source on one port for a horizontal (host) scan.' },
            max_probe_packets: { type: 'integer', minimum: 1, default: 3, description: 'A flow without TCP flags counts as a probe when it has at most this many packets.' },
            ignore_udp_ports: { ...ports, default: [53, 123, 137, 138, 1900, 5353, 5355], description: 'UDP ports whose many small flows are normal (resolvers, NTP, NetBIOS, SSDP, mDNS, LLMNR).' },
          },
        },
        beaconing: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            min_beats: { type: 'integer', minimum: 4, default: 12, description: 'Connections (after merging those less than a second apart) a pair needs before its timing is judged.' },
            min_period: { $ref: `${defs}/duration`, default: '10s' },
            max_period: { $ref: `${defs}/duration`, default: '6h' },
            tolerance: { type: 'number', exclusiveMinimum: 0, maximum: 0.5, default: 0.2, description: 'How far an interval may be from a whole number of periods, as a share of the period.' },
            min_regularity: { type: 'number', minimum: 0, maximum: 1, default: 0.75, description: 'Share of intervals that must fit the period.' },
            max_missed: { type: 'number', minimum: 0, maximum: 1, default: 0.35, description: 'Largest share of intervals that may span missed beats.' },
            max_sources: { type: 'integer', minimum: 1, default: 3, description: 'A destination that more internal hosts talk to is a shared service, not a C2.' },
            max_mean_bytes: { $ref: `${defs}/size`, default: '1MiB', description: 'Connections larger than this on average are transfers (backups, sync), not check-ins.' },
            include_internal: { type: 'boolean', default: false, description: 'Also judge internal destinations (default: outbound only).' },
            ignore: { ...strings, default: ['123/udp'], description: 'Services never judged, as `port/proto` (NTP polls on a fixed period by design).' },
          },
        },
        dns_tunnel: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            min_unique_subdomains: { type: 'integer', minimum: 2, default: 60, description: 'Unique subdomains of one registrable domain asked by one client.' },
            min_mean_length: { type: 'number', minimum: 0, default: 20, description: 'Mean subdomain length (characters) from which names carry data.' },
            min_entropy: { type: 'number', minimum: 0, default: 4, description: 'Mean subdomain entropy (bits per character) from which names look encoded, whatever the n-gram model says (long names of words reach about 3.7).' },
            max_clients: { type: 'integer', minimum: 1, default: 3, description: 'A domain more clients ask is a shared service (CDN, antivirus lookups), not a tunnel.' },
          },
        },
        dga: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            min_nxdomains: { type: 'integer', minimum: 2, default: 25, description: 'Distinct random-looking registrable domains answered NXDOMAIN to one client.' },
            min_random_share: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Share of the client\'s NXDOMAIN domains that must look random.' },
            min_label_length: { type: 'integer', minimum: 3, default: 7, description: 'Shorter labels are not judged.' },
            percentile: { type: 'number', exclusiveMinimum: 0, maximum: 50, default: 1, description: 'A label is random-looking when its n-gram score is below this percentile of normal labels of its length.' },
          },
        },
        exfiltration: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            enabled: { type: 'boolean', default: true },
            min_bytes: { $ref: `${defs}/size`, default: '50MiB', description: 'Outbound bytes to one destination below this never alert.' },
            factor: { type: 'number', minimum: 1, default: 10, description: 'How many times the host\'s own baseline the volume must be.' },
            baseline_floor: { $ref: `${defs}/size`, default: '1MiB', description: 'The smallest baseline assumed for a host (a quiet host is not alerted for ordinary uploads).' },
            max_sources: { type: 'integer', minimum: 1, default: 3, description: 'A destination that more internal hosts talk to is not rare.' },
            min_ratio: { type: 'number', minimum: 0, default: 2, description: 'Bytes out must be at least this many times the bytes back (an upload, not a download).' },
          },
        },
      },
    },
    allow: {
      type: 'array',
      default: [],
      description: 'Allow-list: findings that match a rule are suppressed (recorded in the state, never alerted).',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          detectors: { type: 'array', items: { enum: [...DETECTORS] }, description: 'Only these detectors (default all).' },
          sources: { ...strings, description: 'Source hosts (addresses or CIDR ranges).' },
          destinations: { ...strings, description: 'Destination hosts (addresses or CIDR ranges).' },
          domains: { ...strings, description: 'Registrable domains (and their subdomains).' },
          note: { type: 'string' },
        },
      },
    },
    alerts: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        per_finding: { type: 'integer', minimum: 1, maximum: 1000, default: 1, description: 'Events of a finding scored at the finding\'s score (its first examples): what ranks among the alerts.' },
        members: { type: 'boolean', default: false, description: 'Also score every other event of a finding, far below any finding\'s own score (value = score / 1000).' },
        examples: { type: 'integer', minimum: 1, maximum: 100, default: 5, description: 'Example event ids kept in each finding\'s evidence.' },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Memory bounds. Beyond them the model evicts or aggregates, and says so in the evidence and describe().',
      properties: {
        max_hosts: { type: 'integer', minimum: 1, default: 100000, description: 'Hosts tracked per window; events of further hosts are counted, not analysed.' },
        max_peers_per_host: { type: 'integer', minimum: 8, default: 1024, description: 'Destinations (and proxy hosts) tracked per host; beyond it the least active are evicted.' },
        max_domains_per_host: { type: 'integer', minimum: 8, default: 1024, description: 'Registrable domains tracked per DNS client; beyond it the least asked are evicted.' },
        max_targets_per_host: { type: 'integer', minimum: 8, default: 1024, description: 'Probe targets (hosts and ports) tracked per scanning source.' },
        max_beats: { type: 'integer', minimum: 16, default: 2048, description: 'Connection times kept per pair for the beaconing test.' },
        exact_distinct: { type: 'integer', minimum: 16, default: 512, description: 'Distinct counts are exact up to this, then estimated (HyperLogLog, about 3 %).' },
        max_destinations: { type: 'integer', minimum: 1000, default: 200000, description: 'Destinations whose internal audience (how many hosts talk to them) is tracked.' },
      },
    },
  },
} as const satisfies JsonSchema;

export interface HeuristicsConfig {
  readonly internal_networks: readonly string[];
  readonly use_event_context: boolean;
  readonly top_domains: { readonly path?: string; readonly max_rank: number; readonly builtin_words: number };
  readonly detectors: {
    readonly scanning: { readonly enabled: boolean; readonly vertical_min_ports: number; readonly horizontal_min_hosts: number; readonly max_probe_packets: number; readonly ignore_udp_ports: readonly number[] };
    readonly beaconing: {
      readonly enabled: boolean;
      readonly min_beats: number;
      readonly min_period: string | number;
      readonly max_period: string | number;
      readonly tolerance: number;
      readonly min_regularity: number;
      readonly max_missed: number;
      readonly max_sources: number;
      readonly max_mean_bytes: string | number;
      readonly include_internal: boolean;
      readonly ignore: readonly string[];
    };
    readonly dns_tunnel: { readonly enabled: boolean; readonly min_unique_subdomains: number; readonly min_mean_length: number; readonly min_entropy: number; readonly max_clients: number };
    readonly dga: { readonly enabled: boolean; readonly min_nxdomains: number; readonly min_random_share: number; readonly min_label_length: number; readonly percentile: number };
    readonly exfiltration: { readonly enabled: boolean; readonly min_bytes: string | number; readonly factor: number; readonly baseline_floor: string | number; readonly max_sources: number; readonly min_ratio: number };
  };
  readonly allow: readonly AllowRule[];
  readonly alerts: { readonly per_finding: number; readonly members: boolean; readonly examples: number };
  readonly limits: {
    readonly max_hosts: number;
    readonly max_peers_per_host: number;
    readonly max_domains_per_host: number;
    readonly max_targets_per_host: number;
    readonly max_beats: number;
    readonly exact_distinct: number;
    readonly max_destinations: number;
  };
}

export interface AllowRule {
  readonly detectors?: readonly DetectorName[];
  readonly sources?: readonly string[];
  readonly destinations?: readonly string[];
  readonly domains?: readonly string[];
  readonly note?: string;
}
