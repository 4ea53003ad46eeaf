import type { PluginContext } from '../contracts/common.js';
import type { EnrichResult, Enricher } from '../contracts/enricher.js';
import { definePlugin } from '../di/define-plugin.js';
import { SightlineError } from '../errors/sightline-error.js';
import { CONTEXT_FIELDS } from '../model/generated/odm-schemas.js';
import type { OdmEvent } from '../model/event.js';
import { CORE_VERSION } from '../version.js';

export interface MapLookup {
  /** Event field whose value is looked up (`src_ip`, `dst_ip`, `dns_query`…). */
  readonly field: string;
  /** Value -> context fields to set. */
  readonly table: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface MapEnricherConfig {
  readonly lookups: readonly MapLookup[];
}

const CONTEXT = new Set<string>(CONTEXT_FIELDS);

/**
 * Sets context fields from exact-match tables given in its config (e.g. `src_ip` 10.0.0.5 -> `src_zone: dmz`).
 * The in-memory twin of the real enrichers: a miss leaves the event as it was.
 */
export class MapEnricher implements Enricher {
  readonly name: string;
  readonly #lookups: { field: string; table: Map<string, Readonly<Record<string, unknown>>> }[];

  constructor(config: MapEnricherConfig, name = 'map') {
    this.name = name;
    for (const [i, l] of config.lookups.entries()) {
      for (const [value, set] of Object.entries(l.table)) {
        for (const f of Object.keys(set)) {
          if (!CONTEXT.has(f)) {
            throw new SightlineError('SL_PLUGIN_CONFIG_INVALID', `lookups[${i}].table["${value}"].${f} is not a context-block field (enrichers may set: ${CONTEXT_FIELDS.slice(0, 6).join(', ')}, …)`, {
              stage: 'enrich',
              plugin: name,
            });
          }
        }
      }
    }
    this.#lookups = config.lookups.map((l) => ({ field: l.field, table: new Map(Object.entries(l.table)) }));
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    for (const event of events) {
      const record = event as unknown as Record<string, unknown>;
      for (const l of this.#lookups) {
        const key = record[l.field];
        if (key === undefined) continue;
        const set = l.table.get(String(key));
        if (set !== undefined) Object.assign(record, structuredClone(set));
      }
    }
  }
}

export const mapEnricherManifest = definePlugin<'enricher', MapEnricherConfig>({
  name: 'map',
  kind: 'enricher',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Sets context fields from exact-match lookup tables in its config (reference enricher).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      lookups: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          required: ['field', 'table'],
          additionalProperties: false,
          properties: {
            field: { type: 'string' },
            table: { type: 'object', additionalProperties: { type: 'object' } },
          },
        },
      },
    },
  },
  create: (config, ctx) => new MapEnricher(config, ctx.step),
});
