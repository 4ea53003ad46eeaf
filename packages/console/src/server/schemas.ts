import type { JsonSchema } from '@sightline/core';

/** Request schemas: every parameter the API takes, checked by ajv before a handler runs (unknown ones refused). */
const runId = { type: 'string', pattern: '^(latest|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$' } as const;
const kind = { enum: ['flow', 'dns', 'proxy'] } as const;
const epochMs = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 } as const;

const filterProperties = {
  window: epochMs,
  model: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
  ip: { type: 'string', minLength: 2, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$', description: 'an address or a CIDR block' },
  domain: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?$' },
  uri: { type: 'string', minLength: 1, maxLength: 2048 },
  from: epochMs,
  to: epochMs,
  risk_min: { type: 'number', minimum: 0, maximum: 100 },
  rated: { enum: ['any', 'rated', 'unrated', '1', '2', '3'] },
} as const;

export const runParams = { type: 'object', additionalProperties: false, required: ['run'], properties: { run: runId } } as const satisfies JsonSchema;
export const alertParams = { type: 'object', additionalProperties: false, required: ['run', 'n'], properties: { run: runId, n: { type: 'integer', minimum: 0, maximum: 4_294_967_295 } } } as const satisfies JsonSchema;
export const fileParams = { type: 'object', additionalProperties: false, required: ['run', 'file'], properties: { run: runId, file: { type: 'integer', minimum: 0, maximum: 65535 } } } as const satisfies JsonSchema;
export const ratingParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } } } as const satisfies JsonSchema;

export const alertsQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind,
    ...filterProperties,
    sort: { enum: ['risk', 'time'], default: 'risk' },
    order: { enum: ['asc', 'desc'], default: 'desc' },
    offset: { type: 'integer', minimum: 0, maximum: 100_000_000, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    compare: runId,
  },
} as const satisfies JsonSchema;

export const graphQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { kind, ...filterProperties, limit: { type: 'integer', minimum: 1, maximum: 2000, default: 250 } },
} as const satisfies JsonSchema;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
} as const satisfies JsonSchema;

export const ratingsQuery = { type: 'object', additionalProperties: false, properties: { run: runId, compare: runId } } as const satisfies JsonSchema;
export const exportQuery = { type: 'object', additionalProperties: false, properties: { format: { enum: ['ndjson', 'csv'], default: 'ndjson' } } } as const satisfies JsonSchema;
export const emptyQuery = { type: 'object', additionalProperties: false, properties: {} } as const satisfies JsonSchema;
export const pageParams = { type: 'object', additionalProperties: false, properties: { token: { type: 'string', maxLength: 256 } } } as const satisfies JsonSchema;

export const ratingBody = {
  type: 'object',
  additionalProperties: false,
  required: ['run', 'n', 'rating', 'scope'],
  properties: {
    run: runId,
    n: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
    rating: { enum: [1, 2, 3] },
    scope: { enum: ['event', 'pattern'] },
    fields: { type: 'array', maxItems: 8, uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' } },
    word: { type: 'boolean' },
    note: { type: 'string', maxLength: 1000 },
    by: { type: 'string', maxLength: 100 },
  },
} as const satisfies JsonSchema;
