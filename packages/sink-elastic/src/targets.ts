import { EVENT_KINDS, type EventKind, type OdmEvent, type Stream, ecsIndexMappings } from '@sightline/core';
import type { ElasticSinkConfig } from './config.schema.js';

/** Default target patterns per mode. */
export const DEFAULT_TARGETS = {
  data_stream: { events: 'logs-sightline.{kind}-{namespace}', alerts: 'logs-sightline.alerts-{namespace}' },
  index: { events: 'sightline-{kind}-{date}', alerts: 'sightline-alerts-{date}' },
} as const;

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));
/** The event's UTC day as yyyy.MM.dd: from the event's time, so a retry on another day goes to the same index. */
export function eventDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`;
}

/** Where each event of a stream goes: resolves the pattern's placeholders, with the per-kind part cached. */
export class Targets {
  readonly #patterns: Record<Stream, string>;
  readonly #byKind = new Map<string, { prefix: string; suffix: string; dated: boolean }>();

  constructor(config: Pick<ElasticSinkConfig, 'mode' | 'namespace' | 'index'>) {
    const d = DEFAULT_TARGETS[config.mode];
    this.#patterns = { events: config.index.events ?? d.events, alerts: config.index.alerts ?? d.alerts };
    for (const stream of ['events', 'alerts'] as const) {
      for (const kind of EVENT_KINDS) {
        const p = this.#patterns[stream].replaceAll('{kind}', kind).replaceAll('{namespace}', config.namespace);
        const at = p.indexOf('{date}');
        this.#byKind.set(`${stream}/${kind}`, at < 0 ? { prefix: p, suffix: '', dated: false } : { prefix: p.slice(0, at), suffix: p.slice(at + 6).replaceAll('{date}', ''), dated: true });
      }
    }
  }

  pattern(stream: Stream): string {
    return this.#patterns[stream];
  }

  /** The index or data stream name for an event. */
  of(stream: Stream, event: OdmEvent): string {
    const t = this.#byKind.get(`${stream}/${event.event_kind}`)!;
    return t.dated ? `${t.prefix}${eventDay(event.event_time)}${t.suffix}` : t.prefix;
  }

  /** Names that do not depend on the event's time (data streams to create on start). */
  fixedNames(): string[] {
    return [...new Set([...this.#byKind.values()].filter((t) => !t.dated).map((t) => t.prefix))];
  }

  /** Index patterns with the kinds and stream each covers, for the templates (`{date}` -> `*`). */
  templatePatterns(): { pattern: string; stream: Stream; kinds: EventKind[] }[] {
    const out = new Map<string, { pattern: string; stream: Stream; kinds: EventKind[] }>();
    for (const [key, t] of this.#byKind) {
      const [stream, kind] = key.split('/') as [Stream, EventKind];
      const pattern = t.dated ? `${t.prefix}*${t.suffix}` : t.prefix;
      const entry = out.get(pattern) ?? { pattern, stream, kinds: [] };
      entry.kinds.push(kind);
      out.set(pattern, entry);
    }
    return [...out.values()];
  }
}

/** The _id of a document: the event id, and for alerts also the model (one event can be an alert of two models). */
export function documentId(stream: Stream, event: OdmEvent): string {
  return stream === 'alerts' ? `${event.event_id}.${event.score_model ?? 'model'}` : event.event_id;
}

/** A template name from its index pattern: `sightline-flow-*` -> `sightline-flow`, `logs-x-default` -> `sightline-logs-x-default`. */
export function templateName(pattern: string): string {
  const base = pattern.replace(/\*/g, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '');
  return base.startsWith('sightline') ? base : `sightline-${base}`;
}

/** Index templates for the targets, with ECS mappings from core's tables. */
export function indexTemplates(targets: Targets, mode: ElasticSinkConfig['mode'], priority: number): { name: string; body: Record<string, unknown> }[] {
  return targets.templatePatterns().map(({ pattern, stream, kinds }) => ({
    name: templateName(pattern),
    body: {
      index_patterns: [pattern],
      priority,
      ...(mode === 'data_stream' ? { data_stream: {} } : {}),
      template: { mappings: ecsIndexMappings(kinds, stream) },
      _meta: { managed_by: 'sightline', description: `ECS mappings for Sightline ${stream} (${kinds.join(', ')})` },
    },
  }));
}
