import type { Rating } from '@sightline/core';
import { MATCH_FIELDS } from './alert-index.js';

interface Signature {
  readonly fields: readonly string[];
  readonly withWord: boolean;
  /** values (and word) -> position of the newest rating with them */
  readonly byKey: Map<string, number>;
  /** values -> position of the newest rating with them, whatever its word (for events without a word) */
  readonly anyWord: Map<string, number>;
}

const SUPPORTED = new Set(MATCH_FIELDS);

/**
 * Answers "which rating covers this event now?" for many events at once, with the same rule as the runtime's
 * `ratingFor` (a rating naming the event's id wins, the oldest such; else the newest rating whose `match` fields
 * all equal the event's and whose word, when both have one, is the event's). Ratings are grouped by the set of
 * fields they name, so each event costs one map look-up per group instead of a pass over every rating.
 * Ratings naming fields outside MATCH_FIELDS are left out (`unsupported`).
 */
export class RatingIndex {
  readonly ratings: readonly Rating[];
  readonly unsupported: number;
  readonly #byId = new Map<string, number>();
  readonly #signatures = new Map<string, Map<string, Signature>>();

  constructor(ratings: readonly Rating[]) {
    this.ratings = ratings;
    let unsupported = 0;
    ratings.forEach((r, pos) => {
      if (r.event_id !== undefined) {
        const idKey = `${r.event_kind} ${r.event_id}`;
        if (!this.#byId.has(idKey)) this.#byId.set(idKey, pos);
      }
      const fields = Object.keys(r.match).sort();
      if (fields.length === 0) return;
      if (!fields.every((f) => SUPPORTED.has(f) || f === 'event_id' || f === 'event_kind')) {
        unsupported++;
        return;
      }
      const withWord = r.word !== undefined;
      const sigKey = `${withWord ? 'w' : '-'} ${fields.join(',')}`;
      let sigs = this.#signatures.get(r.event_kind);
      if (sigs === undefined) this.#signatures.set(r.event_kind, (sigs = new Map()));
      let sig = sigs.get(sigKey);
      if (sig === undefined) sigs.set(sigKey, (sig = { fields, withWord, byKey: new Map(), anyWord: new Map() }));
      const values = valuesKey(fields, (f) => r.match[f]);
      if (values === undefined) return;
      sig.byKey.set(withWord ? `${values}\u0000${r.word}` : values, pos);
      sig.anyWord.set(values, pos);
    });
    this.unsupported = unsupported;
  }

  get size(): number {
    return this.ratings.length;
  }

  /** The covering rating of an event given as a record of its fields, and its word. */
  lookup(event: Readonly<Record<string, unknown>>, word: string | undefined): Rating | undefined {
    return this.lookupBy((f) => event[f], word);
  }

  /** The covering rating of an event whose fields a getter gives (the alert index's columns), and its word. */
  lookupBy(get: (field: string) => unknown, word: string | undefined): Rating | undefined {
    const kind = get('event_kind');
    if (typeof kind !== 'string') return undefined;
    const byId = this.#byId.get(`${kind} ${String(get('event_id'))}`);
    if (byId !== undefined) return this.ratings[byId];
    const sigs = this.#signatures.get(kind);
    if (sigs === undefined) return undefined;
    let best = -1;
    for (const sig of sigs.values()) {
      const values = valuesKey(sig.fields, get);
      if (values === undefined) continue;
      const pos = !sig.withWord ? sig.byKey.get(values) : word !== undefined ? sig.byKey.get(`${values}\u0000${word}`) : sig.anyWord.get(values);
      if (pos !== undefined && pos > best) best = pos;
    }
    return best === -1 ? undefined : this.ratings[best];
  }
}

function valuesKey(fields: readonly string[], get: (field: string) => unknown): string | undefined {
  const values: unknown[] = [];
  for (const f of fields) {
    const v = get(f);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    values.push(v);
  }
  return JSON.stringify(values);
}
