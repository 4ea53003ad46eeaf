import type { JsonSchema } from '@sightline/core';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    csv_columns: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z0-9_]+$' },
      default: [],
      description: 'Column names (nfdump CSV tokens: ts, te, td, sa, da, sp, dp, pr, flg, ipkt, ibyt, …, ra, tr) of nfdump CSV files written without a header line (`nfdump -q -o csv`). Files with a header use their own.',
    },
    templates: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Where NetFlow v9 / IPFIX templates are kept, for how long, and what happens to data that arrives before its template.',
      properties: {
        store: { enum: ['memory', 'redis'], default: 'memory', description: '`memory`: this process only. `redis`: shared by several decode workers (keys under `redis_prefix`).' },
        ttl: { $ref: 'https://sightline.dev/config/v0/defs.schema.json#/$defs/duration', default: 0, description: 'A template expires this long after the exporter last announced it (input time); 0 (the default, as nfdump and goflow2 do) keeps it until the exporter replaces or withdraws it.' },
        redis_url: { type: 'string', default: 'redis://127.0.0.1:6379', description: 'Redis server for `store: redis`.' },
        redis_prefix: { type: 'string', default: 'sightline:netflow:templates:', description: 'Key prefix for `store: redis`.' },
        persist: { type: 'string', default: '', description: 'File (relative to the step\'s state folder) where templates are saved so a restart does not lose them; \'\' = off. Example: `templates.json`.' },
        pending_max_bytes: { $ref: 'https://sightline.dev/config/v0/defs.schema.json#/$defs/size', default: '4MiB', description: 'Data sets that arrive before their template are held up to this many bytes, then quarantined oldest first.' },
        pending_max_age: { $ref: 'https://sightline.dev/config/v0/defs.schema.json#/$defs/duration', default: '10m', description: 'How long (input time) a data set waits for its template before it is quarantined.' },
      },
    },
  },
} as const satisfies JsonSchema;

/** The step config after validation and defaults (durations and sizes still as written). */
export interface NetflowConfig {
  readonly csv_columns: readonly string[];
  readonly templates: {
    readonly store: 'memory' | 'redis';
    readonly ttl: string | number;
    readonly redis_url: string;
    readonly redis_prefix: string;
    readonly persist: string;
    readonly pending_max_bytes: string | number;
    readonly pending_max_age: string | number;
  };
}
