import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Logger, type OdmEvent, type PluginRegistry, SightlineError, loadPipelineFile, readLines } from '@sightline/core';
import { assemblePipeline } from '../assemble.js';
import { FileDeadLetterStore, FileQuarantineStore } from '../file-stores.js';
import { fileSource } from '../inputs/file-input.js';
import { PipelineStages } from '../pipeline-stages.js';
import { RatingsStore } from '../ratings-store.js';
import type { WindowReport } from '../summary.js';
import { WindowSpool } from '../window-spool.js';
import { configHash } from './submit.js';
import type { WindowJobData } from './submit.js';

/** How a worker (or its model thread) finds its pipeline and plugins. Passed to worker threads through the environment. */
export interface WorkerEnvironment {
  readonly pipelineFile: string;
  readonly overrides: Readonly<Record<string, unknown>>;
  /** A module exporting `builtinRegistry(): PluginRegistry` (the distribution's first-party plugins). */
  readonly registryModule: string;
  readonly pluginSearchDirs: readonly string[];
  readonly workerId: string;
}

export const WORKER_ENV = 'SIGHTLINE_CLUSTER_WORKER';

/** What a decode job reports to its window. */
export interface DecodeResult {
  readonly index: number;
  readonly name: string;
  readonly decoder: string | undefined;
  readonly bytes: number;
  readonly events: number;
  readonly issues: number;
  readonly batches: number;
  readonly spooled: number;
  readonly error?: string;
}

/** What a window job reports (also written to `<shared>/submissions/<id>/summary.json`). */
export interface WindowResult {
  readonly submission: string;
  readonly inputs: readonly DecodeResult[];
  readonly failedInputs: readonly { readonly job: string; readonly reason: string }[];
  readonly windows: readonly WindowReport[];
  readonly alerts: number;
  readonly outputs: Readonly<Record<string, readonly string[]>>;
  readonly violations: number;
}

/** The minimum of a job a window needs (a BullMQ Job, or the sandboxed job proxy in a worker thread). */
export interface WindowJobLike {
  readonly id?: string | undefined;
  readonly data: WindowJobData;
  getChildrenValues(): Promise<Record<string, unknown>>;
  getIgnoredChildrenFailures(): Promise<Record<string, string>>;
}

export function submissionDir(sharedDir: string, submission: string): string {
  return join(sharedDir, 'submissions', submission);
}

const quiet: Logger = {
  debug() {},
  info() {},
  warn: (m) => process.stderr.write(`warn [model] ${m}\n`),
  error: (m) => process.stderr.write(`error [model] ${m}\n`),
};

/**
 * The parent job of a submission: once its decode children are done (or failed for good), the events they
 * spooled are grouped into the model windows by event time, exactly as the LocalRunner groups them, and each
 * model is fitted, scores the window and delivers its top alerts. Runs in a worker thread.
 */
export async function runWindowJob(job: WindowJobLike, env: WorkerEnvironment, logger: Logger = quiet): Promise<WindowResult> {
  const spec = loadPipelineFile(env.pipelineFile, { overrides: env.overrides });
  const hash = configHash(spec, env.overrides);
  if (job.data.configHash !== hash) {
    throw new SightlineError('SL_CLUSTER_CONFIG_MISMATCH', `submission ${job.data.submission} was made with pipeline config ${job.data.configHash}; this worker runs ${hash}`, { stage: 'runtime' });
  }
  const registryModule = (await import(pathToFileURL(env.registryModule).href)) as { builtinRegistry: () => PluginRegistry };
  const registry = registryModule.builtinRegistry();
  const dir = submissionDir(spec.cluster.sharedDir, job.data.submission);
  const runDir = join(dir, 'run');
  await rm(join(dir, 'quarantine', 'window'), { recursive: true, force: true });
  const quarantine = new FileQuarantineStore(join(dir, 'quarantine', 'window'));
  const deadLetter = new FileDeadLetterStore(join(dir, 'dead-letter', `window-${env.workerId}`));
  await mkdir(runDir, { recursive: true });
  const controller = new AbortController();
  const pipeline = await assemblePipeline(spec, { registry, logger, runDir, signal: controller.signal, quarantine, deadLetter, pluginSearchDirs: env.pluginSearchDirs });
  try {
    const st = new PipelineStages({ spec, pipeline, logger, quarantine, deadLetter });
    const values = await job.getChildrenValues();
    const failures = await job.getIgnoredChildrenFailures();
    const inputs = Object.values(values)
      .map((v) => v as DecodeResult)
      .sort((a, b) => a.index - b.index);
    const failedInputs = Object.entries(failures).map(([key, reason]) => ({ job: key.split(':').pop() ?? key, reason }));
    for (const f of failedInputs) await st.quarantineIssues([{ code: 'SL_INPUT_UNREADABLE', message: `input chunk ${f.job} failed for good and is missing from this window: ${f.reason}` }], 'input', 'runtime');

    // Group the spooled events into windows by event time, as the LocalRunner does.
    const windows = new Map<number, WindowSpool>();
    const size = spec.window.sizeMs;
    const winDir = join(dir, '.windows');
    const kinds = st.modelKinds();
    if (kinds.size > 0) {
      for (const input of inputs) {
        if (input.spooled === 0) continue;
        const path = join(dir, 'spool', `${input.index}.ndjson`);
        for await (const lines of readLines(await fileSource(path), { maxLineBytes: 64 * 1024 * 1024 })) {
          const byWindow = new Map<number, OdmEvent[]>();
          for (const l of lines) {
            if (l.text === '') continue;
            const e = JSON.parse(l.text) as OdmEvent;
            const start = Math.floor(e.event_time / size) * size;
            let list = byWindow.get(start);
            if (list === undefined) byWindow.set(start, (list = []));
            list.push(e);
          }
          for (const [start, list] of byWindow) {
            let w = windows.get(start);
            if (w === undefined) windows.set(start, (w = new WindowSpool(winDir, start, start + size)));
            await w.append(list);
          }
        }
      }
    }
    const ratings = await new RatingsStore(join(spec.stateDir, 'feedback', 'ratings.ndjson')).list();
    const reports: WindowReport[] = [];
    for (const start of [...windows.keys()].sort((a, b) => a - b)) {
      const w = windows.get(start)!;
      reports.push(await st.runWindow(w, ratings));
      await w.remove();
    }
    await rm(winDir, { recursive: true, force: true });
    await pipeline.close();
    const outputs = Object.fromEntries(pipeline.sinks.map((s) => [s.spec.name, s.instance.describeOutputs?.() ?? []]));
    const result: WindowResult = {
      submission: job.data.submission,
      inputs,
      failedInputs,
      windows: reports,
      alerts: st.counts.alerts,
      outputs,
      violations: [...st.violations.values()].reduce((n, v) => n + v.count, 0),
    };
    await writeFile(join(dir, 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await pipeline.close().catch(() => undefined);
    await quarantine.close();
    await deadLetter.close();
  }
}

/** Lists the submissions under a shared folder (newest last). */
export async function listSubmissionDirs(sharedDir: string): Promise<string[]> {
  try {
    return (await readdir(join(sharedDir, 'submissions'))).sort();
  } catch {
    return [];
  }
}
