import type { TemplateKey } from './template-store.js';
import type { PacketContext } from './to-event.js';

/** A data set that arrived before its template, with what is needed to decode it later. */
export interface PendingSet {
  readonly key: TemplateKey;
  readonly keyString: string;
  /** The key without the exporter's port (templates of a port-hopping exporter match on it). */
  readonly addressKey: string;
  /** The set's records (its body, without the set header), copied out of the packet. */
  readonly body: Uint8Array;
  readonly ctx: PacketContext;
  /** Ordinal of the packet it came in, and the set body's offset in that packet (record ids derive from them). */
  readonly ordinal: number;
  readonly bodyOffset: number;
  /** Where the packet came from, for issues. */
  readonly source: string;
  readonly offset: number | undefined;
  /** Input time it arrived at. */
  readonly at: number;
}

/**
 * Data sets waiting for their template, bounded in bytes and in age (input time). What does not fit, and what
 * waits too long, is handed back to the caller to quarantine; nothing is dropped silently.
 */
export class PendingBuffer {
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  #sets: PendingSet[] = [];
  #bytes = 0;

  constructor(maxBytes: number, maxAgeMs: number) {
    this.#maxBytes = maxBytes;
    this.#maxAgeMs = maxAgeMs;
  }

  get size(): number {
    return this.#sets.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Adds a set; returns the sets evicted to make room (oldest first), or the set itself when it can never fit. */
  add(set: PendingSet): PendingSet[] {
    if (set.body.length > this.#maxBytes) return [set];
    const evicted: PendingSet[] = [];
    while (this.#bytes + set.body.length > this.#maxBytes && this.#sets.length > 0) {
      const old = this.#sets.shift()!;
      this.#bytes -= old.body.length;
      evicted.push(old);
    }
    this.#sets.push(set);
    this.#bytes += set.body.length;
    return evicted;
  }

  /** Removes and returns the sets waiting for a template with this address key, in arrival order. */
  take(addressKey: string): PendingSet[] {
    if (this.#sets.length === 0) return [];
    const hit: PendingSet[] = [];
    const rest: PendingSet[] = [];
    for (const s of this.#sets) (s.addressKey === addressKey ? hit : rest).push(s);
    if (hit.length === 0) return hit;
    this.#sets = rest;
    for (const s of hit) this.#bytes -= s.body.length;
    return hit;
  }

  /** Keys some set waits for. */
  keys(): TemplateKey[] {
    const seen = new Map<string, TemplateKey>();
    for (const s of this.#sets) seen.set(s.keyString, s.key);
    return [...seen.values()];
  }

  /** Removes and returns the sets older than the age limit at input time `now`. */
  expire(now: number): PendingSet[] {
    if (this.#sets.length === 0 || now - this.#sets[0]!.at <= this.#maxAgeMs) return [];
    const old: PendingSet[] = [];
    while (this.#sets.length > 0 && now - this.#sets[0]!.at > this.#maxAgeMs) {
      const s = this.#sets.shift()!;
      this.#bytes -= s.body.length;
      old.push(s);
    }
    return old;
  }

  /** Everything still waiting (end of input). */
  drain(): PendingSet[] {
    const all = this.#sets;
    this.#sets = [];
    this.#bytes = 0;
    return all;
  }
}
