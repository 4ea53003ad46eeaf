import type { EventKind } from '@sightline/core';
import { DEFAULT_INTERNAL_NETWORKS } from './documents.js';

const KINDS = ['flow', 'dns', 'proxy'] as const;

/** Config of the LDA model, as the pipeline file gives it after defaults. */
export interface LdaConfig {
  readonly kinds: readonly EventKind[];
  readonly topics: number;
  readonly alpha: number;
  readonly beta: number;
  readonly sweeps: number;
  readonly workers: number;
  readonly leave_one_out: boolean;
  readonly warm_start: boolean;
  readonly train_budget: number;
  readonly min_tokens_per_host: number;
  readonly fold_in_iterations: number;
  readonly feedback: {
    readonly dupfactor: number;
    readonly pin_high_risk: boolean;
  };
  readonly words: {
    readonly user_domain?: string;
    readonly proxy_own_domain?: string;
    readonly public_suffix: boolean;
    readonly dns_question_features: boolean;
    readonly dns_queries: boolean;
    readonly utc_offset_minutes: number;
    readonly top_domains: { readonly path?: string; readonly max_rank: number };
  };
  readonly featurizers: Readonly<Partial<Record<EventKind, string>>>;
  readonly documents: { readonly internal_only: boolean; readonly internal_networks: readonly string[] };
}

/**
 * Config of the LDA model. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.)
 * Defaults are Apache Spot's, translated: Spot fitted Spark's EM LDA with α = 1.02 and β = 1.001, whose MAP
 * estimate equals the posterior mean of collapsed Gibbs sampling with α − 1 and β − 1, hence 0.02 and 0.001 here.
 */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kinds: {
      type: 'array',
      items: { enum: [...KINDS] },
      minItems: 1,
      uniqueItems: true,
      default: [...KINDS],
      description: 'Event kinds to model. Each kind gets its own topic model (as Spot ran one per data type): flow words and DNS words do not share a vocabulary.',
    },
    topics: { type: 'integer', minimum: 2, maximum: 255, default: 20, description: 'K, the number of topics (Spot: `--ldatopiccount` 20).' },
    alpha: { type: 'number', exclusiveMinimum: 0, default: 0.02, description: 'Symmetric document-topic prior (Spot\'s EM α 1.02, minus 1 for Gibbs).' },
    beta: { type: 'number', exclusiveMinimum: 0, default: 0.001, description: 'Symmetric topic-word prior (Spot\'s EM β 1.001, minus 1); also smooths the score of words the model has not seen (Spot scored them 0).' },
    sweeps: { type: 'integer', minimum: 1, maximum: 10000, default: 200, description: 'Gibbs sweeps over every training token.' },
    workers: { type: 'integer', minimum: 1, maximum: 64, default: 1, description: 'Sampler threads (AD-LDA). The fit is deterministic for a given seed and worker count; more workers are faster on more cores.' },
    leave_one_out: {
      type: 'boolean',
      default: true,
      description: 'Score an event of the training window with its own observation taken out of the counts (expected over its topic), so a lone event is not made likely by having been trained on. false scores as Spot did.',
    },
    warm_start: { type: 'boolean', default: true, description: 'Start from the previous window\'s topics (same `topics`), so topics keep their meaning from one day to the next and fewer sweeps settle.' },
    train_budget: {
      type: 'integer',
      minimum: 1000,
      default: 20000000,
      description: 'Most tokens (one per DNS or proxy event, two per flow) sampled per kind. A larger window is trained on a host-stratified sample of this size and every host\'s full behaviour is then folded in with the topics fixed.',
    },
    min_tokens_per_host: { type: 'integer', minimum: 1, default: 200, description: 'When sampling, each host keeps at least this many of its tokens (all of them if it has fewer), so quiet hosts are still learned.' },
    fold_in_iterations: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'EM iterations that fold each host\'s full behaviour in (topics fixed) when the training set was a sample.' },
    feedback: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        dupfactor: {
          type: 'integer',
          minimum: 0,
          default: 1000,
          description: 'Each pattern an analyst rated 3 (low risk) is added this many times to the next fit\'s training data, as Spot\'s DUPFACTOR did, so it stops looking rare.',
        },
        pin_high_risk: { type: 'boolean', default: true, description: 'Events matching a rating of 1 (high risk) score 0, so they stay at the top of the list whatever the model learns.' },
      },
    },
    words: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        user_domain: { type: 'string', minLength: 1, description: 'Your organisation\'s domain label (Spot `--userdomain`, e.g. `example` for example.com): DNS names in it get top-domain class 2.' },
        proxy_own_domain: { type: 'string', minLength: 1, description: 'The same for proxy hosts. Spot hard-coded `intel` here; by default the proxy words use `user_domain` when it is given, else Spot\'s `intel`.' },
        public_suffix: { type: 'boolean', default: false, description: 'Split names into registrable domain and subdomain with the public suffix list instead of Spot\'s TLD list (which makes `co` the domain of www.google.co.uk).' },
        dns_question_features: { type: 'boolean', default: false, description: 'Take DNS length features from the DNS message itself rather than the captured frame (which includes link-layer bytes that vary with the capture point).' },
        dns_queries: { type: 'boolean', default: false, description: 'Also make words of DNS queries (the client is the query\'s source). Spot ingested responses only; turn this on for captures that hold queries without their answers.' },
        utc_offset_minutes: { type: 'integer', minimum: -840, maximum: 840, default: 0, description: 'Hour-of-day features in this offset from UTC (Spot used the collector\'s local time).' },
        top_domains: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Popular domains (a Tranco, Umbrella or Alexa `rank,domain` CSV) for the top-domain class 1. Without it no name is in class 1.',
          properties: {
            path: { type: 'string', minLength: 1, description: 'The CSV file, relative to the pipeline file.' },
            max_rank: { type: 'integer', minimum: 1, default: 1000000, description: 'Only domains up to this rank count (Spot used the Alexa top 1M).' },
          },
        },
      },
    },
    documents: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Which hosts get a document (a topic mix of their own).',
      properties: {
        internal_only: {
          type: 'boolean',
          default: false,
          description: 'Only the organisation\'s hosts are documents: flows are scored from their internal end(s), events without an internal host are not scored. Spot (false) made a document of every address, so external addresses seen once fill the top of the list.',
        },
        internal_networks: {
          type: 'array',
          items: { type: 'string', minLength: 3 },
          default: [...DEFAULT_INTERNAL_NETWORKS],
          description: 'The organisation\'s address ranges (CIDR). Default: RFC 1918, RFC 4193 and link-local.',
        },
      },
    },
    featurizers: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Replace the words of a kind with a third-party featurizer: a package name or a path relative to the pipeline file whose module exports a featurizer.',
      properties: Object.fromEntries(KINDS.map((k) => [k, { type: 'string', minLength: 1 }])),
    },
  },
} as const;
