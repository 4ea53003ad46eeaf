import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventKind, type ModelWindow, type OdmEvent, SightlineError, readLines } from '@sightline/core';
import { fileSource } from './inputs/file-input.js';

const FLUSH_AT = 1 << 20;

/** A model window whose events were spooled: what `PipelineStages.runModel` needs of it. */
export interface SpooledWindow {
  readonly start: number;
  readonly end: number;
  view(kinds: readonly EventKind[], batchSize: number): ModelWindow;
}

/**
 * The events of one model window, spooled to disk as they arrive so that a window far larger than memory can
 * be handed to the models, which may read it several times (fit, then score).
 */
export class WindowSpool implements SpooledWindow {
  readonly start: number;
  readonly end: number;
  readonly path: string;
  readonly counts = new Map<EventKind, number>();
  #handle: FileHandle | undefined;
  #buffer = '';
  #closed = false;

  constructor(dir: string, start: number, end: number) {
    this.start = start;
    this.end = end;
    this.path = join(dir, `window-${start}.ndjson`);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  async append(events: readonly OdmEvent[]): Promise<void> {
    if (this.#closed) throw new SightlineError('SL_INTERNAL', `window ${new Date(this.start).toISOString()} was already closed`);
    for (const e of events) {
      this.#buffer += `${JSON.stringify(e)}\n`;
      this.counts.set(e.event_kind, (this.counts.get(e.event_kind) ?? 0) + 1);
    }
    if (this.#buffer.length >= FLUSH_AT) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    if (this.#handle === undefined) {
      await mkdir(join(this.path, '..'), { recursive: true });
      this.#handle = await open(this.path, 'w');
    }
    await this.#handle.appendFile(this.#buffer);
    this.#buffer = '';
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
    const path = this.path;
    const hasFile = this.total > 0;
    const wanted = new Set(kinds);
    return {
      start: this.start,
      end: this.end,
      count,
      async *batches() {
        if (!hasFile || count === 0) return;
        let batch: OdmEvent[] = [];
        for await (const lines of readLines(await fileSource(path), { maxLineBytes: 64 * 1024 * 1024 })) {
          for (const l of lines) {
            if (l.text === '') continue;
            const e = JSON.parse(l.text) as OdmEvent;
            if (!wanted.has(e.event_kind)) continue;
            batch.push(e);
            if (batch.length >= batchSize) {
              yield batch;
              batch = [];
            }
          }
        }
        if (batch.length > 0) yield batch;
      },
    };
  }

  async remove(): Promise<void> {
    await this.seal();
    await rm(this.path, { force: true });
  }
}
