import type { JsonSchema } from '@sightline/core';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';
const perKind = (description: string) =>
  ({
    type: 'object',
    additionalProperties: false,
    default: {},
    description,
    properties: { flow: { type: 'string', minLength: 1 }, dns: { type: 'string', minLength: 1 }, proxy: { type: 'string', minLength: 1 }, alerts: { type: 'string', minLength: 1 } },
  }) as const;

/** Config of the Splunk HEC sink. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'token'],
  properties: {
    url: { type: 'string', pattern: '^https?://', description: 'HEC base URL, e.g. `https://splunk.example:8088`.' },
    token: { type: 'string', minLength: 1, description: 'HEC token (use `${SPLUNK_HEC_TOKEN}` to keep it out of the file).' },
    endpoint: { type: 'string', pattern: '^/', default: '/services/collector/event', description: 'Event endpoint path.' },
    index: perKind('Splunk index per event kind (`alerts` for scored alerts); absent: the token\'s default index.'),
    sourcetype: perKind('Sourcetype per event kind; defaults sightline:flow, sightline:dns, sightline:proxy, sightline:alert.'),
    source: { type: 'string', minLength: 1, default: 'sightline', description: 'HEC `source` of every event.' },
    host: { type: 'string', minLength: 1, description: 'HEC `host`; default the event\'s reporting device (dvc_host or dvc_ip).' },
    batch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_events: { type: 'integer', minimum: 1, default: 500, description: 'Most events in one HEC request.' },
        max_bytes: { $ref: `${defs}/size`, default: '1MiB', description: 'Largest HEC request body (before gzip).' },
      },
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 2, description: 'HEC requests in flight at once.' },
    gzip: { type: 'boolean', default: true, description: 'Compress request bodies.' },
    channel: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'HEC channel (GUID); default a new one per run.' },
    ack: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Indexer acknowledgement: wait until Splunk says each batch is indexed (Splunk Enterprise; the token must have it on).',
      properties: {
        enabled: { type: 'boolean', default: false },
        poll_interval: { $ref: `${defs}/duration`, default: '1s' },
        timeout: { $ref: `${defs}/duration`, default: '60s', description: 'After this, unacknowledged events are sent again.' },
      },
    },
    request_timeout: { $ref: `${defs}/duration`, default: '30s' },
    tls: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca_file: { type: 'string', minLength: 1, description: 'PEM file of the CA that signed the HEC certificate.' },
        reject_unauthorized: { type: 'boolean', default: true },
      },
    },
  },
} as const satisfies JsonSchema;

type PerKind = { readonly flow?: string; readonly dns?: string; readonly proxy?: string; readonly alerts?: string };

export interface SplunkSinkConfig {
  readonly url: string;
  readonly token: string;
  readonly endpoint: string;
  readonly index: PerKind;
  readonly sourcetype: PerKind;
  readonly source: string;
  readonly host?: string;
  readonly batch: { readonly max_events: number; readonly max_bytes: string | number };
  readonly concurrency: number;
  readonly gzip: boolean;
  readonly channel?: string;
  readonly ack: { readonly enabled: boolean; readonly poll_interval: string | number; readonly timeout: string | number };
  readonly request_timeout: string | number;
  readonly tls: { readonly ca_file?: string; readonly reject_unauthorized: boolean };
}
