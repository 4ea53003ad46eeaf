import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type OdmEvent, type Rating, type RiskRating, SightlineError, describeCause, isEventKind } from '@sightline/core';

type Entry = { op: 'add'; rating: Rating } | { op: 'remove'; id: string; at: number };

/**
 * Analyst ratings (1 high, 2 medium, 3 low risk), kept durably across days in an append-only log
 * (`<state>/feedback/ratings.ndjson`): adding and removing are both recorded, so the history stays
 * inspectable and a removal is reversible by adding again. Models receive every live rating on each fit.
 */
export class RatingsStore {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async #entries(): Promise<Entry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw new SightlineError('SL_MODEL_STATE_INVALID', `cannot read ratings ${this.file}: ${describeCause(e)}`, { stage: 'model' });
    }
    const out: Entry[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as Entry);
      } catch {
        throw new SightlineError('SL_MODEL_STATE_INVALID', `${this.file}:${i + 1} is not a valid rating entry`, { stage: 'model' });
      }
    }
    return out;
  }

  /** Live ratings, oldest first. */
  async list(): Promise<Rating[]> {
    const live = new Map<string, Rating>();
    for (const e of await this.#entries()) {
      if (e.op === 'add') live.set(e.rating.id, e.rating);
      else live.delete(e.id);
    }
    return [...live.values()];
  }

  /** Records a rating; one naming an event (`event_id`) replaces that event's earlier rating. */
  async add(input: Omit<Rating, 'id' | 'at'> & { id?: string; at?: number }): Promise<Rating> {
    if (![1, 2, 3].includes(input.rating)) throw new SightlineError('SL_CONFIG_INVALID', `rating must be 1 (high), 2 (medium) or 3 (low risk), not ${String(input.rating)}`, { stage: 'model' });
    if (!isEventKind(input.event_kind)) throw new SightlineError('SL_CONFIG_INVALID', `event_kind must be flow, dns or proxy`, { stage: 'model' });
    const rating: Rating = { ...input, id: input.id ?? randomUUID(), at: input.at ?? Date.now(), rating: input.rating as RiskRating };
    await mkdir(dirname(this.file), { recursive: true });
    // A rating of one event replaces the earlier rating of that event (an analyst changing their mind), in the
    // same append so the log never holds both live: without it, the first verdict would keep winning.
    let text = '';
    if (rating.event_id !== undefined) {
      for (const old of await this.list()) {
        if (old.event_kind === rating.event_kind && old.event_id === rating.event_id && old.id !== rating.id) text += `${JSON.stringify({ op: 'remove', id: old.id, at: rating.at } satisfies Entry)}\n`;
      }
    }
    await appendFile(this.file, `${text}${JSON.stringify({ op: 'add', rating } satisfies Entry)}\n`);
    return rating;
  }

  async remove(id: string): Promise<boolean> {
    const exists = (await this.list()).some((r) => r.id === id);
    if (!exists) return false;
    await appendFile(this.file, `${JSON.stringify({ op: 'remove', id, at: Date.now() } satisfies Entry)}\n`);
    return true;
  }
}

/** The rating that covers an event: by its id, else the newest whose `match` fields all equal the event's. */
export function ratingFor(event: OdmEvent, ratings: readonly Rating[], word?: string): Rating | undefined {
  const record = event as unknown as Record<string, unknown>;
  let found: Rating | undefined;
  for (const r of ratings) {
    if (r.event_kind !== event.event_kind) continue;
    if (r.event_id !== undefined && r.event_id === event.event_id) return r;
    const fields = Object.entries(r.match);
    if (fields.length === 0) continue;
    if (r.word !== undefined && word !== undefined && r.word !== word) continue;
    if (fields.every(([k, v]) => record[k] === v)) found = r;
  }
  return found;
}
