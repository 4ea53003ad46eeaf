import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue, WaitingChildrenError } from 'bullmq';
import { type EventKind, type Logger, type OdmEvent, type PipelineSpec, type PluginRegistry, SightlineError, type StepSpec, loadPipelineFile } from '@sightline/core';
import { type AssembledPipeline, assemblePipeline } from '../assemble.js';
import { FileDeadLetterStore, FileQuarantineStore } from '../file-stores.js';
import { type ModelReport, PipelineStages } from '../pipeline-stages.js';
import { RatingsStore } from '../ratings-store.js';
import type { WindowReport } from '../summary.js';
import type { SpooledWindow } from '../window-spool.js';
import { connectRedis } from './connection.js';
import { type SpooledWindows, spoolFile, spooledWindowView } from './input-spool.js';
import { MODEL_QUEUE, clusterKeys, jobIdPart } from './keys.js';
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
  /** The events it spooled for the models, per model window (`spoolFile(dir, index, start)`), by kind. */
  readonly windows?: SpooledWindows;
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

/** A model job: one model fitted and scored on every window of a submission, in time order (warm starts chain). */
export interface ModelJobData {
  readonly submission: string;
  readonly configHash: string;
  /** The model's place among the pipeline's models, and its step name. */
  readonly model: number;
  readonly step: string;
  /** Window starts, each with the inputs (in input order) that spooled events into it. */
  readonly windows: readonly { readonly start: number; readonly inputs: readonly number[]; readonly counts: Partial<Record<EventKind, number>> }[];
}

/** What a model job reports to its window job; its alerts are in `file` (one line per window). */
export interface ModelJobResult {
  readonly model: number;
  readonly step: string;
  readonly file: string;
  readonly violations: number;
}

/** The minimum of a job a window needs (a BullMQ Job, or the sandboxed job proxy in a worker thread). */
export interface WindowJobLike {
  readonly id?: string | undefined;
  readonly name: string;
  readonly data: WindowJobData | ModelJobData;
  getChildrenValues(): Promise<Record<string, unknown>>;
  getIgnoredChildrenFailures(): Promise<Record<string, string>>;
  updateData(data: WindowJobData): Promise<void>;
  moveToWaitingChildren(token: string): Promise<boolean>;
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

/** The job id of model `index`'s job in a submission. */
export function modelJobId(submission: string, index: number): string {
  return `model-${jobIdPart(submission)}-${index}`;
}

const idOf = (key: string): string => key.split(':').pop() ?? key;

/** The windows of a submission from its decode results: each window's inputs in input order, and its counts. */
function windowsOf(inputs: readonly DecodeResult[]): Map<number, { inputs: number[]; counts: Map<EventKind, number> }> {
  const out = new Map<number, { inputs: number[]; counts: Map<EventKind, number> }>();
  for (const input of inputs) {
    for (const [start, counts] of Object.entries(input.windows ?? {})) {
      let w = out.get(Number(start));
      if (w === undefined) out.set(Number(start), (w = { inputs: [], counts: new Map() }));
      w.inputs.push(input.index);
      for (const [kind, n] of Object.entries(counts) as [EventKind, number][]) w.counts.set(kind, (w.counts.get(kind) ?? 0) + n);
    }
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

interface Loaded {
  readonly spec: PipelineSpec;
  readonly dir: string;
  readonly pipeline: AssembledPipeline;
  readonly quarantine: FileQuarantineStore;
  readonly deadLetter: FileDeadLetterStore;
  readonly st: PipelineStages;
  close(): Promise<void>;
}

/** Loads the pipeline for a window or model job (its own run folder and quarantine), only the steps it needs. */
async function load(data: { submission: string; configHash: string }, env: WorkerEnvironment, logger: Logger, part: string, runDir: string, only: (step: StepSpec) => boolean): Promise<Loaded> {
  const spec = loadPipelineFile(env.pipelineFile, { overrides: env.overrides });
  const hash = configHash(spec, env.overrides);
  if (data.configHash !== hash) {
    throw new SightlineError('SL_CLUSTER_CONFIG_MISMATCH', `submission ${data.submission} was made with pipeline config ${data.configHash}; this worker runs ${hash}`, { stage: 'runtime' });
  }
  const registryModule = (await import(pathToFileURL(env.registryModule).href)) as { builtinRegistry: () => PluginRegistry };
  const registry = registryModule.builtinRegistry();
  const dir = submissionDir(spec.cluster.sharedDir, data.submission);
  await rm(join(dir, 'quarantine', part), { recursive: true, force: true });
  const quarantine = new FileQuarantineStore(join(dir, 'quarantine', part));
  const deadLetter = new FileDeadLetterStore(join(dir, 'dead-letter', `${part}-${env.workerId}`));
  await mkdir(join(dir, runDir), { recursive: true });
  const controller = new AbortController();
  const pipeline = await assemblePipeline(spec, { registry, logger, runDir: join(dir, runDir), signal: controller.signal, quarantine, deadLetter, pluginSearchDirs: env.pluginSearchDirs, only });
  const st = new PipelineStages({ spec, pipeline, logger, quarantine, deadLetter });
  return {
    spec,
    dir,
    pipeline,
    quarantine,
    deadLetter,
    st,
    close: async () => {
      await pipeline.close().catch(() => undefined);
      await quarantine.close();
      await deadLetter.close();
    },
  };
}

/**
 * The jobs of the model queue. A window job is the parent of a submission's decode jobs; once they are done (or
 * failed for good) it adds one model job per model as further children and waits for them (BullMQ's
 * step-job pattern: the job moves to waiting-children and runs again when they finish), so the models of a
 * window fit on different workers at once. Each model job fits and scores its model on every window of the
 * submission in time order, over the files the decode jobs spooled, exactly as the LocalRunner does, and keeps
 * its ranked alerts in a file; the window job then delivers them in the LocalRunner's order (window by window,
 * model by model), flushes the sinks and writes the summary. Runs in a worker thread.
 */
export async function runWindowJob(job: WindowJobLike, env: WorkerEnvironment, logger: Logger = quiet, token = ''): Promise<WindowResult | ModelJobResult> {
  if (job.name === 'model') return runModelJob(job.data as ModelJobData, env, logger);
  const data = job.data as WindowJobData;
  const values = await job.getChildrenValues();
  const failures = await job.getIgnoredChildrenFailures();
  const inputs = Object.entries(values)
    .filter(([k]) => idOf(k).startsWith('decode-'))
    .map(([, v]) => v as DecodeResult)
    .sort((a, b) => a.index - b.index);
  const windows = windowsOf(inputs);

  if (data.stage !== 'deliver') {
    const spec = loadPipelineFile(env.pipelineFile, { overrides: env.overrides });
    const models = spec.models;
    if (windows.size > 0 && models.length > 0) {
      const keys = clusterKeys(spec.name);
      const redis = connectRedis(spec.cluster.redis, logger, 'window job');
      const queue = new Queue(MODEL_QUEUE, { connection: redis, prefix: keys.prefix });
      try {
        const c = spec.cluster;
        const windowList = [...windows].map(([start, w]) => ({ start, inputs: w.inputs, counts: Object.fromEntries(w.counts) }));
        await queue.addBulk(
          models.map((m, model) => ({
            name: 'model',
            data: { submission: data.submission, configHash: data.configHash, model, step: m.name, windows: windowList } satisfies ModelJobData,
            opts: {
              jobId: modelJobId(data.submission, model),
              parent: { id: job.id!, queue: `${keys.prefix}:${MODEL_QUEUE}` },
              attempts: c.attempts,
              backoff: { type: 'exponential', delay: c.backoffMs },
              removeOnComplete: { age: Math.ceil(c.keepJobsMs / 1000) },
              removeOnFail: false,
              // A model that fails for good is reported in the window (as the LocalRunner reports a failed fit);
              // the other models' alerts are still delivered.
              ignoreDependencyOnFailure: true,
            },
          })),
        );
        await job.updateData({ ...data, stage: 'deliver' });
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      } finally {
        await queue.close();
        redis.disconnect();
      }
    }
  }
  return deliverWindow(data, inputs, windows, values, failures, env, logger);
}

/** The window job's last step: the models' alerts delivered in order, the sinks flushed, the summary written. */
async function deliverWindow(
  data: WindowJobData,
  inputs: readonly DecodeResult[],
  windows: ReturnType<typeof windowsOf>,
  values: Record<string, unknown>,
  failures: Record<string, string>,
  env: WorkerEnvironment,
  logger: Logger,
): Promise<WindowResult> {
  // The alerts' delivery needs the sinks, and the models for their names and kinds; no decoder or enricher.
  const l = await load(data, env, logger, 'window', 'run', (step) => step.section === 'models' || step.section === 'sinks');
  try {
    const { spec, dir, pipeline, st } = l;
    const failedInputs = Object.entries(failures)
      .filter(([k]) => !idOf(k).startsWith('model-'))
      .map(([key, reason]) => ({ job: idOf(key), reason }));
    for (const f of failedInputs) await st.quarantineIssues([{ code: 'SL_INPUT_UNREADABLE', message: `input chunk ${f.job} failed for good and is missing from this window: ${f.reason}` }], 'input', 'runtime');
    const parts = new Map<number, ModelJobResult>();
    for (const [k, v] of Object.entries(values)) if (idOf(k).startsWith('model-')) parts.set((v as ModelJobResult).model, v as ModelJobResult);
    const partFailures = new Map<string, string>(Object.entries(failures).filter(([k]) => idOf(k).startsWith('model-')).map(([k, reason]) => [idOf(k), reason]));
    // Each model's reports and alerts by window start, read one model at a time (alerts are bounded by top_n).
    const byModel = new Map<number, Map<number, { report: ModelReport; alerts: OdmEvent[] }>>();
    for (const [model, part] of parts) {
      const m = new Map<number, { report: ModelReport; alerts: OdmEvent[] }>();
      for (const line of (await readFile(part.file, 'utf8')).split('\n')) {
        if (line === '') continue;
        const r = JSON.parse(line) as { start: number; report: ModelReport; alerts: OdmEvent[] };
        m.set(r.start, r);
      }
      byModel.set(model, m);
    }
    const size = spec.window.sizeMs;
    const reports: WindowReport[] = [];
    for (const [start, w] of windows) {
      const models: ModelReport[] = [];
      for (const [index, m] of pipeline.models.entries()) {
        const events = m.instance.kinds.reduce((n, k) => n + (w.counts.get(k) ?? 0), 0);
        const r = byModel.get(index)?.get(start);
        if (r === undefined) {
          const reason = partFailures.get(modelJobId(data.submission, index)) ?? 'its model job left no result';
          const message = `model "${m.spec.name}" could not be run on window ${new Date(start).toISOString()}..${new Date(start + size).toISOString()}: ${reason}`;
          if (events > 0) await st.quarantineIssues([{ code: 'SL_MODEL_FIT_FAILED', message }], 'model', m.manifest.name);
          models.push(events === 0 ? { step: m.spec.name, events, scored: 0, alerts: 0 } : { step: m.spec.name, events, scored: 0, alerts: 0, error: message });
          continue;
        }
        if (r.report.error === undefined && r.report.state !== undefined) await st.deliverAlerts(m.spec.name, { start, end: start + size }, r.alerts, r.report.scored);
        models.push(r.report);
      }
      for (const s of pipeline.sinks) await s.instance.flush?.();
      reports.push({ start: new Date(start).toISOString(), end: new Date(start + size).toISOString(), events: [...w.counts.values()].reduce((a, b) => a + b, 0), models });
    }
    await pipeline.close();
    const outputs = Object.fromEntries(pipeline.sinks.map((s) => [s.spec.name, s.instance.describeOutputs?.() ?? []]));
    const result: WindowResult = {
      submission: data.submission,
      inputs,
      failedInputs,
      windows: reports,
      alerts: st.counts.alerts,
      outputs,
      violations: [...st.violations.values()].reduce((n, v) => n + v.count, 0) + [...parts.values()].reduce((n, p) => n + p.violations, 0),
    };
    await writeFile(join(dir, 'summary.json'), `${JSON.stringify(result, null, 2)}\n`);
    await rm(join(dir, 'models'), { recursive: true, force: true });
    return result;
  } finally {
    await l.close();
  }
}

/** One model on every window of a submission, in time order; its reports and ranked alerts go to a file. */
async function runModelJob(data: ModelJobData, env: WorkerEnvironment, logger: Logger): Promise<ModelJobResult> {
  const l = await load(data, env, logger, `model-${data.model}`, join('models', `run-${data.model}`), (step) => step.section === 'models' && step.index === data.model);
  try {
    const { spec, dir, pipeline, st } = l;
    const m = pipeline.models[0];
    if (m === undefined || m.spec.name !== data.step) throw new SightlineError('SL_CLUSTER_CONFIG_MISMATCH', `model job ${data.model} is for step "${data.step}", which this pipeline does not have there`, { stage: 'runtime' });
    const ratings = await new RatingsStore(join(spec.stateDir, 'feedback', 'ratings.ndjson')).list();
    const size = spec.window.sizeMs;
    let text = '';
    for (const w of data.windows) {
      const files = w.inputs.map((i) => spoolFile(dir, i, w.start));
      const window: SpooledWindow = {
        start: w.start,
        end: w.start + size,
        view: (kinds, batchSize) => spooledWindowView(w.start, w.start + size, files, kinds.reduce((n, k) => n + (w.counts[k] ?? 0), 0), kinds, batchSize),
      };
      const { report, alerts } = await st.rankModel(m, window, ratings);
      text += `${JSON.stringify({ start: w.start, report, alerts })}\n`;
    }
    const file = join(dir, 'models', `${data.model}.ndjson`);
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
    return { model: data.model, step: data.step, file, violations: [...st.violations.values()].reduce((n, v) => n + v.count, 0) };
  } finally {
    await l.close();
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
