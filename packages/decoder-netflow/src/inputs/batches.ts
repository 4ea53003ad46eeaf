import type { DecodeBatch, Issue, OdmEvent } from '@sightline/core';

/** Collects events and issues and cuts them into batches of about `size` events. */
export class Batcher {
  events: OdmEvent[] = [];
  issues: Issue[] = [];
  readonly #size: number;

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  get full(): boolean {
    return this.events.length >= this.#size || this.issues.length >= this.#size;
  }

  /** Takes the complete batches collected so far (all of it when `all`). */
  *take(all = false): Generator<DecodeBatch> {
    while (this.events.length >= this.#size) {
      const events = this.events.splice(0, this.#size);
      const issues = this.issues;
      this.issues = [];
      yield { events, issues };
    }
    if ((all && this.events.length > 0) || this.issues.length >= this.#size || (all && this.issues.length > 0)) {
      const batch = { events: this.events, issues: this.issues };
      this.events = [];
      this.issues = [];
      yield batch;
    }
  }
}
