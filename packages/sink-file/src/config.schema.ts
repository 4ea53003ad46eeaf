import type { JsonSchema } from '@sightline/core';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';

/** Config of the file sink. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      minLength: 1,
      default: '{stream}/{kind}',
      description:
        'Output file path without extension, relative to the run folder. Placeholders: {stream} (events or alerts), {kind} (flow, dns, proxy), {window} (start of the time partition, with rotate.interval).',
    },
    format: { enum: ['ndjson', 'csv'], default: 'ndjson' },
    columns: {
      description: 'CSV columns: `odm` (every field of the kind), `spot` (Apache Spot ingest columns for events, result columns for alerts), `spot-ingest`, `spot-results`, or a list of ODM field names.',
      oneOf: [{ enum: ['odm', 'spot', 'spot-ingest', 'spot-results'] }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
      default: 'odm',
    },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, description: 'CSV delimiter (default `,`; tab for the Spot column sets).' },
    header: { type: 'boolean', description: 'Write a header line in CSV files (default true; false for the Spot column sets, as Spot\'s result files had none).' },
    escape_formulas: { type: 'boolean', default: false, description: 'Prefix text cells starting with = + - @ with a quote, so spreadsheets do not run them as formulas.' },
    gzip: { type: 'boolean', default: false, description: 'Compress files (each batch is one gzip member; the file is a valid gzip stream).' },
    rotate: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_bytes: { $ref: `${defs}/size`, description: 'Start a new part when a file reaches this size.' },
        max_events: { type: 'integer', minimum: 1, description: 'Start a new part after this many events.' },
        interval: { $ref: `${defs}/duration`, description: 'Partition files by event time into windows of this size ({window} in the path).' },
      },
    },
    dedupe_batches: {
      type: 'integer',
      minimum: 0,
      default: 8,
      description: 'Skip events whose id was written in the last N batches, so a retried batch does not duplicate lines.',
    },
    max_open_files: { type: 'integer', minimum: 1, default: 64, description: 'Files kept open at once; the least recently used is finalised first.' },
  },
} as const satisfies JsonSchema;

export interface FileSinkConfig {
  readonly path: string;
  readonly format: 'ndjson' | 'csv';
  readonly columns: 'odm' | 'spot' | 'spot-ingest' | 'spot-results' | readonly string[];
  readonly delimiter?: string;
  readonly header?: boolean;
  readonly escape_formulas: boolean;
  readonly gzip: boolean;
  readonly rotate: { readonly max_bytes?: string | number; readonly max_events?: number; readonly interval?: string | number };
  readonly dedupe_batches: number;
  readonly max_open_files: number;
}
