import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventKind, OdmEvent } from '@sightline/core';

const FLUSH_AT = 1 << 20;

/** Where the spool files of a submission's input `index` are: one per model window, `<window start>.ndjson`. */
export function spoolDir(submissionDir: string, index: number): string {
  return join(submissionDir, 'spool', String(index));
}

export function spoolFile(submissionDir: string, index: number, windowStart: number): string {
  return join(spoolDir(submissionDir, index), `${windowStart}.ndjson`);
}

/** Events of each kind an input spooled into one model window, by window start. */
export type SpooledWindows = Record<string, Partial<Record<EventKind, number>>>;

/**
 * A decode job's spool: the events the models take, one JSON event a line (as the LocalRunner's window spool
 * writes them), split by model window (event time) into a file per window, so the window job hands the files to
 * the models without reading and regrouping them. An attempt writes into a folder of its own, renamed into
 * place by `commit` once the job is done; a retried or crashed attempt leaves nothing the window job could read
 * twice.
 */
export class InputSpool {
  readonly #dir: string;
  readonly #tmp: string;
  readonly #sizeMs: number;
  readonly #open = new Map<number, { text: string; handle: FileHandle | undefined; counts: Partial<Record<EventKind, number>> }>();
  #made = false;

  constructor(dir: string, attempt: string, windowSizeMs: number) {
    this.#dir = dir;
    this.#tmp = `${dir}.${attempt}.tmp`;
    this.#sizeMs = windowSizeMs;
  }

  /** Spools the events of the wanted kinds; returns how many. */
  async append(events: readonly OdmEvent[], kinds: ReadonlySet<EventKind>): Promise<number> {
    let n = 0;
    for (const e of events) {
      if (!kinds.has(e.event_kind)) continue;
      const start = Math.floor(e.event_time / this.#sizeMs) * this.#sizeMs;
      let w = this.#open.get(start);
      if (w === undefined) this.#open.set(start, (w = { text: '', handle: undefined, counts: {} }));
      w.text += `${JSON.stringify(e)}\n`;
      w.counts[e.event_kind] = (w.counts[e.event_kind] ?? 0) + 1;
      n++;
    }
    for (const [start, w] of this.#open) if (w.text.length >= FLUSH_AT) await this.#flush(start, w);
    return n;
  }

  async #flush(start: number, w: { text: string; handle: FileHandle | undefined }): Promise<void> {
    if (w.text === '') return;
    if (!this.#made) {
      await rm(this.#tmp, { recursive: true, force: true });
      await mkdir(this.#tmp, { recursive: true });
      this.#made = true;
    }
    w.handle ??= await open(join(this.#tmp, `${start}.ndjson`), 'w');
    await w.handle.appendFile(w.text);
    w.text = '';
  }

  /** Writes what is buffered, syncs, and puts the files in place; returns the counts per window. */
  async commit(): Promise<SpooledWindows> {
    const out: SpooledWindows = {};
    for (const [start, w] of [...this.#open].sort((a, b) => a[0] - b[0])) {
      await this.#flush(start, w);
      await w.handle?.sync();
      await w.handle?.close();
      w.handle = undefined;
      out[String(start)] = w.counts;
    }
    await rm(this.#dir, { recursive: true, force: true });
    if (this.#made) await rename(this.#tmp, this.#dir);
    this.#open.clear();
    return out;
  }

  /** Closes what is still open (after a failure); the attempt's folder is removed. */
  async abandon(): Promise<void> {
    if (this.#open.size === 0) return;
    for (const w of this.#open.values()) await w.handle?.close().catch(() => undefined);
    this.#open.clear();
    await rm(this.#tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
