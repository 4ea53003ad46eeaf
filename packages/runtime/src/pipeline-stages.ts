import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DeadLetterStore,
  type Decoder,
  type EventKind,
  type InputSource,
  type Issue,
  type Logger,
  type OdmEvent,
  type PipelineSpec,
  type QuarantineRecord,
  type QuarantineStore,
  type Rating,
  RetryingSink,
  type ScoreOutcome,
  SightlineError,
  type SinkBatch,
  type Stage,
  type Stream,
  describeCause,
  protocolName,
} from '@sightline/core';
import type { AssembledPipeline, Step } from './assemble.js';
import { ModelStateStore } from './model-state-store.js';
import { ratingFor } from './ratings-store.js';
import type { AlertBrief, Counts, SinkReport, ViolationReport, WindowReport } from './summary.js';
import { TopN } from './top-n.js';
import { BoundaryValidator } from './validator.js';
import type { SpooledWindow, WindowSpool } from './window-spool.js';

const RAW_LIMIT = 4096;

export type ModelReport = WindowReport['models'][number];

/** Fresh counters. */
export function emptyCounts(): Counts {
  return { bytesRead: 0, dropped: 0, eventsDecoded: 0, quarantined: {}, eventsForwarded: 0, eventsLate: 0, alerts: 0, delivered: 0, deadLettered: 0 };
}

/** An issue as a quarantine record: where and when, with its raw bytes cut to a bounded size. */
export function toRecord(issue: Issue, stage: Stage, plugin: string, pipeline: string, at: number): QuarantineRecord {
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

/** An alert in a few words. */
export function brief(a: OdmEvent): AlertBrief {
  let what: string;
  if (a.event_kind === 'flow') what = `${protocolName(a.n_proto) ?? '?'} :${a.dst_port ?? '?'} ${a.in_bytes ?? 0} B`;
  else if (a.event_kind === 'dns') what = `${a.dns_type ?? '?'} ${a.dns_query ?? ''} rcode ${a.dns_response_code ?? '?'}`;
  else what = `${a.prx_method ?? '?'} ${a.prx_uri ?? a.prx_host ?? ''} ${a.prx_code ?? ''}`;
  return { rank: a.score_rank ?? 0, event_id: a.event_id, kind: a.event_kind, time: new Date(a.event_time).toISOString(), src: a.src_ip, dst: a.dst_ip, what, value: a.score_value ?? 0, reason: a.score_reasons?.[0] };
}

export interface PipelineStagesOptions {
  readonly spec: PipelineSpec;
  readonly pipeline: AssembledPipeline;
  readonly logger: Logger;
  readonly quarantine: QuarantineStore;
  readonly deadLetter: DeadLetterStore;
  readonly now?: () => number;
  /**
   * The boundary validator to use; one shared by all the stages a process makes keeps `validate: sample` a
   * sample of the process's events (the first 1000 per step, then 1 in 1000), not of each job's.
   */
  readonly validator?: BoundaryValidator;
}

/**
 * The work every runner does the same way: quarantining issues, checking plugins' events at stage boundaries,
 * enriching, delivering through the retrying sinks, and fitting/scoring/ranking a model window into alerts.
 * The LocalRunner strings these together in one process; the BullMQ runner calls them from its jobs. Sharing
 * them is what makes both runners give the same results for the same input and seed.
 */
export class PipelineStages {
  readonly spec: PipelineSpec;
  readonly pipeline: AssembledPipeline;
  readonly logger: Logger;
  readonly counts: Counts = emptyCounts();
  readonly violations = new Map<string, ViolationReport>();
  readonly sinkReports: Map<string, SinkReport>;
  readonly #quarantine: QuarantineStore;
  readonly #validator: BoundaryValidator;
  readonly #delivery: Map<string, RetryingSink>;
  readonly #now: () => number;

  constructor(o: PipelineStagesOptions) {
    this.spec = o.spec;
    this.pipeline = o.pipeline;
    this.logger = o.logger;
    this.#quarantine = o.quarantine;
    this.#now = o.now ?? Date.now;
    this.#validator = o.validator ?? new BoundaryValidator(o.spec.validate);
    this.sinkReports = new Map(o.pipeline.sinks.map((s) => [s.spec.name, { step: s.spec.name, plugin: s.manifest.name, delivered: { events: 0, alerts: 0 }, deadLettered: 0, outputs: [] }]));
    this.#delivery = new Map(
      o.pipeline.sinks.map((s) => [
        s.spec.name,
        new RetryingSink(s.instance, {
          policy: s.spec.retry,
          deadLetter: o.deadLetter,
          pipeline: o.spec.name,
          onRetry: ({ attempt, delayMs, pending, error }) =>
            (attempt === 1 ? o.logger.warn : o.logger.debug).call(o.logger, `sink "${s.spec.name}" will retry ${pending} events in ${delayMs} ms: ${error.message}`, { code: error.code, attempt }),
        }),
      ]),
    );
  }

  async quarantineIssues(issues: readonly Issue[], stage: Stage, plugin: string): Promise<void> {
    if (issues.length === 0) return;
    const at = this.#now();
    const records = issues.map((i) => toRecord(i, stage, plugin, this.spec.name, at));
    this.counts.quarantined[stage] = (this.counts.quarantined[stage] ?? 0) + records.length;
    await this.#quarantine.put(records);
  }

  /** Records a plugin's contract violation (and quarantines the events concerned). */
  async violate(step: string, plugin: string, message: string, events: readonly OdmEvent[] = [], code: Issue['code'] = 'SL_EVENT_INVALID'): Promise<void> {
    const v = this.violations.get(step);
    const n = Math.max(1, events.length);
    if (v === undefined) this.violations.set(step, { step, plugin, count: n, first: message });
    else v.count += n;
    const issues: Issue[] = events.length === 0 ? [{ code, message }] : events.map((e) => ({ code, message, event_id: e.event_id, raw: JSON.stringify(e) }));
    await this.quarantineIssues(issues, 'plugin', plugin);
  }

  /** Checks events a step produced; invalid ones are quarantined and removed. */
  async guard(step: Step<'decoder' | 'enricher' | 'model'>, events: OdmEvent[]): Promise<OdmEvent[]> {
    const bad = this.#validator.check(step.spec.name, events);
    if (bad.length === 0) return events;
    for (const v of bad) await this.violate(step.spec.name, step.manifest.name, `step "${step.spec.name}" (plugin "${step.manifest.name}") emitted an event that does not match the data model: ${v.path} ${v.message}`, [v.event]);
    this.logger.error(`plugin "${step.manifest.name}" (step "${step.spec.name}") emitted ${bad.length} malformed event(s): ${bad[0]!.path} ${bad[0]!.message}`);
    const badSet = new Set(bad.map((v) => v.event));
    return events.filter((e) => !badSet.has(e));
  }

  /** Picks the decoder for an input: the named step, or the one most confident about the first bytes. */
  chooseDecoder(named: string, head: Uint8Array, source: InputSource, fallback?: { decoder: Decoder; step: string }): { decoder: Decoder; step: string } | undefined {
    if (named !== 'auto') {
      const step = this.pipeline.decoders.find((d) => d.spec.name === named);
      if (step === undefined) throw new SightlineError('SL_CONFIG_INVALID', `input ${source.name} names decoder "${named}", which is not a decoder step`, { stage: 'config' });
      return { decoder: step.instance, step: step.spec.name };
    }
    let best: { decoder: Decoder; step: string; confidence: number } | undefined;
    for (const d of this.pipeline.decoders) {
      let confidence = 0;
      try {
        confidence = d.instance.sniff({ head, name: source.name, framing: source.framing });
      } catch (e) {
        this.logger.warn(`decoder "${d.spec.name}" threw while sniffing ${source.name}: ${describeCause(e)}`);
      }
      if (confidence > 0 && (best === undefined || confidence > best.confidence)) best = { decoder: d.instance, step: d.spec.name, confidence };
    }
    return best ?? fallback;
  }

  /**
   * What happens to a decoded batch before delivery: its issues quarantined, events stamped with their source,
   * checked, and enriched by every enricher in order. Returns the events that go on.
   */
  async processDecoded(decoderStep: string, sourceName: string, decoded: OdmEvent[], issues: readonly Issue[]): Promise<OdmEvent[]> {
    await this.quarantineIssues(issues, 'decode', decoderStep);
    let events = decoded;
    for (const e of events) e.event_source ??= sourceName;
    const step = this.pipeline.decoders.find((d) => d.spec.name === decoderStep);
    if (step !== undefined) events = await this.guard(step, events);
    for (const en of this.pipeline.enrichers) {
      const kinds = en.instance.kinds;
      const subset = kinds === undefined ? events : events.filter((e) => kinds.includes(e.event_kind));
      if (subset.length === 0) continue;
      try {
        const result = await en.instance.enrich(subset, en.ctx);
        if (result?.issues !== undefined) await this.quarantineIssues(result.issues, 'enrich', en.manifest.name);
      } catch (e) {
        await this.violate(en.spec.name, en.manifest.name, `enricher "${en.spec.name}" threw instead of reporting issues: ${describeCause(e)}; ${subset.length} events went on without its context`, [], 'SL_PLUGIN_CRASHED');
        this.logger.error(`enricher "${en.spec.name}" threw: ${describeCause(e)}`);
      }
      events = await this.guard(en, events);
    }
    this.counts.eventsForwarded += events.length;
    return events;
  }

  /** The sinks a stream of events goes to, with the events each accepts. */
  sinksFor(stream: Stream, events: readonly OdmEvent[]): { step: Step<'sink'>; events: readonly OdmEvent[] }[] {
    const out: { step: Step<'sink'>; events: readonly OdmEvent[] }[] = [];
    for (const s of this.pipeline.sinks) {
      if (s.spec.deliver !== 'both' && s.spec.deliver !== stream) continue;
      const kinds = s.spec.kinds ?? s.instance.kinds;
      const selected = kinds === undefined ? events : events.filter((e) => kinds.includes(e.event_kind));
      if (selected.length > 0) out.push({ step: s, events: selected });
    }
    return out;
  }

  /** Delivers to one sink step through its retrying wrapper, and counts the outcome. */
  async deliverTo(sinkStep: string, stream: Stream, events: readonly OdmEvent[]): Promise<{ delivered: number; deadLettered: number }> {
    const s = this.pipeline.sinks.find((x) => x.spec.name === sinkStep);
    if (s === undefined) throw new SightlineError('SL_CONFIG_INVALID', `no sink step is named "${sinkStep}"`, { stage: 'config' });
    const batch: SinkBatch = { stream, events };
    const report = await this.#delivery.get(sinkStep)!.deliver(batch, s.ctx);
    const r = this.sinkReports.get(sinkStep)!;
    r.delivered[stream] += report.delivered;
    r.deadLettered += report.deadLettered;
    this.counts.delivered += report.delivered;
    this.counts.deadLettered += report.deadLettered;
    if (report.deadLettered > 0) this.logger.error(`sink "${sinkStep}" could not deliver ${report.deadLettered} ${stream}; they are in the dead-letter store`, { code: report.lastError?.code, reason: report.lastError?.message });
    return { delivered: report.delivered, deadLettered: report.deadLettered };
  }

  /** Delivers to every sink that takes this stream, in parallel. */
  async deliver(stream: Stream, events: readonly OdmEvent[]): Promise<void> {
    if (events.length === 0) return;
    await Promise.all(this.sinksFor(stream, events).map(({ step, events: selected }) => this.deliverTo(step.spec.name, stream, selected)));
  }

  /** The event kinds any model takes (what must be spooled for the windows). */
  modelKinds(): Set<EventKind> {
    return new Set(this.pipeline.models.flatMap((m) => m.instance.kinds));
  }

  /**
   * One model on one window: warm start from its last state, fit, persist the state, score every event, keep
   * the top N per kind (memory bounded by N whatever the window), and deliver them as alerts with their score
   * block. Failures are reported and quarantined; the window's events were delivered already.
   */
  async runModel(m: Step<'model', PipelineSpec['models'][number]>, w: SpooledWindow, ratings: readonly Rating[]): Promise<ModelReport> {
    const { report, alerts } = await this.rankModel(m, w, ratings);
    // Nothing to deliver when the window had none of its kinds, or fitting or scoring failed (reported already).
    if (report.error !== undefined || report.state === undefined) return report;
    await this.deliverAlerts(m.spec.name, w, alerts, report.scored);
    return report;
  }

  /** Counts and delivers a model's ranked alerts for a window (what `runModel` does after `rankModel`). */
  async deliverAlerts(step: string, w: { readonly start: number; readonly end: number }, alerts: readonly OdmEvent[], scored: number): Promise<void> {
    this.counts.alerts += alerts.length;
    await this.deliver('alerts', alerts);
    this.logger.info(`window ${new Date(w.start).toISOString()}..${new Date(w.end).toISOString()}: model "${step}" scored ${scored} events, ${alerts.length} alerts`);
  }

  /**
   * The first half of `runModel`: fit (warm start, state persisted), score, rank and check the alerts, without
   * delivering them. The BullMQ runner fits different models of a window on different workers this way and
   * delivers their alerts in the model order `runModel` would.
   */
  async rankModel(m: Step<'model', PipelineSpec['models'][number]>, w: SpooledWindow, ratings: readonly Rating[]): Promise<{ report: ModelReport; alerts: OdmEvent[] }> {
    const model = m.instance;
    const view = w.view(model.kinds, this.spec.batchSize);
    const base = { step: m.spec.name, events: view.count };
    if (view.count === 0) return { report: { ...base, scored: 0, alerts: 0 }, alerts: [] };
    const store = new ModelStateStore(join(m.ctx.stateDir, 'states'));
    let previous;
    try {
      previous = await store.latest();
    } catch (e) {
      this.logger.warn(`model "${m.spec.name}": previous state unusable, fitting from scratch: ${describeCause(e)}`);
    }
    const windowLabel = `${new Date(w.start).toISOString()}..${new Date(w.end).toISOString()}`;
    const t0 = this.#now();
    let state;
    try {
      state = await model.fit(view, { ...m.ctx, ...(previous === undefined ? {} : { previous }), feedback: ratings, seed: m.spec.seed });
    } catch (e) {
      const message = `model "${m.spec.name}" could not be fitted on window ${windowLabel}: ${describeCause(e)}`;
      await this.quarantineIssues([{ code: 'SL_MODEL_FIT_FAILED', message }], 'model', m.manifest.name);
      this.logger.error(message);
      return { report: { ...base, scored: 0, alerts: 0, error: message }, alerts: [] };
    }
    const statePath = await store.save(state);
    let reportPath: string | undefined;
    if (model.describe !== undefined) {
      try {
        const r = model.describe(state);
        reportPath = statePath.replace(/\.json$/, '.report.txt');
        const text = [r.summary, ...(r.sections ?? []).flatMap((sec) => ['', sec.title, ...sec.lines.map((l) => `  ${l}`)]), ''].join('\n');
        await writeFile(reportPath, text);
      } catch (e) {
        reportPath = undefined;
        this.logger.warn(`model "${m.spec.name}": could not write its report: ${describeCause(e)}`);
      }
    }
    const t1 = this.#now();
    // Ranked per event kind: scores of different kinds are not comparable (Spot ranked each data type alone).
    type Ranked = { event: OdmEvent; outcome: ScoreOutcome };
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
      await this.violate(m.spec.name, m.manifest.name, message, [], 'SL_MODEL_SCORE_FAILED');
      this.logger.error(message);
      return { report: { ...base, scored, alerts: 0, state: statePath, error: message }, alerts: [] };
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
    alerts = await this.guard(m, alerts);
    const top = alerts.filter((a) => (a.score_rank ?? 0) <= 3).map(brief);
    return { report: { ...base, scored, alerts: alerts.length, state: statePath, ...(reportPath === undefined ? {} : { report: reportPath }), fitSeconds: (t1 - t0) / 1000, scoreSeconds: (t2 - t1) / 1000, top }, alerts };
  }

  /** Runs every model on a sealed window and flushes the sinks. */
  async runWindow(w: WindowSpool, ratings: readonly Rating[]): Promise<WindowReport> {
    await w.seal();
    const models: ModelReport[] = [];
    for (const m of this.pipeline.models) models.push(await this.runModel(m, w, ratings));
    for (const s of this.pipeline.sinks) await s.instance.flush?.();
    return { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString(), events: w.total, models };
  }
}
