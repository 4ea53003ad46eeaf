import { statSync } from 'node:fs';
import type { EventKind, Rating, RiskRating } from '@sightline/core';
import { RatingsStore } from '@sightline/runtime';
import type { RatingBrief, RatingView } from '../api.js';
import { type EventRecord, clientField, num, str } from './keys.js';
import { RatingIndex } from './rating-index.js';

/** Fields an analyst may name in a pattern rating, per kind (the client field is added per event). */
export const PATTERN_FIELDS: Readonly<Record<EventKind, readonly string[]>> = {
  flow: ['src_ip', 'dst_ip', 'dst_port', 'n_proto'],
  dns: ['dns_query', 'dns_type', 'dns_response_code'],
  proxy: ['src_ip', 'prx_host', 'prx_uri', 'prx_method', 'user_name'],
};

/** The fields that identify an event for an event rating (with its id), per kind. */
const EVENT_FIELDS: Readonly<Record<EventKind, readonly string[]>> = {
  flow: ['src_ip', 'dst_ip', 'dst_port', 'n_proto'],
  dns: ['dns_query', 'dns_type'],
  proxy: ['src_ip', 'prx_host', 'prx_uri'],
};

/** The fields a pattern rating may name for this event, with its values; the client field first. */
export function patternFieldsOf(kind: EventKind, event: EventRecord): { field: string; value: string | number; client: boolean }[] {
  const client = clientField(kind, event);
  const fields = [client, ...PATTERN_FIELDS[kind].filter((f) => f !== client)];
  const out: { field: string; value: string | number; client: boolean }[] = [];
  for (const field of fields) {
    const v = str(event[field]) ?? num(event[field]);
    if (v !== undefined) out.push({ field, value: v, client: field === client });
  }
  return out;
}

export interface RatingRequest {
  readonly rating: RiskRating;
  readonly scope: 'event' | 'pattern';
  /** Pattern: which of patternFieldsOf to match on (default: the client field). */
  readonly fields?: readonly string[];
  /** Pattern: match the model's word too (default true when the alert has one). */
  readonly word?: boolean;
  readonly note?: string;
  readonly by?: string;
}

/** Builds the rating for an alert. Values always come from the stored alert, never from the request. */
export function buildRating(kind: EventKind, event: EventRecord, req: RatingRequest): Omit<Rating, 'id' | 'at'> | string {
  const word = str(event['score_word']);
  const eventId = str(event['event_id']);
  const client = clientField(kind, event);
  const match: Record<string, string | number> = {};
  let useWord: string | undefined;
  if (req.scope === 'event') {
    for (const f of [client, ...EVENT_FIELDS[kind]]) {
      const v = str(event[f]) ?? num(event[f]);
      if (v !== undefined) match[f] = v;
    }
    useWord = word;
  } else {
    const allowed = new Map(patternFieldsOf(kind, event).map((p) => [p.field, p.value]));
    const fields = req.fields ?? [client];
    if (fields.length === 0) return 'a pattern rating names at least one field';
    for (const f of fields) {
      const v = allowed.get(f);
      if (v === undefined) return `a ${kind} pattern cannot match on "${f}" (allowed: ${[...allowed.keys()].join(', ')})`;
      match[f] = v;
    }
    useWord = req.word === false ? undefined : word;
  }
  return {
    rating: req.rating,
    event_kind: kind,
    match,
    ...(req.scope === 'event' && eventId !== undefined ? { event_id: eventId } : {}),
    ...(useWord === undefined ? {} : { word: useWord }),
    ...(req.by === undefined || req.by === '' ? {} : { by: req.by }),
    ...(req.note === undefined || req.note === '' ? {} : { note: req.note }),
  };
}

export function briefOf(r: Rating, eventId: string): RatingBrief {
  return { id: r.id, rating: r.rating, scope: r.event_id === eventId ? 'event' : 'pattern', match: r.match, ...(r.word === undefined ? {} : { word: r.word }) };
}

/**
 * The pipeline's analyst ratings, through the runtime's RatingsStore (`<state>/feedback/ratings.ndjson`, append
 * only, read by every model fit). Keeps the live list and a RatingIndex, re-read when the file changes (another
 * console or tool may add ratings); writes are serialised.
 */
export class Feedback {
  readonly store: RatingsStore;
  #cache: { mtimeMs: number; size: number; index: RatingIndex; version: number } | undefined;
  #version = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.store = new RatingsStore(file);
  }

  get file(): string {
    return this.store.file;
  }

  #stamp(): { mtimeMs: number; size: number } {
    try {
      const s = statSync(this.store.file);
      return { mtimeMs: s.mtimeMs, size: s.size };
    } catch {
      return { mtimeMs: 0, size: 0 };
    }
  }

  /** The live ratings with an index, and a version that changes whenever they do. */
  async current(): Promise<{ index: RatingIndex; version: number }> {
    const stamp = this.#stamp();
    if (this.#cache === undefined || this.#cache.mtimeMs !== stamp.mtimeMs || this.#cache.size !== stamp.size) {
      const ratings = await this.store.list();
      this.#cache = { ...stamp, index: new RatingIndex(ratings), version: ++this.#version };
    }
    return this.#cache;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Adds a rating; an event rating replaces the earlier rating of the same event (the store does it). */
  add(rating: Omit<Rating, 'id' | 'at'>): Promise<Rating> {
    return this.#serial(async () => {
      const added = await this.store.add(rating);
      this.#cache = undefined;
      return added;
    });
  }

  remove(id: string): Promise<boolean> {
    return this.#serial(async () => {
      const removed = await this.store.remove(id);
      this.#cache = undefined;
      return removed;
    });
  }
}

export function ratingView(r: Rating): RatingView {
  return {
    id: r.id,
    at: r.at,
    rating: r.rating,
    event_kind: r.event_kind,
    match: r.match,
    ...(r.event_id === undefined ? {} : { event_id: r.event_id }),
    ...(r.word === undefined ? {} : { word: r.word }),
    ...(r.by === undefined ? {} : { by: r.by }),
    ...(r.note === undefined ? {} : { note: r.note }),
  };
}

const RISK_WORD: Record<number, string> = { 1: 'high', 2: 'medium', 3: 'low' };

/** Ratings as CSV: one line each, formula-like cells quoted so spreadsheets do not run them. */
export function ratingsCsv(ratings: readonly Rating[]): string {
  const cell = (v: unknown): string => {
    let s = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = ['id', 'at', 'rating', 'risk', 'event_kind', 'event_id', 'word', 'match', 'by', 'note'];
  const lines = ratings.map((r) => [r.id, new Date(r.at).toISOString(), r.rating, RISK_WORD[r.rating], r.event_kind, r.event_id, r.word, r.match, r.by, r.note].map(cell).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
