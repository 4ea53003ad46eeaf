import type { PluginContext } from '../contracts/common.js';
import type { FitContext, Model, ModelReport, ModelState, ModelWindow, ScoreOutcome } from '../contracts/model.js';
import { definePlugin } from '../di/define-plugin.js';
import { SightlineError } from '../errors/sightline-error.js';
import { EVENT_KINDS, type EventKind, type OdmEvent } from '../model/event.js';
import { CORE_VERSION } from '../version.js';

export interface RarityConfig {
  /** Per kind: the field that names the "document" (whose behaviour is learned), and the fields that form the key. */
  readonly features: Readonly<Partial<Record<EventKind, { readonly document: string; readonly key: readonly string[] }>>>;
  /** Additive smoothing. */
  readonly alpha: number;
}

interface RarityData {
  /** kind -> document -> [total, {key: count}] */
  readonly counts: Record<string, Record<string, [number, Record<string, number>]>>;
  /** kind -> number of distinct keys in the window */
  readonly vocabulary: Record<string, number>;
}

const FORMAT = 1;

/**
 * Reference model: how rare is this event's key (e.g. destination port and protocol) for its document (e.g.
 * the source address) within the window? The score is the smoothed relative frequency P(key | document),
 * ascending (lower is more suspicious), like Spot's P(word | IP) without the topics. Small and exact; its
 * memory grows with the distinct (document, key) pairs of a window, so it is for examples and tests, not for a
 * billion-event day (that is model-lda's job).
 */
export class RarityModel implements Model {
  readonly name: string;
  readonly kinds: readonly EventKind[];
  readonly order = 'asc' as const;
  readonly #config: RarityConfig;

  constructor(config: RarityConfig, name = 'rarity') {
    this.name = name;
    this.#config = config;
    this.kinds = EVENT_KINDS.filter((k) => config.features[k] !== undefined);
  }

  #keyOf(event: OdmEvent): { doc: string; key: string } | undefined {
    const f = this.#config.features[event.event_kind];
    if (f === undefined) return undefined;
    const record = event as unknown as Record<string, unknown>;
    const doc = record[f.document];
    if (doc === undefined) return undefined;
    return { doc: String(doc), key: f.key.map((k) => String(record[k] ?? '-')).join('_') };
  }

  async fit(window: ModelWindow, ctx: FitContext): Promise<ModelState> {
    const counts: RarityData['counts'] = {};
    const keys: Record<string, Set<string>> = {};
    for await (const batch of window.batches()) {
      if (ctx.signal.aborted) break;
      for (const event of batch) {
        const k = this.#keyOf(event);
        if (k === undefined) continue;
        const byDoc = (counts[event.event_kind] ??= {});
        const entry = (byDoc[k.doc] ??= [0, {}]);
        entry[0]++;
        entry[1][k.key] = (entry[1][k.key] ?? 0) + 1;
        (keys[event.event_kind] ??= new Set()).add(k.key);
      }
    }
    // Analyst ratings of "low risk" (3) count as extra observations of that pattern (Spot's dupfactor idea): the
    // rating must name the document (the kind's document field, e.g. src_ip) and the word it was made on.
    for (const r of ctx.feedback) {
      if (r.rating !== 3 || r.word === undefined) continue;
      const field = this.#config.features[r.event_kind]?.document;
      const doc = field === undefined ? undefined : r.match[field];
      if (doc === undefined) continue;
      const entry = ((counts[r.event_kind] ??= {})[String(doc)] ??= [0, {}]);
      entry[0] += 100;
      entry[1][r.word] = (entry[1][r.word] ?? 0) + 100;
    }
    const vocabulary = Object.fromEntries(Object.entries(keys).map(([k, s]) => [k, s.size]));
    const data: RarityData = { counts, vocabulary };
    return {
      model: 'rarity',
      format: FORMAT,
      id: `${new Date(window.start).toISOString()}-${window.count}`,
      window: { start: window.start, end: window.end },
      fittedAt: Date.now(),
      params: { alpha: this.#config.alpha, features: this.#config.features },
      data,
    };
  }

  score(events: readonly OdmEvent[], state: ModelState, _ctx: PluginContext): (ScoreOutcome | null)[] {
    if (state.model !== 'rarity' || state.format !== FORMAT) {
      throw new SightlineError('SL_MODEL_STATE_INVALID', `state ${state.id} was written by ${state.model} format ${state.format}; rarity reads format ${FORMAT}`, { stage: 'model', plugin: this.name });
    }
    const data = state.data as RarityData;
    const alpha = this.#config.alpha;
    return events.map((event) => {
      const k = this.#keyOf(event);
      if (k === undefined) return null;
      const v = data.vocabulary[event.event_kind] ?? 0;
      const entry = data.counts[event.event_kind]?.[k.doc];
      const total = entry?.[0] ?? 0;
      const count = entry?.[1][k.key] ?? 0;
      const value = (count + alpha) / (total + alpha * (v + 1));
      return {
        value,
        word: k.key,
        reasons: [`${k.key} seen ${count} time${count === 1 ? '' : 's'} among ${total} events of ${k.doc} in the window`],
        evidence: { count, total },
      };
    });
  }

  describe(state: ModelState): ModelReport {
    const data = state.data as RarityData;
    const sections = Object.entries(data.counts).map(([kind, docs]) => ({
      title: `${kind}: ${Object.keys(docs).length} documents, ${data.vocabulary[kind] ?? 0} distinct keys`,
      lines: Object.entries(docs)
        .sort((a, b) => b[1][0] - a[1][0])
        .slice(0, 10)
        .map(([doc, [total, keys]]) => `${doc}: ${total} events, ${Object.keys(keys).length} keys`),
    }));
    return { summary: `rarity model for window starting ${new Date(state.window.start).toISOString()}`, sections };
  }
}

const featureSchema = {
  type: 'object',
  required: ['document', 'key'],
  additionalProperties: false,
  properties: { document: { type: 'string' }, key: { type: 'array', items: { type: 'string' }, minItems: 1 } },
};

export const rarityModelManifest = definePlugin<'model', RarityConfig>({
  name: 'rarity',
  kind: 'model',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Reference model: smoothed P(key | document) per window, lower is rarer (small windows, examples, tests).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      alpha: { type: 'number', exclusiveMinimum: 0, default: 0.5 },
      features: {
        type: 'object',
        additionalProperties: false,
        properties: { flow: featureSchema, dns: featureSchema, proxy: featureSchema },
        default: {
          flow: { document: 'src_ip', key: ['dst_port', 'n_proto'] },
          dns: { document: 'dst_ip', key: ['dns_type', 'dns_response_code'] },
          proxy: { document: 'src_ip', key: ['prx_method', 'prx_code'] },
        },
      },
    },
  },
  create: (config, ctx) => new RarityModel(config, ctx.step),
});
