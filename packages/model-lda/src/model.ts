import {
  type EventKind,
  type FitContext,
  type Model,
  type ModelReport,
  type ModelState,
  type ModelWindow,
  type OdmEvent,
  type PluginContext,
  type Rating,
  type ScoreOutcome,
  SightlineError,
  describeCause,
} from '@sightline/core';
import type { LdaConfig } from './config.schema.js';
import { GrowableU32, Interner, globalRate, hostFloor, hostRate, inSample, tokenHash } from './corpus-builder.js';
import { buildCorpus, fitLda, topicWordModel } from './engine/index.js';
import { DocumentFilter } from './documents.js';
import { foldInWindow } from './fold-in.js';
import type { LdaFit, WarmStart } from './engine/types.js';
import { KindScorer } from './kind-model.js';
import { ratingMatches } from './ratings.js';
import { describeState } from './report.js';
import { type KindSection, type LdaStateData, STATE_FORMAT, kindModelOf, writeKind } from './state.js';
import type { EventWords, Featurizer, LearnedWords } from './words/types.js';

/** What one kind's fit went through, for the state and the report. */
interface KindAccumulator {
  readonly featurizer: Featurizer;
  learned: LearnedWords;
  readonly docs: Interner;
  readonly words: Interner;
  readonly docIds: GrowableU32;
  readonly wordIds: GrowableU32;
  /** Token hashes, kept only when the window may exceed the training budget. */
  readonly hashes: GrowableU32 | undefined;
  events: number;
  skipped: number;
  /** Distinct (doc, word) patterns rated low risk, with how many ratings cover each. */
  readonly lowRisk: Map<string, { doc: number; word: number }>;
}

/** An event of the fitted window: its token is in both the host's and the word's counts. */
const IN_COUNTS = { inDoc: true, inWord: true } as const;

/**
 * Apache Spot's suspicious connects: each host (IP address) is a document of the words its events make, an
 * LDA topic model learns the few behaviours (topics) hosts mix, and an event scores p(its word | its host);
 * the lowest are the suspicious ones. One topic model per event kind, as Spot ran one per data type.
 */
export class LdaModel implements Model {
  readonly name = 'lda';
  readonly kinds: readonly EventKind[];
  readonly order = 'asc' as const;
  readonly #config: LdaConfig;
  readonly #featurizers: ReadonlyMap<EventKind, Featurizer>;
  readonly #step: string;
  /** Scoring tables per state object (ids repeat when a window is refitted, e.g. after new ratings). */
  readonly #documents: DocumentFilter | undefined;
  readonly #scorers = new WeakMap<ModelState, Map<EventKind, KindScorer>>();

  constructor(config: LdaConfig, featurizers: ReadonlyMap<EventKind, Featurizer>, step: string) {
    this.#config = config;
    this.#featurizers = featurizers;
    this.#step = step;
    this.kinds = config.kinds.filter((k) => featurizers.has(k));
    this.#documents = config.documents.internal_only ? new DocumentFilter(config.documents.internal_networks, step) : undefined;
  }

  /** The event's documents and words, restricted to internal hosts when configured. */
  #words(featurizer: Featurizer, event: OdmEvent, learned: LearnedWords): EventWords | null {
    const made = featurizer.words(event, learned);
    return made === null || this.#documents === undefined ? made : this.#documents.filter(made);
  }

  async fit(window: ModelWindow, ctx: FitContext): Promise<ModelState> {
    const config = this.#config;
    const accs = new Map<EventKind, KindAccumulator>();
    const mayExceed = window.count * 2 > config.train_budget;
    for (const kind of this.kinds) {
      accs.set(kind, {
        featurizer: this.#featurizers.get(kind)!,
        learned: undefined,
        docs: new Interner(),
        words: new Interner(),
        docIds: new GrowableU32(Math.min(window.count * 2, 1 << 20)),
        wordIds: new GrowableU32(Math.min(window.count * 2, 1 << 20)),
        hashes: mayExceed ? new GrowableU32(Math.min(window.count * 2, 1 << 20)) : undefined,
        events: 0,
        skipped: 0,
        lowRisk: new Map(),
      });
    }
    const t0 = performance.now();
    await this.#firstPass(window, accs, ctx.signal);
    const lowRatings = ctx.feedback.filter((r) => r.rating === 3 && this.kinds.includes(r.event_kind));
    const highRatings = ctx.feedback.filter((r) => r.rating === 1 && this.kinds.includes(r.event_kind));
    for await (const batch of window.batches()) {
      if (ctx.signal.aborted) break;
      for (const event of batch) {
        const acc = accs.get(event.event_kind);
        if (acc === undefined) continue;
        const made = this.#words(acc.featurizer, event, acc.learned);
        if (made === null) {
          acc.skipped++;
          continue;
        }
        acc.events++;
        for (let i = 0; i < made.docs.length; i++) {
          const doc = acc.docs.id(made.docs[i]!);
          const word = acc.words.id(made.words[i]!);
          acc.docIds.push(doc);
          acc.wordIds.push(word);
          acc.hashes?.push(tokenHash(event.event_id, i, ctx.seed));
        }
        if (lowRatings.length > 0) this.#noteLowRisk(event, made, lowRatings, acc);
      }
    }
    const prepareSeconds = (performance.now() - t0) / 1000;
    const sections: Record<string, KindSection> = {};
    const blobs: Record<string, Uint8Array> = {};
    const previous = this.#previous(ctx);
    for (const [kind, acc] of accs) {
      if (ctx.signal.aborted) break;
      if (acc.docIds.length === 0) continue;
      this.#addRatedWithoutEvents(kind, lowRatings, acc);
      const section = await this.#fitKind(kind, acc, ctx, previous, blobs, prepareSeconds);
      sections[kind] = section;
    }
    const data: LdaStateData = {
      kinds: sections,
      highRisk: this.#config.feedback.pin_high_risk ? highRatings : [],
    };
    return {
      model: 'lda',
      format: STATE_FORMAT,
      id: `lda-${new Date(window.start).toISOString()}-${window.count}-s${ctx.seed}-r${ctx.feedback.length}`,
      window: { start: window.start, end: window.end },
      fittedAt: Date.now(),
      params: {
        topics: config.topics,
        alpha: config.alpha,
        beta: config.beta,
        sweeps: config.sweeps,
        workers: config.workers,
        seed: ctx.seed,
        leave_one_out: config.leave_one_out,
        train_budget: config.train_budget,
        min_tokens_per_host: config.min_tokens_per_host,
        dupfactor: config.feedback.dupfactor,
        featurizers: Object.fromEntries([...accs].map(([k, a]) => [k, a.featurizer.name])),
      },
      data,
      blobs,
    };
  }

  /** The first pass featurizers ask for (Spot's proxy user-agent counts), over the whole window. */
  async #firstPass(window: ModelWindow, accs: Map<EventKind, KindAccumulator>, signal: AbortSignal): Promise<void> {
    const passes = new Map<EventKind, NonNullable<ReturnType<NonNullable<Featurizer['createPass']>>>>();
    for (const [kind, acc] of accs) {
      const pass = acc.featurizer.createPass?.();
      if (pass !== undefined) passes.set(kind, pass);
    }
    if (passes.size === 0) return;
    for await (const batch of window.batches()) {
      if (signal.aborted) return;
      for (const event of batch) passes.get(event.event_kind)?.observe(event);
    }
    for (const [kind, pass] of passes) accs.get(kind)!.learned = pass.finish();
  }

  /** Records the (host, word) patterns of an event an analyst rated low risk. */
  #noteLowRisk(event: OdmEvent, made: EventWords, ratings: readonly Rating[], acc: KindAccumulator): void {
    for (let i = 0; i < made.docs.length; i++) {
      const word = made.words[i]!;
      if (!ratings.some((r) => ratingMatches(r, event, word))) continue;
      const doc = acc.docs.id(made.docs[i]!);
      const w = acc.words.id(word);
      acc.lowRisk.set(`${doc} ${w}`, { doc, word: w });
    }
  }

  /** Ratings that name a host and a word but matched no event of this window still teach the model. */
  #addRatedWithoutEvents(kind: EventKind, ratings: readonly Rating[], acc: KindAccumulator): void {
    for (const r of ratings) {
      if (r.event_kind !== kind || r.word === undefined) continue;
      for (const field of DOC_FIELDS[kind]) {
        const host = r.match[field];
        if (typeof host !== 'string') continue;
        const doc = acc.docs.id(host);
        const word = acc.words.id(r.word);
        acc.lowRisk.set(`${doc} ${word}`, { doc, word });
      }
    }
  }

  /** The previous window's state when it can warm-start this fit. */
  #previous(ctx: FitContext): ModelState | undefined {
    const p = ctx.previous;
    if (!this.#config.warm_start || p === undefined) return undefined;
    if (p.model !== 'lda' || p.format !== STATE_FORMAT || p.params['topics'] !== this.#config.topics) {
      ctx.logger.warn(`model "${this.#step}": previous state ${p.id} is not an LDA state with ${this.#config.topics} topics; fitting from scratch`, { code: 'SL_LDA_STATE_INCOMPATIBLE' });
      return undefined;
    }
    return p;
  }

  async #fitKind(kind: EventKind, acc: KindAccumulator, ctx: FitContext, previous: ModelState | undefined, blobs: Record<string, Uint8Array>, prepareSeconds: number): Promise<KindSection> {
    const config = this.#config;
    const K = config.topics;
    const windowTokens = acc.docIds.length;
    const numDocs = acc.docs.size;
    const docLength = new Uint32Array(numDocs);
    const docIds = acc.docIds.view();
    for (let i = 0; i < windowTokens; i++) docLength[docIds[i]!]!++;
    const floor = hostFloor(docLength, config.train_budget, config.min_tokens_per_host);
    const rate = globalRate(docLength, config.train_budget, floor);
    // Per-host sampling rates (host-stratified: every host keeps at least min_tokens_per_host of its tokens).
    const docRate = rate < 1 ? new Float32Array(numDocs) : undefined;
    if (docRate !== undefined) for (let d = 0; d < numDocs; d++) docRate[d] = hostRate(docLength[d]!, rate, floor);
    // Rated low-risk patterns, each repeated `dupfactor` times (Spot's feedback rows), join both the training
    // set and the host's full counts.
    const dup = config.feedback.dupfactor;
    const feedbackTokens = acc.lowRisk.size * dup;
    const tp = performance.now();
    const words = acc.wordIds.view();
    const withFeedback = (docs: Uint32Array, ws: Uint32Array, keep: ((i: number) => boolean) | undefined, expected: number): [Uint32Array, Uint32Array] => {
      if (keep === undefined && feedbackTokens === 0) return [docs, ws];
      const outDocs = new GrowableU32(expected + feedbackTokens + 16);
      const outWords = new GrowableU32(expected + feedbackTokens + 16);
      for (let i = 0; i < docs.length; i++) {
        if (keep !== undefined && !keep(i)) continue;
        outDocs.push(docs[i]!);
        outWords.push(ws[i]!);
      }
      for (const { doc, word } of acc.lowRisk.values()) {
        for (let j = 0; j < dup; j++) {
          outDocs.push(doc);
          outWords.push(word);
        }
      }
      return [outDocs.view(), outWords.view()];
    };
    const hashes = acc.hashes?.view();
    const [trainDocs, trainWords] = withFeedback(
      docIds,
      words,
      docRate === undefined ? undefined : (i) => inSample(hashes![i]!, docRate[docIds[i]!]!),
      Math.min(windowTokens, config.train_budget),
    );
    for (const { doc } of acc.lowRisk.values()) docLength[doc]! += dup;
    const numWords = acc.words.size;
    const corpus = buildCorpus(trainDocs, trainWords, numDocs, numWords);
    const buildSeconds = (performance.now() - tp) / 1000;
    let warm: WarmStart | undefined;
    try {
      warm = previous === undefined ? undefined : warmStartFor(previous, kind, acc.words.values, K);
    } catch (e) {
      ctx.logger.warn(`model "${this.#step}" ${kind}: previous state ${previous!.id} cannot warm-start this fit (${describeCause(e)}); fitting from scratch`, { code: 'SL_LDA_STATE_INCOMPATIBLE' });
    }
    const fit: LdaFit = await fitLda(corpus, { topics: K, alpha: config.alpha, beta: config.beta, sweeps: config.sweeps, seed: ctx.seed, workers: config.workers }, warm === undefined ? {} : { warmStart: warm });
    // Counts over the host's whole behaviour: the fit's own, or (when the fit saw a sample) θ of every host
    // folded in over all its tokens with the topics fixed (EM from its sampled θ), giving expected document-topic
    // and word-topic counts of the whole window, so words that the sample missed are not scored as never seen.
    let docTopic: Float32Array;
    let wordTopic: Float32Array;
    let topicTotal: Float64Array;
    const tf = performance.now();
    if (rate >= 1) {
      docTopic = Float32Array.from(fit.docTopic);
      wordTopic = Float32Array.from(fit.wordTopic);
      topicTotal = Float64Array.from(fit.topicTotal);
    } else {
      const [fullDocs, fullWords] = withFeedback(docIds, words, undefined, windowTokens);
      const full = buildCorpus(fullDocs, fullWords, numDocs, numWords);
      ({ docTopic, wordTopic, topicTotal } = foldInWindow(full, fit.docTopic, topicWordModel(fit).phi, K, config.alpha, config.fold_in_iterations));
    }
    const foldSeconds = (performance.now() - tf) / 1000;
    const section: KindSection = {
      featurizer: acc.featurizer.name,
      learned: acc.learned,
      docs: acc.docs.values,
      words: acc.words.values,
      events: acc.events,
      skipped: acc.skipped,
      windowTokens,
      trainTokens: corpus.tokens.length,
      feedbackPatterns: acc.lowRisk.size,
      sampleRate: rate,
      minPerHost: floor,
      warmStart: warm !== undefined,
      seconds: { prepare: prepareSeconds, corpus: buildSeconds, init: fit.stats.initSeconds, sweeps: fit.stats.sweepSeconds, foldIn: foldSeconds },
    };
    writeKind(blobs, kind, { docTopic, docLength, wordTopic, topicTotal });
    ctx.logger.info(`model "${this.#step}" ${kind}: ${numDocs} hosts, ${numWords} words, ${corpus.tokens.length} training tokens of ${windowTokens}${rate < 1 ? ` (sample rate ${rate.toPrecision(3)})` : ''}, ${config.sweeps} sweeps in ${fit.stats.sweepSeconds.toFixed(2)}s`);
    return section;
  }

  #scorersOf(state: ModelState): Map<EventKind, KindScorer> {
    let scorers = this.#scorers.get(state);
    if (scorers !== undefined) return scorers;
    if (state.model !== 'lda' || state.format !== STATE_FORMAT) {
      throw new SightlineError('SL_LDA_STATE_INCOMPATIBLE', `state ${state.id} was written by ${state.model} format ${state.format}; lda reads format ${STATE_FORMAT}`, { stage: 'model', plugin: 'lda' });
    }
    const data = state.data as LdaStateData;
    scorers = new Map();
    for (const [kind, section] of Object.entries(data.kinds) as [EventKind, KindSection][]) {
      scorers.set(kind, new KindScorer(kindModelOf(state, kind, section)));
    }
    this.#scorers.set(state, scorers);
    return scorers;
  }

  score(events: readonly OdmEvent[], state: ModelState, _ctx: PluginContext): (ScoreOutcome | null)[] {
    const scorers = this.#scorersOf(state);
    const data = state.data as LdaStateData;
    const loo = state.params['leave_one_out'] === true;
    const out: (ScoreOutcome | null)[] = new Array(events.length).fill(null);
    for (let e = 0; e < events.length; e++) {
      const event = events[e]!;
      const scorer = scorers.get(event.event_kind);
      const section = data.kinds[event.event_kind];
      const featurizer = this.#featurizers.get(event.event_kind);
      if (scorer === undefined || section === undefined || featurizer === undefined) continue;
      const made = this.#words(featurizer, event, section.learned);
      if (made === null) continue;
      const inWindow = event.event_time >= state.window.start && event.event_time < state.window.end;
      let best = Infinity;
      let bestPair = 0;
      let bestDoc: number | undefined;
      let bestWord: number | undefined;
      for (let i = 0; i < made.docs.length; i++) {
        const doc = scorer.docId(made.docs[i]!);
        const word = scorer.wordId(made.words[i]!);
        const p = scorer.score(doc, word, loo && inWindow ? IN_COUNTS : undefined);
        if (p < best) {
          best = p;
          bestPair = i;
          bestDoc = doc;
          bestWord = word;
        }
      }
      const word = made.words[bestPair]!;
      const pinned = data.highRisk.length === 0 ? undefined : data.highRisk.find((r) => r.event_kind === event.event_kind && ratingMatches(r, event, word));
      out[e] = new LdaOutcome(best, word, made, bestPair, scorer, bestDoc, bestWord, pinned);
    }
    return out;
  }

  describe(state: ModelState): ModelReport {
    return describeState(state, this.#scorersOf(state));
  }
}

/** The ODM fields that hold the document (host) of each kind, for ratings that name one. */
const DOC_FIELDS: Readonly<Record<EventKind, readonly string[]>> = {
  flow: ['src_ip', 'dst_ip'],
  dns: ['dst_ip', 'src_ip'],
  proxy: ['src_ip'],
};

/** The previous window's topic-word counts mapped onto this window's vocabulary. */
function warmStartFor(previous: ModelState, kind: EventKind, words: readonly string[], K: number): WarmStart | undefined {
  const section = (previous.data as LdaStateData).kinds[kind];
  if (section === undefined) return undefined;
  const prior = kindModelOf(previous, kind, section);
  const index = new Map<string, number>();
  section.words.forEach((w, i) => index.set(w, i));
  const wordTopic = new Float32Array(words.length * K);
  let found = 0;
  for (let w = 0; w < words.length; w++) {
    const old = index.get(words[w]!);
    if (old === undefined) continue;
    found++;
    wordTopic.set(prior.wordTopic.subarray(old * K, old * K + K), w * K);
  }
  return found === 0 ? undefined : { wordTopic };
}

/**
 * A score with its reasons and evidence made only when read: a day has millions of scored events and only the
 * top N become alerts, so formatting words for every one of them would cost more than scoring them.
 */
class LdaOutcome implements ScoreOutcome {
  readonly value: number;
  readonly word: string;
  readonly severity?: 'high';
  readonly #probability: number;
  readonly #made: EventWords;
  readonly #pair: number;
  readonly #scorer: KindScorer;
  readonly #doc: number | undefined;
  readonly #wordId: number | undefined;
  readonly #pinned: Rating | undefined;

  constructor(probability: number, word: string, made: EventWords, pair: number, scorer: KindScorer, doc: number | undefined, wordId: number | undefined, pinned: Rating | undefined) {
    this.value = pinned === undefined ? probability : 0;
    this.word = word;
    if (pinned !== undefined) this.severity = 'high';
    this.#probability = probability;
    this.#made = made;
    this.#pair = pair;
    this.#scorer = scorer;
    this.#doc = doc;
    this.#wordId = wordId;
    this.#pinned = pinned;
  }

  get reasons(): string[] {
    const host = this.#made.docs[this.#pair]!;
    const length = this.#doc === undefined ? 0 : this.#scorer.data.docLength[this.#doc]!;
    const out = [
      `P(${this.word} | ${host}) = ${this.#probability.toPrecision(3)}: ${
        this.#doc === undefined ? 'a host the model never saw' : `${host} made ${length.toLocaleString('en-US')} word${length === 1 ? '' : 's'} in the window`
      }${this.#wordId === undefined ? ', and no host made this word' : ''}`,
    ];
    const p = this.#pinned;
    if (p !== undefined) out.unshift(`rated high risk by ${p.by ?? 'an analyst'}${p.note === undefined ? '' : `: ${p.note}`}`);
    return out;
  }

  get evidence(): Record<string, unknown> {
    const made = this.#made;
    return {
      document: made.docs[this.#pair],
      probability: this.#probability,
      topic: this.#scorer.topTopic(this.#doc, this.#wordId),
      ...(made.docs.length > 1 ? { words: made.docs.map((d, i) => `${d}:${made.words[i]}`) } : {}),
    };
  }

  toJSON(): ScoreOutcome {
    return { value: this.value, word: this.word, reasons: this.reasons, evidence: this.evidence, ...(this.severity === undefined ? {} : { severity: this.severity }) };
  }
}
