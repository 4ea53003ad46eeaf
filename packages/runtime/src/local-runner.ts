import { existsSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Container } from 'inversify';
import {
  type DecodeContext,
  type Decoder,
  type EventKind,
  type InputSource,
  type Issue,
  type Logger,
  type OdmEvent,
  OdmNdjsonDecoder,
  type PipelineSpec,
  type PluginRegistry,
  type QuarantineRecord,
  type Rating,
  RetryingSink,
  SightlineError,
  type SinkBatch,
  type Stage,
  type Stream,
  describeCause,
  protocolName,
} from '@sightline/core';
import { type AssembledPipeline, type Step, assemblePipeline, stepContext } from './assemble.js';
import { BoundedQueue } from './bounded-queue.js';
import { FileDeadLetterStore, FileQuarantineStore } from './file-stores.js';
import { peekSource } from './inputs/peek.js';
import { type InputPlan, type PlannedInput, planInputs } from './inputs/plan.js';
import { StreamLogger } from './logger.js';
import { ModelStateStore } from './model-state-store.js';
import { RatingsStore, ratingFor } from './ratings-store.js';
import type { AlertBrief, Counts, InputReport, Progress, RunSummary, SinkReport, ViolationReport, WindowReport } from './summary.js';
import { TopN } from './top-n.js';
import { BoundaryValidator } from './validator.js';
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

const RAW_LIMIT = 4096;

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

    const counts: Counts = { bytesRead: 0, dropped: 0, eventsDecoded: 0, quarantined: {}, eventsForwarded: 0, eventsLate: 0, alerts: 0, delivered: 0, deadLettered: 0 };
    const violations = new Map<string, ViolationReport>();
    const inputs: InputReport[] = [];
    const windowsDone: WindowReport[] = [];
    let inputFailures = 0;
    let phase: Progress['phase'] = 'starting';
    let current: string | undefined;
    let bytesTotal: number | undefined = 0;

    const quarantineIssues = async (issues: readonly Issue[], stage: Stage, plugin: string): Promise<void> => {
      if (issues.length === 0) return;
      const at = this.#now();
      const records = issues.map((i) => toRecord(i, stage, plugin, spec.name, at));
      counts.quarantined[stage] = (counts.quarantined[stage] ?? 0) + records.length;
      await quarantine.put(records);
    };
    const violate = async (step: string, plugin: string, message: string, events: readonly OdmEvent[] = [], code: Issue['code'] = 'SL_EVENT_INVALID'): Promise<void> => {
      const v = violations.get(step);
      const n = Math.max(1, events.length);
      if (v === undefined) violations.set(step, { step, plugin, count: n, first: message });
      else v.count += n;
      const issues: Issue[] = events.length === 0 ? [{ code, message }] : events.map((e) => ({ code, message, event_id: e.event_id, raw: JSON.stringify(e) }));
      await quarantineIssues(issues, 'plugin', plugin);
    };

    const progress = (): Progress => ({
      elapsedMs: this.#now() - started,
      bytesRead: counts.bytesRead,
      bytesTotal,
      eventsDecoded: counts.eventsDecoded,
      eventsForwarded: counts.eventsForwarded,
      quarantined: Object.values(counts.quarantined).reduce((a, b) => a + b, 0),
      deadLettered: counts.deadLettered,
      alerts: counts.alerts,
      currentInput: current,
      rssBytes: process.memoryUsage.rss(),
      phase,
    });
    const onProgress = this.#o.onProgress;
    const ticker = onProgress === undefined ? undefined : setInterval(() => onProgress(progress()), this.#o.progressIntervalMs ?? 1000);
    ticker?.unref();

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
      clearInterval(ticker);
      await quarantine.close();
      await deadLetter.close();
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    this.#pipeline = pipeline;

    let plan: InputPlan;
    try {
      plan = await planInputs(spec, { stdin: this.#o.stdin, signal, logger: this.#logger, onListening: this.#o.onListening });
    } catch (e) {
      clearInterval(ticker);
      await pipeline.close().catch(() => undefined);
      await quarantine.close();
      await deadLetter.close();
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    bytesTotal = plan.totalBytes;

    const validator = new BoundaryValidator(spec.validate);
    const sinkReports = new Map<string, SinkReport>(pipeline.sinks.map((s) => [s.spec.name, { step: s.spec.name, plugin: s.manifest.name, delivered: { events: 0, alerts: 0 }, deadLettered: 0, outputs: [] }]));
    const delivery = new Map(
      pipeline.sinks.map((s) => [
        s.spec.name,
        new RetryingSink(s.instance, {
          policy: s.spec.retry,
          deadLetter,
          pipeline: spec.name,
          onRetry: ({ attempt, delayMs, pending, error }) =>
            (attempt === 1 ? this.#logger.warn : this.#logger.debug).call(this.#logger, `sink "${s.spec.name}" will retry ${pending} events in ${delayMs} ms: ${error.message}`, { code: error.code, attempt }),
        }),
      ]),
    );

    /** Validates events a step produced; invalid ones are quarantined and removed (returns the valid ones). */
    const guard = async (step: Step<'decoder' | 'enricher' | 'model'>, events: OdmEvent[]): Promise<OdmEvent[]> => {
      const bad = validator.check(step.spec.name, events);
      if (bad.length === 0) return events;
      const first = bad[0]!;
      for (const v of bad) await violate(step.spec.name, step.manifest.name, `step "${step.spec.name}" (plugin "${step.manifest.name}") emitted an event that does not match the data model: ${v.path} ${v.message}`, [v.event]);
      this.#logger.error(`plugin "${step.manifest.name}" (step "${step.spec.name}") emitted ${bad.length} malformed event(s): ${first.path} ${first.message}`);
      const badSet = new Set(bad.map((v) => v.event));
      return events.filter((e) => !badSet.has(e));
    };

    const deliver = async (stream: Stream, events: readonly OdmEvent[]): Promise<void> => {
      if (events.length === 0) return;
      await Promise.all(
        pipeline.sinks.map(async (s) => {
          if (s.spec.deliver !== 'both' && s.spec.deliver !== stream) return;
          const kinds = s.spec.kinds ?? s.instance.kinds;
          const selected = kinds === undefined ? events : events.filter((e) => kinds.includes(e.event_kind));
          if (selected.length === 0) return;
          const batch: SinkBatch = { stream, events: selected };
          const report = await delivery.get(s.spec.name)!.deliver(batch, s.ctx);
          const r = sinkReports.get(s.spec.name)!;
          r.delivered[stream] += report.delivered;
          r.deadLettered += report.deadLettered;
          counts.delivered += report.delivered;
          counts.deadLettered += report.deadLettered;
          if (report.deadLettered > 0) this.#logger.error(`sink "${s.spec.name}" could not deliver ${report.deadLettered} ${stream}; they are in the dead-letter store`, { code: report.lastError?.code, reason: report.lastError?.message });
        }),
      );
    };

    // --- model windows --------------------------------------------------------------------------------
    const modelKinds = new Set<EventKind>(pipeline.models.flatMap((m) => m.instance.kinds));
    const spoolDir = join(runDir, '.spool');
    const windows = new Map<number, WindowSpool>();
    const size = spec.window.sizeMs;
    let closedBefore = -Infinity;
    let watermark = -Infinity;
    let ratings: Rating[] | undefined;
    const ratingsStore = new RatingsStore(join(spec.stateDir, 'feedback', 'ratings.ndjson'));

    const processWindow = async (w: WindowSpool): Promise<void> => {
      await w.seal();
      phase = 'modelling';
      const report: WindowReport['models'][number][] = [];
      ratings ??= await ratingsStore.list().catch((e: unknown) => {
        this.#logger.error(`analyst ratings cannot be read; fitting without them: ${describeCause(e)}`);
        return [];
      });
      for (const m of pipeline.models) {
        report.push(await this.#runModel(m, w, ratings, { quarantineIssues, violate, guard, deliver, counts }));
      }
      for (const s of pipeline.sinks) await s.instance.flush?.();
      windowsDone.push({ start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString(), events: w.total, models: report });
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
        await quarantineIssues(late, 'model', 'runtime');
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

    // --- the batch path ------------------------------------------------------------------------------
    const processBatch = async (item: QueueItem): Promise<void> => {
      const decoderStep = pipeline.decoders.find((d) => d.spec.name === item.decoder);
      await quarantineIssues(item.issues, 'decode', item.decoder);
      let events = item.events;
      for (const e of events) e.event_source ??= item.input.name;
      if (decoderStep !== undefined) events = await guard(decoderStep, events);
      for (const en of pipeline.enrichers) {
        const kinds = en.instance.kinds;
        const subset = kinds === undefined ? events : events.filter((e) => kinds.includes(e.event_kind));
        if (subset.length === 0) continue;
        try {
          const result = await en.instance.enrich(subset, en.ctx);
          if (result?.issues !== undefined) await quarantineIssues(result.issues, 'enrich', en.manifest.name);
        } catch (e) {
          await violate(en.spec.name, en.manifest.name, `enricher "${en.spec.name}" threw instead of reporting issues: ${describeCause(e)}; ${subset.length} events went on without its context`, [], 'SL_PLUGIN_CRASHED');
          this.#logger.error(`enricher "${en.spec.name}" threw: ${describeCause(e)}`);
        }
        events = await guard(en, events);
      }
      counts.eventsForwarded += events.length;
      await deliver('events', events);
      await spoolEvents(events);
    };

    // --- producer: inputs -> decoders -> queue ---------------------------------------------------------
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
          const chosen = this.#chooseDecoder(input, head, source, pipeline, fallbackNdjson);
          if (chosen === undefined) {
            inputFailures++;
            report.error = 'no decoder recognised it';
            const names = pipeline.decoders.map((d) => d.spec.name).join(', ') || 'none';
            await quarantineIssues(
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
                await quarantineIssues([{ code: 'SL_INPUT_DROPPED', message: `${dropped} datagrams were lost on ${input.name} (${stats['dropped_queue'] ?? 0} by the listener's queue, ${stats['dropped_kernel'] ?? 0} by the kernel)`, source: input.name, details: stats }], 'input', 'runtime');
              }
            }
          }
        } catch (e) {
          inputFailures++;
          const err = SightlineError.is(e) ? e : undefined;
          const code = err?.code === 'SL_INPUT_UNREADABLE' || err?.code === 'SL_INPUT_NOT_FOUND' ? err.code : 'SL_PLUGIN_CRASHED';
          report.error = describeCause(e);
          if (code === 'SL_PLUGIN_CRASHED') {
            await violate(report.decoder ?? 'input', report.decoder ?? 'runtime', `decoder "${report.decoder}" threw while reading ${input.name}: ${describeCause(e)}`, [], 'SL_PLUGIN_CRASHED');
          } else {
            await quarantineIssues([{ code, message: describeCause(e), source: input.name, offset: report.bytes }], 'input', 'runtime');
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
    for (const s of pipeline.sinks) (sinkReports.get(s.spec.name) as { outputs: readonly string[] }).outputs = s.instance.describeOutputs?.() ?? [];
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
      sinks: [...sinkReports.values()],
      windows: windowsDone,
      quarantine: quarantine.summary(),
      deadLetters: deadLetter.summary(),
      violations: [...violations.values()],
      inputFailures,
    };
    await writeFile(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`).catch(() => undefined);
    await this.#linkLatest(runId);
    if (failure !== undefined) throw SightlineError.from(failure, 'SL_INTERNAL', 'the run failed');
    if (closeError !== undefined) throw SightlineError.from(closeError, 'SL_OUTPUT_UNWRITABLE', 'finalising outputs failed');
    return summary;
  }

  #chooseDecoder(input: PlannedInput, head: Uint8Array, source: InputSource, pipeline: AssembledPipeline, fallback: OdmNdjsonDecoder): { decoder: Decoder; step: string } | undefined {
    if (input.decoder !== 'auto') {
      const step = pipeline.decoders.find((d) => d.spec.name === input.decoder);
      if (step === undefined) throw new SightlineError('SL_CONFIG_INVALID', `input ${input.name} names decoder "${input.decoder}", which is not a decoder step`, { stage: 'config' });
      return { decoder: step.instance, step: step.spec.name };
    }
    let best: { decoder: Decoder; step: string; confidence: number } | undefined;
    for (const d of pipeline.decoders) {
      let confidence = 0;
      try {
        confidence = d.instance.sniff({ head, name: source.name, framing: source.framing });
      } catch (e) {
        this.#logger.warn(`decoder "${d.spec.name}" threw while sniffing ${source.name}: ${describeCause(e)}`);
      }
      if (confidence > 0 && (best === undefined || confidence > best.confidence)) best = { decoder: d.instance, step: d.spec.name, confidence };
    }
    if (best === undefined && input.synthetic) return { decoder: fallback, step: 'odm-ndjson' };
    return best;
  }

  async #runModel(
    m: Step<'model', PipelineSpec['models'][number]>,
    w: WindowSpool,
    ratings: readonly Rating[],
    h: {
      quarantineIssues: (issues: readonly Issue[], stage: Stage, plugin: string) => Promise<void>;
      violate: (step: string, plugin: string, message: string, events?: readonly OdmEvent[], code?: Issue['code']) => Promise<void>;
      guard: (step: Step<'model'>, events: OdmEvent[]) => Promise<OdmEvent[]>;
      deliver: (stream: Stream, events: readonly OdmEvent[]) => Promise<void>;
      counts: Counts;
    },
  ): Promise<WindowReport['models'][number]> {
    const spec = this.#spec;
    const model = m.instance;
    const view = w.view(model.kinds, spec.batchSize);
    const base = { step: m.spec.name, events: view.count };
    if (view.count === 0) return { ...base, scored: 0, alerts: 0 };
    const store = new ModelStateStore(join(m.ctx.stateDir, 'states'));
    let previous;
    try {
      previous = await store.latest();
    } catch (e) {
      this.#logger.warn(`model "${m.spec.name}": previous state unusable, fitting from scratch: ${describeCause(e)}`);
    }
    const windowLabel = `${new Date(w.start).toISOString()}..${new Date(w.end).toISOString()}`;
    const t0 = this.#now();
    let state;
    try {
      state = await model.fit(view, { ...m.ctx, ...(previous === undefined ? {} : { previous }), feedback: ratings, seed: m.spec.seed });
    } catch (e) {
      const message = `model "${m.spec.name}" could not be fitted on window ${windowLabel}: ${describeCause(e)}`;
      await h.quarantineIssues([{ code: 'SL_MODEL_FIT_FAILED', message }], 'model', m.manifest.name);
      this.#logger.error(message);
      return { ...base, scored: 0, alerts: 0, error: message };
    }
    const statePath = await store.save(state);
    const t1 = this.#now();
    // Ranked per event kind: scores of different kinds are not comparable (Spot ranked each data type alone).
    type Ranked = { event: OdmEvent; outcome: NonNullable<Awaited<ReturnType<typeof model.score>>[number]> };
    const tops = new Map<EventKind, TopN<Ranked>>();
    const scoredByKind = new Map<EventKind, number>();
    let scored = 0;
    const threshold = m.spec.threshold;
    try {
      for await (const batch of view.batches()) {
        const outcomes = await model.score(batch, state, m.ctx);
        if (!Array.isArray(outcomes) || outcomes.length !== batch.length) {
          throw new SightlineError('SL_MODEL_SCORE_FAILED', `score returned ${Array.isArray(outcomes) ? outcomes.length : typeof outcomes} results for ${batch.length} events`, { stage: 'model', plugin: m.manifest.name });
        }
        for (let i = 0; i < batch.length; i++) {
          const o = outcomes[i];
          if (o === null || o === undefined) continue;
          if (!Number.isFinite(o.value)) throw new SightlineError('SL_MODEL_SCORE_FAILED', `score of event ${batch[i]!.event_id} is ${o.value}`, { stage: 'model', plugin: m.manifest.name });
          scored++;
          const kind = batch[i]!.event_kind;
          scoredByKind.set(kind, (scoredByKind.get(kind) ?? 0) + 1);
          if (threshold !== undefined && (model.order === 'asc' ? o.value > threshold : o.value < threshold)) continue;
          let top = tops.get(kind);
          if (top === undefined) tops.set(kind, (top = new TopN<Ranked>(m.spec.topN, model.order)));
          top.offer(o.value, { event: batch[i]!, outcome: o });
        }
      }
    } catch (e) {
      const message = `model "${m.spec.name}" failed scoring window ${windowLabel}: ${describeCause(e)}`;
      await h.violate(m.spec.name, m.manifest.name, message, [], 'SL_MODEL_SCORE_FAILED');
      this.#logger.error(message);
      return { ...base, scored, alerts: 0, state: statePath, error: message };
    }
    const t2 = this.#now();
    const ranked = [...tops.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([kind, top]) => top.sorted().map((r, index) => ({ ...r, kind, index })));
    let alerts: OdmEvent[] = ranked.map(({ value, item, kind, index }) => {
      const { event, outcome } = item;
      const rank = index + 1;
      const ofKind = scoredByKind.get(kind) ?? 1;
      const rating = ratingFor(event, ratings, outcome.word);
      return {
        ...event,
        score_model: m.spec.name,
        score_model_version: state.id,
        score_value: value,
        score_order: model.order,
        score_rank: rank,
        score_risk: Math.round(10000 * (1 - (rank - 1) / Math.max(1, ofKind))) / 100,
        ...(outcome.severity === undefined ? {} : { score_severity: outcome.severity }),
        ...(outcome.reasons === undefined ? {} : { score_reasons: [...outcome.reasons] }),
        ...(outcome.word === undefined ? {} : { score_word: outcome.word }),
        ...(outcome.evidence === undefined ? {} : { score_evidence: { ...outcome.evidence } }),
        score_window_start: w.start,
        score_window_end: w.end,
        ...(rating === undefined ? {} : { score_feedback: rating.rating }),
      } as OdmEvent;
    });
    alerts = await h.guard(m, alerts);
    h.counts.alerts += alerts.length;
    await h.deliver('alerts', alerts);
    this.#logger.info(`window ${windowLabel}: model "${m.spec.name}" scored ${scored} events, ${alerts.length} alerts`);
    const topBriefs = alerts.filter((a) => (a.score_rank ?? 0) <= 3).map(brief);
    return { ...base, scored, alerts: alerts.length, state: statePath, fitSeconds: (t1 - t0) / 1000, scoreSeconds: (t2 - t1) / 1000, top: topBriefs };
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

/** An alert in a few words. */
export function brief(a: OdmEvent): AlertBrief {
  let what: string;
  if (a.event_kind === 'flow') what = `${protocolName(a.n_proto) ?? '?'} :${a.dst_port ?? '?'} ${a.in_bytes ?? 0} B`;
  else if (a.event_kind === 'dns') what = `${a.dns_type ?? '?'} ${a.dns_query ?? ''} rcode ${a.dns_response_code ?? '?'}`;
  else what = `${a.prx_method ?? '?'} ${a.prx_uri ?? a.prx_host ?? ''} ${a.prx_code ?? ''}`;
  return {
    rank: a.score_rank ?? 0,
    event_id: a.event_id,
    kind: a.event_kind,
    time: new Date(a.event_time).toISOString(),
    src: a.src_ip,
    dst: a.dst_ip,
    what,
    value: a.score_value ?? 0,
    reason: a.score_reasons?.[0],
  };
}

function toRecord(issue: Issue, stage: Stage, plugin: string, pipeline: string, at: number): QuarantineRecord {
  const { raw, ...rest } = issue;
  if (raw === undefined) return { ...rest, at, pipeline, stage, plugin };
  if (typeof raw === 'string') {
    const truncated = raw.length > RAW_LIMIT;
    return { ...rest, at, pipeline, stage, plugin, raw: truncated ? raw.slice(0, RAW_LIMIT) : raw, raw_encoding: 'text', ...(truncated ? { raw_truncated: true } : {}) };
  }
  const truncated = raw.length > RAW_LIMIT;
  const bytes = truncated ? raw.subarray(0, RAW_LIMIT) : raw;
  return { ...rest, at, pipeline, stage, plugin, raw: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), raw_encoding: 'base64', ...(truncated ? { raw_truncated: true } : {}) };
}
