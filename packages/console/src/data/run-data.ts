import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { SightlineError, describeCause } from '@sightline/core';
import type { RunSummary } from '@sightline/runtime';
import { AlertIndex } from './alert-index.js';
import { DEFAULT_LIMITS, EventIndex, type EventIndexLimits } from './event-index.js';
import { QuarantineIndex, type StoreFile } from './quarantine-index.js';

const READABLE = /\.(ndjson|jsonl)(\.gz)?$/;

/** Reads and checks a run's summary.json. */
export async function readSummary(runDir: string): Promise<RunSummary> {
  const file = join(runDir, 'summary.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new SightlineError('SL_CONSOLE_RUN_UNREADABLE', `${file} cannot be read: ${describeCause(e)}`, { stage: 'runtime' });
  }
  const s = parsed as Partial<RunSummary>;
  if (typeof s !== 'object' || s === null || typeof s.runId !== 'string' || !Array.isArray(s.sinks) || !Array.isArray(s.windows) || typeof s.counts !== 'object') {
    throw new SightlineError('SL_CONSOLE_RUN_UNREADABLE', `${file} is not a run summary (runId, counts, sinks and windows expected)`, { stage: 'runtime' });
  }
  return parsed as RunSummary;
}

/**
 * A path the summary lists, moved along when the run folder was moved: paths under the run's original folder are
 * taken relative to where the run is now.
 */
export function rebase(path: string, summary: RunSummary, runDir: string): string {
  const original = summary.runDir;
  if (typeof original === 'string' && (path === original || path.startsWith(original + sep))) return join(runDir, relative(original, path));
  return resolve(runDir, path);
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Everything the console knows about one run: its summary, the alert index (loaded when the run is opened), and
 * the event and quarantine indexes (built in the background right after).
 */
export class RunData {
  readonly id: string;
  readonly dir: string;
  readonly summary: RunSummary;
  readonly alerts: AlertIndex;
  readonly events: EventIndex;
  readonly quarantine: QuarantineIndex;
  /** Outputs the console could not use, with why (CSV, missing). */
  readonly notes: string[];
  readonly #controller = new AbortController();

  private constructor(id: string, dir: string, summary: RunSummary, alerts: AlertIndex, events: EventIndex, quarantine: QuarantineIndex, notes: string[]) {
    this.id = id;
    this.dir = dir;
    this.summary = summary;
    this.alerts = alerts;
    this.events = events;
    this.quarantine = quarantine;
    this.notes = notes;
  }

  static async open(id: string, dir: string, limits: EventIndexLimits = DEFAULT_LIMITS): Promise<RunData> {
    const summary = await readSummary(dir);
    const notes: string[] = [];
    const alertFiles: string[] = [];
    const eventFiles: string[] = [];
    const eventSink: number[] = [];
    summary.sinks.forEach((sink, s) => {
      for (const output of sink.outputs ?? []) {
        const path = rebase(output, summary, dir);
        if (!READABLE.test(path)) {
          notes.push(`${sink.step}: ${output} is not NDJSON; the console reads NDJSON outputs only`);
          continue;
        }
        if (!existsSync(path)) {
          notes.push(`${sink.step}: ${output} is missing`);
          continue;
        }
        if (sink.delivered.alerts > 0) alertFiles.push(path);
        if (sink.delivered.events > 0) {
          eventFiles.push(path);
          eventSink.push(s);
        }
      }
    });
    if (eventFiles.length === 0) notes.push('the run kept no events in NDJSON files (a file sink with format: ndjson delivering events): no surrounding events or ingest timeline');
    if (alertFiles.length === 0 && summary.counts.alerts > 0) notes.push('the run delivered alerts but none to an NDJSON file sink: the suspicious list is empty');
    const alerts = await AlertIndex.load(alertFiles);
    for (const p of alerts.report.problems) notes.push(p);
    const events = new EventIndex(eventFiles, eventFiles.reduce((a, f) => a + size(f), 0), limits);
    const stores: StoreFile[] = [
      ...summary.quarantine.map((q) => ({ kind: 'quarantine' as const, path: rebase(q.file, summary, dir), records: q.records })),
      ...summary.deadLetters.map((q) => ({ kind: 'dead-letter' as const, path: rebase(q.file, summary, dir), records: q.records })),
    ];
    const run = new RunData(id, dir, summary, alerts, events, new QuarantineIndex(stores), notes);
    void run.quarantine.build(run.#controller.signal);
    void run.events.build(alerts, eventSink, run.#controller.signal);
    return run;
  }

  /** Stops background indexing (when the run is dropped from the cache). */
  close(): void {
    this.#controller.abort();
  }
}
