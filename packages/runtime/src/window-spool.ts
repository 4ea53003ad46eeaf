import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventKind, type ModelWindow, type OdmEvent, SightlineError } from '@sightline/core';
import { FRAME_EVENTS, framedWindowView, jsonEquivalent, writeFrame } from './spool-frames.js';

/** A model window whose events were spooled: what `PipelineStages.runModel` needs of it. */
export interface SpooledWindow {
  readonly start: number;
  readonly end: number;
  view(kinds: readonly EventKind[], batchSize: number): ModelWindow;
}


/**
 * The events of one model window, spooled to disk as they arrive so that a window far larger than memory can
 * be handed to the models, which read it several times (fit, then score). The file is framed MessagePack (see
 * `spool-frames.ts`), the format the BullMQ decode jobs spool in, and the events in it are as a JSON round trip
 * would give them back, so the models of both runners see the same values.
 */
export class WindowSpool implements SpooledWindow {
  readonly start: number;
  readonly end: number;
  readonly path: string;
  readonly counts = new Map<EventKind, number>();
  #handle: FileHandle | undefined;
  #pending: unknown[] = [];
  #closed = false;

  constructor(dir: string, start: number, end: number) {
    this.start = start;
    this.end = end;
    this.path = join(dir, `window-${start}.msgpack`);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  async append(events: readonly OdmEvent[]): Promise<void> {
    if (this.#closed) throw new SightlineError('SL_INTERNAL', `window ${new Date(this.start).toISOString()} was already closed`);
    for (const e of events) {
      this.#pending.push(jsonEquivalent(e));
      this.counts.set(e.event_kind, (this.counts.get(e.event_kind) ?? 0) + 1);
    }
    if (this.#pending.length >= FRAME_EVENTS) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    if (this.#handle === undefined) {
      await mkdir(join(this.path, '..'), { recursive: true });
      this.#handle = await open(this.path, 'w');
    }
    const events = this.#pending;
    this.#pending = [];
    await writeFrame(this.#handle, events);
  }

  /** Ends writing; the window can then be read as often as needed. */
  async seal(): Promise<void> {
    if (this.#closed) return;
    await this.#flush();
    await this.#handle?.close();
    this.#handle = undefined;
    this.#closed = true;
  }

  /** The window as the models see it: only the kinds they take, streamed in batches. */
  view(kinds: readonly EventKind[], batchSize: number): ModelWindow {
    const count = kinds.reduce((n, k) => n + (this.counts.get(k) ?? 0), 0);
    return framedWindowView({ start: this.start, end: this.end, paths: this.total > 0 ? [this.path] : [], count, kinds, batchSize, errors: 'window' });
  }

  async remove(): Promise<void> {
    await this.seal();
    await rm(this.path, { force: true });
  }
}
