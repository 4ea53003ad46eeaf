import { type OdmEvent, validateEvent } from '@sightline/core';

export interface Violation {
  readonly event: OdmEvent;
  readonly path: string;
  readonly message: string;
}

/**
 * Checks plugins' events against the data model at stage boundaries: every event (`all`), a sample (`sample`:
 * the first 1000 of each step, then one in 1000, so a systematic bug is caught at almost no cost), or none.
 */
export class BoundaryValidator {
  readonly #mode: 'off' | 'sample' | 'all';
  readonly #seen = new Map<string, number>();

  constructor(mode: 'off' | 'sample' | 'all') {
    this.#mode = mode;
  }

  /** Returns the invalid events among `events` (only those that were checked). */
  check(step: string, events: readonly OdmEvent[]): Violation[] {
    if (this.#mode === 'off' || events.length === 0) return [];
    let n = this.#seen.get(step) ?? 0;
    const bad: Violation[] = [];
    for (const e of events) {
      const checkIt = this.#mode === 'all' || n < 1000 || n % 1000 === 0;
      n++;
      if (!checkIt) continue;
      const v = validateEvent(e);
      if (!v.ok) bad.push({ event: e, path: v.path, message: v.message });
    }
    this.#seen.set(step, n);
    return bad;
  }
}
