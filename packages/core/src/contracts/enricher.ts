import type { EventKind, OdmEvent } from '../model/event.js';
import type { Issue, MaybePromise, PluginContext } from './common.js';

export interface EnrichResult {
  /** Events the enricher could not process; they go on without its context. A lookup miss is NOT an issue. */
  readonly issues?: readonly Issue[];
}

/**
 * Adds context fields (the ODM context block) to events, in place.
 *
 * An enricher loads its reference data in `start` (a bad file fails the start with a clear error, never a
 * crash mid-run) and reloads it when it changes; it MUST keep the events' count, order and ids, and MUST NOT
 * throw for a single bad event (report it as an issue instead).
 */
export interface Enricher {
  readonly name: string;
  /** Kinds it enriches; other events pass by untouched. Absent: all kinds. */
  readonly kinds?: readonly EventKind[];
  start?(ctx: PluginContext): MaybePromise<void>;
  enrich(events: OdmEvent[], ctx: PluginContext): MaybePromise<EnrichResult | void>;
  close?(): MaybePromise<void>;
}
