import { readlinkSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCause } from '@sightline/core';
import type { RunSummary } from '@sightline/runtime';
import type { RunList, RunListItem } from '../api.js';
import type { EventIndexLimits } from './event-index.js';
import { RunData, readSummary } from './run-data.js';

/** Run ids are folder names the runner made: no separators, no leading dot. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

interface Cached {
  readonly mtimeMs: number;
  readonly summary: RunSummary;
}

/**
 * The runs under a pipeline's output folder (each a folder with a summary.json; `latest` points to the newest),
 * and the runs opened for browsing: at most `keep` at once, the least recently used is closed first, so memory is
 * bounded by a few runs' indexes however many runs there are.
 */
export class RunCatalog {
  readonly outputDir: string;
  readonly #keep: number;
  readonly #limits: EventIndexLimits | undefined;
  readonly #summaries = new Map<string, Cached>();
  readonly #open = new Map<string, Promise<RunData>>();

  constructor(outputDir: string, options: { keep?: number; limits?: EventIndexLimits } = {}) {
    this.outputDir = outputDir;
    this.#keep = options.keep ?? 3;
    this.#limits = options.limits;
  }

  /** The id `latest` points to, when it does. */
  latestId(): string | undefined {
    try {
      const target = readlinkSync(join(this.outputDir, 'latest'));
      return RUN_ID.test(target) ? target : undefined;
    } catch {
      return undefined;
    }
  }

  async list(): Promise<RunList> {
    let names: string[];
    try {
      names = (await readdir(this.outputDir, { withFileTypes: true })).filter((d) => d.isDirectory() && RUN_ID.test(d.name)).map((d) => d.name);
    } catch {
      return { runs: [], skipped: [] };
    }
    const latest = this.latestId();
    const runs: RunListItem[] = [];
    const skipped: { id: string; reason: string }[] = [];
    for (const id of names) {
      const file = join(this.outputDir, id, 'summary.json');
      let mtimeMs: number;
      try {
        mtimeMs = statSync(file).mtimeMs;
      } catch {
        continue; // not a run folder (state/, or a run still going)
      }
      let cached = this.#summaries.get(id);
      if (cached === undefined || cached.mtimeMs !== mtimeMs) {
        try {
          cached = { mtimeMs, summary: await readSummary(join(this.outputDir, id)) };
          this.#summaries.set(id, cached);
        } catch (e) {
          skipped.push({ id, reason: describeCause(e) });
          continue;
        }
      }
      const s = cached.summary;
      runs.push({
        id,
        latest: id === latest,
        pipeline: s.pipeline,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        status: s.status,
        events: s.counts.eventsDecoded,
        alerts: s.counts.alerts,
        quarantined: Object.values(s.counts.quarantined ?? {}).reduce((a, b) => a + b, 0),
        windows: s.windows.map((w) => ({ start: w.start, end: w.end })),
      });
    }
    runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
    return { runs, skipped };
  }

  /** Resolves `latest` and checks that the run exists; undefined when it does not. */
  async resolve(id: string): Promise<string | undefined> {
    const real = id === 'latest' ? this.latestId() ?? (await this.list()).runs[0]?.id : id;
    if (real === undefined || !RUN_ID.test(real)) return undefined;
    try {
      statSync(join(this.outputDir, real, 'summary.json'));
      return real;
    } catch {
      return undefined;
    }
  }

  /** Opens a run for browsing (the alert index is ready when this resolves). */
  async open(id: string): Promise<RunData> {
    let run = this.#open.get(id);
    if (run !== undefined) {
      // most recently used last
      this.#open.delete(id);
      this.#open.set(id, run);
      return run;
    }
    run = RunData.open(id, join(this.outputDir, id), this.#limits);
    this.#open.set(id, run);
    run.catch(() => this.#open.delete(id));
    while (this.#open.size > this.#keep) {
      const [oldest, p] = this.#open.entries().next().value as [string, Promise<RunData>];
      this.#open.delete(oldest);
      void p.then((r) => r.close()).catch(() => undefined);
    }
    return run;
  }

  close(): void {
    for (const p of this.#open.values()) void p.then((r) => r.close()).catch(() => undefined);
    this.#open.clear();
  }
}
