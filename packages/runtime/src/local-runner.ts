import { existsSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Container } from 'inversify';
import {
  type DecodeContext,
  type InputSource,
  type Issue,
  type Logger,
  type OdmEvent,
  OdmNdjsonDecoder,
  type PipelineSpec,
  type PluginRegistry,
  type Rating,
  SightlineError,
  describeCause,
} from '@sightline/core';
import { type AssembledPipeline, assemblePipeline, stepContext } from './assemble.js';
import { BoundedQueue } from './bounded-queue.js';
import { FileDeadLetterStore, FileQuarantineStore } from './file-stores.js';
import { peekSource } from './inputs/peek.js';
import { type InputPlan, planInputs } from './inputs/plan.js';
import { StreamLogger } from './logger.js';
import { RatingsStore } from './ratings-store.js';
import { PipelineStages } from './pipeline-stages.js';
import type { InputReport, Progress, RunSummary, WindowReport } from './summary.js';
import { WindowSpool } from './window-spool.js';

export interface LocalRunnerOptions {
  readonly spec: PipelineSpec;
  readonly registry: PluginRegistry;
  readonly logger?: Logger;
  /** Name of the run's folder under the output folder (default: the start time). */
  readonly runId?: string;
  readonly onProgress?: (progress: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Stops the run when aborted (SIGINT); outputs written so far are finalised. */
  readonly signal?: AbortSignal;
  readonly stdin?: NodeJS.ReadableStream;
  /** Decoded batches that may wait for the rest of the pipeline (back-pressure beyond this). Default 4. */
  readonly queueDepth?: number;
  readonly pluginSearchDirs?: readonly string[];
  /** Keep the model windows' spool files (debugging). */
  readonly keepSpool?: boolean;
  readonly now?: () => number;
  /** Shared services for the pipeline's container. */
  readonly parent?: Container;
  /** Told the address and port of each UDP input once it listens (port 0 picks a free one). */
  readonly onListening?: (address: string, port: number) => void;
}


interface QueueItem {
  readonly input: InputReport;
  readonly decoder: string;
  readonly events: OdmEvent[];
  readonly issues: Issue[];
}

function timestampId(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/**
 * Runs a pipeline in this process: the embedded default. Inputs are read one after another and decoded in
 * batches that flow through a bounded queue to enrichment and the event sinks (so memory stays flat however long
 * the input); events of the kinds the models take are spooled per time window, and when a window closes each
 * model is fitted on it, scores it, and its top-N go to the alert sinks. Every bad record is quarantined with its
 * reason; every undeliverable event is dead-lettered with its reason.
 */
export class LocalRunner {
  readonly #o: LocalRunnerOptions;
  readonly #spec: PipelineSpec;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #controller = new AbortController();
  #pipeline: AssembledPipeline | undefined;

  constructor(options: LocalRunnerOptions) {
    this.#o = options;
    this.#spec = options.spec;
    this.#logger = options.logger ?? new StreamLogger();
    this.#now = options.now ?? Date.now;
    if (options.signal !== undefined) {
      if (options.signal.aborted) this.#controller.abort();
      else options.signal.addEventListener('abort', () => this.#controller.abort(), { once: true });
    }
  }

  /** The assembled pipeline while running (tests reach sink instances through it). */
  get pipeline(): AssembledPipeline | undefined {
    return this.#pipeline;
  }

  stop(): void {
    this.#controller.abort();
  }

  /**
   * Runs to the end of the inputs (or until stopped). Start-up problems (config, plugins, inputs, output
   * folder) throw a SightlineError before anything is processed; problems while running are in the summary.
   */
  async run(): Promise<RunSummary> {
    const spec = this.#spec;
    const signal = this.#controller.signal;
    const started = this.#now();
    const runId = this.#o.runId ?? timestampId(started);
    const runDir = await this.#makeRunDir(runId);
    const quarantine = new FileQuarantineStore(join(runDir, 'quarantine'));
    const deadLetter = new FileDeadLetterStore(join(runDir, 'dead-letter'));
    const inputs: InputReport[] = [];
    const windowsDone: WindowReport[] = [];
    let inputFailures = 0;
    let phase: Progress['phase'] = 'starting';
    let current: string | undefined;
    let bytesTotal: number | undefined;
    let stages: PipelineStages | undefined;

    const progress = (): Progress => {
      const counts = stages?.counts;
      return {
        elapsedMs: this.#now() - started,
        bytesRead: counts?.bytesRead ?? 0,
        bytesTotal,
        eventsDecoded: counts?.eventsDecoded ?? 0,
        eventsForwarded: counts?.eventsForwarded ?? 0,
        quarantined: Object.values(counts?.quarantined ?? {}).reduce((a, b) => a + b, 0),
        deadLettered: counts?.deadLettered ?? 0,
        alerts: counts?.alerts ?? 0,
        currentInput: current,
        rssBytes: process.memoryUsage.rss(),
        phase,
      };
    };
    const onProgress = this.#o.onProgress;
    const ticker = onProgress === undefined ? undefined : setInterval(() => onProgress(progress()), this.#o.progressIntervalMs ?? 1000);
    ticker?.unref();

    const abandon = async (e: unknown, pipeline?: AssembledPipeline): Promise<never> => {
      clearInterval(ticker);
      await pipeline?.close().catch(() => undefined);
      await quarantine.close();
      await deadLetter.close();
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    };

    let pipeline: AssembledPipeline;
    try {
      pipeline = await assemblePipeline(spec, {
        registry: this.#o.registry,
        logger: this.#logger,
        runDir,
        signal,
        quarantine,
        deadLetter,
        ...(this.#o.parent === undefined ? {} : { parent: this.#o.parent }),
        ...(this.#o.pluginSearchDirs === undefined ? {} : { pluginSearchDirs: this.#o.pluginSearchDirs }),
      });
    } catch (e) {
      return abandon(e);
    }
    this.#pipeline = pipeline;

    let plan: InputPlan;
    try {
      plan = await planInputs(spec, { stdin: this.#o.stdin, signal, logger: this.#logger, onListening: this.#o.onListening });
    } catch (e) {
      return abandon(e, pipeline);
    }
    bytesTotal = plan.totalBytes;
    const st = new PipelineStages({ spec, pipeline, logger: this.#logger, quarantine, deadLetter, now: this.#now });
    stages = st;
    const counts = st.counts;

    // --- model windows: events spooled by event time; a window closes when the watermark passes its end ----
    const modelKinds = st.modelKinds();
    const spoolDir = join(runDir, '.spool');
    const windows = new Map<number, WindowSpool>();
    const size = spec.window.sizeMs;
    let closedBefore = -Infinity;
    let watermark = -Infinity;
    let ratings: Rating[] | undefined;
    const ratingsStore = new RatingsStore(join(spec.stateDir, 'feedback', 'ratings.ndjson'));

    const processWindow = async (w: WindowSpool): Promise<void> => {
      phase = 'modelling';
      ratings ??= await ratingsStore.list().catch((e: unknown) => {
        this.#logger.error(`analyst ratings cannot be read; fitting without them: ${describeCause(e)}`);
        return [];
      });
      windowsDone.push(await st.runWindow(w, ratings));
      if (this.#o.keepSpool !== true) await w.remove();
      phase = 'reading';
    };

    const spoolEvents = async (events: readonly OdmEvent[]): Promise<void> => {
      if (modelKinds.size === 0) return;
      const byWindow = new Map<number, OdmEvent[]>();
      const late: Issue[] = [];
      for (const e of events) {
        if (!modelKinds.has(e.event_kind)) continue;
        const start = Math.floor(e.event_time / size) * size;
        if (start < closedBefore) {
          late.push({ code: 'SL_MODEL_LATE_EVENT', message: `event at ${new Date(e.event_time).toISOString()} arrived after its window closed (watermark ${new Date(watermark).toISOString()})`, event_id: e.event_id, source: e.event_source ?? '' });
          continue;
        }
        let list = byWindow.get(start);
        if (list === undefined) byWindow.set(start, (list = []));
        list.push(e);
        if (e.event_time > watermark) watermark = e.event_time;
      }
      if (late.length > 0) {
        counts.eventsLate += late.length;
        await st.quarantineIssues(late, 'model', 'runtime');
      }
      for (const [start, list] of byWindow) {
        let w = windows.get(start);
        if (w === undefined) windows.set(start, (w = new WindowSpool(spoolDir, start, start + size)));
        await w.append(list);
      }
      const due = [...windows.keys()].filter((start) => start + size + spec.window.latenessMs <= watermark).sort((a, b) => a - b);
      for (const start of due) {
        closedBefore = Math.max(closedBefore, start + size);
        const w = windows.get(start)!;
        windows.delete(start);
        await processWindow(w);
      }
    };

    const processBatch = async (item: QueueItem): Promise<void> => {
      const events = await st.processDecoded(item.decoder, item.input.name, item.events, item.issues);
      await st.deliver('events', events);
      await spoolEvents(events);
    };

    // --- producer: inputs -> decoders -> bounded queue --------------------------------------------------
    const queue = new BoundedQueue<QueueItem>(this.#o.queueDepth ?? 4);
    const fallbackNdjson = new OdmNdjsonDecoder({ max_line_bytes: 1 << 20, kinds: ['flow', 'dns', 'proxy'] }, 'odm-ndjson');
    const produce = async (): Promise<void> => {
      phase = 'reading';
      for await (const input of plan.inputs) {
        if (signal.aborted) break;
        const report: InputReport = { name: input.name, decoder: undefined, bytes: 0, events: 0, issues: 0 };
        inputs.push(report);
        current = input.name;
        try {
          const opened = await input.open();
          const counted: InputSource = {
            ...opened,
            chunks: async function* () {
              for await (const c of opened.chunks()) {
                report.bytes += c.bytes.length;
                counts.bytesRead += c.bytes.length;
                yield c;
              }
            },
          };
          const { head, source } = await peekSource(counted);
          const chosen = st.chooseDecoder(input.decoder, head, source, input.synthetic ? { decoder: fallbackNdjson, step: 'odm-ndjson' } : undefined);
          if (chosen === undefined) {
            inputFailures++;
            report.error = 'no decoder recognised it';
            const names = pipeline.decoders.map((d) => d.spec.name).join(', ') || 'none';
            await st.quarantineIssues(
              [{ code: 'SL_INPUT_UNKNOWN_FORMAT', message: `no decoder recognised ${input.name} (tried: ${names}); name one with \`decoder:\` on the input`, source: input.name, offset: 0, raw: head.subarray(0, 256) }],
              'input',
              'runtime',
            );
            this.#logger.error(`no decoder recognised ${input.name}; skipped (first bytes are in quarantine)`);
            continue;
          }
          const { decoder, step } = chosen;
          (report as { decoder: string | undefined }).decoder = step;
          const ctx: DecodeContext = { ...stepContext(spec, { name: step }, this.#logger, runDir, signal), batchSize: spec.batchSize, keepRaw: spec.keepRaw };
          try {
            for await (const batch of decoder.decode(source, ctx)) {
              report.events += batch.events.length;
              report.issues += batch.issues.length;
              counts.eventsDecoded += batch.events.length;
              await queue.push({ input: report, decoder: step, events: batch.events, issues: batch.issues });
              if (signal.aborted) break;
            }
          } finally {
            const stats = opened.stats?.();
            if (stats !== undefined) {
              report.stats = { ...stats };
              const dropped = (stats['dropped_queue'] ?? 0) + (stats['dropped_kernel'] ?? 0);
              if (dropped > 0) {
                counts.dropped += dropped;
                await st.quarantineIssues([{ code: 'SL_INPUT_DROPPED', message: `${dropped} datagrams were lost on ${input.name} (${stats['dropped_queue'] ?? 0} by the listener's queue, ${stats['dropped_kernel'] ?? 0} by the kernel)`, source: input.name, details: stats }], 'input', 'runtime');
              }
            }
          }
        } catch (e) {
          inputFailures++;
          const err = SightlineError.is(e) ? e : undefined;
          const code = err?.code === 'SL_INPUT_UNREADABLE' || err?.code === 'SL_INPUT_NOT_FOUND' ? err.code : 'SL_PLUGIN_CRASHED';
          report.error = describeCause(e);
          if (code === 'SL_PLUGIN_CRASHED') {
            await st.violate(report.decoder ?? 'input', report.decoder ?? 'runtime', `decoder "${report.decoder}" threw while reading ${input.name}: ${describeCause(e)}`, [], 'SL_PLUGIN_CRASHED');
          } else {
            await st.quarantineIssues([{ code, message: describeCause(e), source: input.name, offset: report.bytes }], 'input', 'runtime');
          }
          this.#logger.error(`${input.name}: ${describeCause(e)}; going on with the next input`);
        }
      }
      current = undefined;
      queue.close();
    };

    let failure: unknown;
    const producer = produce().catch((e: unknown) => queue.fail(e));
    try {
      // Give timers (progress) and signals (Ctrl-C) a turn now and then: with in-memory inputs and sinks the
      // whole run would otherwise be one chain of microtasks.
      let lastYield = this.#now();
      for await (const item of queue.drain()) {
        await processBatch(item);
        if (this.#now() - lastYield > 25) {
          await yieldToLoop();
          lastYield = this.#now();
        }
      }
      await producer;
      if (!signal.aborted) {
        // End of input: every open window is complete.
        for (const start of [...windows.keys()].sort((a, b) => a - b)) {
          const w = windows.get(start)!;
          windows.delete(start);
          closedBefore = Math.max(closedBefore, start + size);
          await processWindow(w);
        }
      }
    } catch (e) {
      failure = e;
      this.#controller.abort();
      queue.close();
      await producer;
    }

    phase = 'finishing';
    clearInterval(ticker);
    for (const w of windows.values()) await w.remove().catch(() => undefined);
    await rm(spoolDir, { recursive: true, force: true }).catch(() => undefined);
    let closeError: unknown;
    try {
      await pipeline.close();
    } catch (e) {
      closeError = e;
    }
    for (const s of pipeline.sinks) (st.sinkReports.get(s.spec.name) as { outputs: readonly string[] }).outputs = s.instance.describeOutputs?.() ?? [];
    await quarantine.close();
    await deadLetter.close();
    onProgress?.(progress());

    const finished = this.#now();
    const summary: RunSummary = {
      pipeline: spec.name,
      runId,
      runDir,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      status: signal.aborted && failure === undefined ? 'interrupted' : 'completed',
      inputs,
      counts,
      sinks: [...st.sinkReports.values()],
      windows: windowsDone,
      quarantine: quarantine.summary(),
      deadLetters: deadLetter.summary(),
      violations: [...st.violations.values()],
      inputFailures,
    };
    await writeFile(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`).catch(() => undefined);
    await this.#linkLatest(runId);
    if (failure !== undefined) throw SightlineError.from(failure, 'SL_INTERNAL', 'the run failed');
    if (closeError !== undefined) throw SightlineError.from(closeError, 'SL_OUTPUT_UNWRITABLE', 'finalising outputs failed');
    return summary;
  }

  async #makeRunDir(runId: string): Promise<string> {
    const out = this.#spec.outputDir;
    let dir = join(out, runId);
    for (let i = 2; existsSync(dir); i++) dir = join(out, `${runId}-${i}`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, '.write-test'), '');
      await rm(join(dir, '.write-test'));
      await mkdir(this.#spec.stateDir, { recursive: true });
    } catch (cause) {
      throw new SightlineError('SL_OUTPUT_UNWRITABLE', `cannot write the run's output under ${out}: ${describeCause(cause)}`, { stage: 'sink', cause });
    }
    return dir;
  }

  async #linkLatest(runId: string): Promise<void> {
    const out = this.#spec.outputDir;
    const tmp = join(out, `.latest-${process.pid}`);
    try {
      await rm(tmp, { force: true });
      await symlink(runId, tmp);
      await rename(tmp, join(out, 'latest'));
    } catch {
      // Not every file system has symlinks; `latest` is a convenience.
    }
  }
}

