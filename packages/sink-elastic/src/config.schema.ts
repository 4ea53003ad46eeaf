import type { JsonSchema } from '@sightline/core';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';

/** Config of the Elasticsearch sink. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    node: {
      description: 'Elasticsearch URL(s), e.g. `https://es.example:9200`. One of `node` or `cloud_id` is required.',
      oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }],
    },
    cloud_id: { type: 'string', minLength: 1, description: 'Elastic Cloud deployment id (instead of `node`).' },
    auth: {
      type: 'object',
      additionalProperties: false,
      description: 'Credentials: `api_key` (the encoded key), or `username` and `password`, or `bearer` (a service token).',
      properties: {
        api_key: { type: 'string', minLength: 1 },
        username: { type: 'string', minLength: 1 },
        password: { type: 'string' },
        bearer: { type: 'string', minLength: 1 },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca_file: { type: 'string', minLength: 1, description: 'PEM file of the CA that signed the cluster\'s certificate (relative to the pipeline file).' },
        reject_unauthorized: { type: 'boolean', default: true, description: 'Refuse certificates that do not verify. Only turn off for a lab.' },
      },
    },
    mode: { enum: ['data_stream', 'index'], default: 'data_stream', description: '`data_stream` (logs-sightline.<kind>-<namespace>) or time-based indices (sightline-<kind>-<date>).' },
    namespace: { type: 'string', pattern: '^[a-z0-9_]+$', default: 'default', description: 'Data stream namespace.' },
    index: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Target name patterns. Placeholders: {kind} (flow, dns, proxy), {namespace}, {date} (the event\'s UTC day, yyyy.MM.dd; index mode).',
      properties: {
        events: { type: 'string', minLength: 1 },
        alerts: { type: 'string', minLength: 1 },
      },
    },
    setup: { type: 'boolean', default: true, description: 'Install index templates (ECS field types, `ip` fields typed ip) and create the data streams on start.' },
    template_priority: { type: 'integer', minimum: 0, default: 200, description: 'Priority of the installed templates (above the built-in logs-*-* template at 100).' },
    batch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_events: { type: 'integer', minimum: 1, default: 1000, description: 'Most documents in one bulk request.' },
        max_bytes: { $ref: `${defs}/size`, default: '5MiB', description: 'Largest bulk request body.' },
      },
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 2, description: 'Bulk requests in flight at once.' },
    request_timeout: { $ref: `${defs}/duration`, default: '30s', description: 'How long one bulk request may take before it is retried.' },
    compression: { type: 'boolean', default: false, description: 'Gzip request bodies.' },
  },
} as const satisfies JsonSchema;

export interface ElasticSinkConfig {
  readonly node?: string | readonly string[];
  readonly cloud_id?: string;
  readonly auth?: { readonly api_key?: string; readonly username?: string; readonly password?: string; readonly bearer?: string };
  readonly tls: { readonly ca_file?: string; readonly reject_unauthorized: boolean };
  readonly mode: 'data_stream' | 'index';
  readonly namespace: string;
  readonly index: { readonly events?: string; readonly alerts?: string };
  readonly setup: boolean;
  readonly template_priority: number;
  readonly batch: { readonly max_events: number; readonly max_bytes: string | number };
  readonly concurrency: number;
  readonly request_timeout: string | number;
  readonly compression: boolean;
}
