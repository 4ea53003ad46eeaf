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
import { CodeTable } from './code-table.js';
import { DocInterner, GrowableU32, Interner, eventHash, globalRate, hostFloor, hostRate, inSample, tokenHash } from './corpus-builder.js';
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
  readonly docs: DocInterner;
  readonly words: Interner;
  /** Word codes to word ids, for a featurizer with `codes`. */
  readonly codeIds: CodeTable | undefined;
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

  /**
   * The event's documents and word codes through the featurizer's fast path (restricted to internal hosts when
   * configured): the number of pairs, NO_WORDS where `words` would give null, or NOT_CODED for the string way.
   */
  #codes(featurizer: Featurizer, event: OdmEvent, learned: LearnedWords, docs: string[], codes: Float64Array): number {
    const n = featurizer.codes!(event, learned, docs, codes);
    if (n === -1) return NO_WORDS;
    if (!(n >= 0 && n <= codes.length)) return NOT_CODED;
    if (this.#documents === undefined || n === 0) return n;
    const kept = this.#documents.filterCodes(docs, codes, n);
    return kept === 0 ? NO_WORDS : kept;
  }

  async fit(window: ModelWindow, ctx: FitContext): Promise<ModelState> {
    const config = this.#config;
    const accs = new Map<EventKind, KindAccumulator>();
    const mayExceed = window.count * 2 > config.train_budget;
    for (const kind of this.kinds) {
      accs.set(kind, {
        featurizer: this.#featurizers.get(kind)!,
        learned: undefined,
        docs: new DocInterner(),
        words: new Interner(),
        codeIds: this.#featurizers.get(kind)!.codes === undefined ? undefined : new CodeTable(),
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
    const docBuf: string[] = [];
    const wordBuf: number[] = [];
    const codeBuf = new Float64Array(MAX_CODED_PAIRS);
    for await (const batch of window.batches()) {
      if (ctx.signal.aborted) break;
      for (const event of batch) {
        const acc = accs.get(event.event_kind);
        if (acc === undefined) continue;
        // Rated patterns are matched on word strings: with ratings, the string way.
        const n = acc.codeIds === undefined || lowRatings.length > 0 ? NOT_CODED : this.#codes(acc.featurizer, event, acc.learned, docBuf, codeBuf);
        if (n === NO_WORDS) {
          acc.skipped++;
          continue;
        }
        // The event's pairs as documents (docBuf) and word ids (wordBuf), whichever way its words came.
        let pairs = n;
        let made: EventWords | null = null;
        if (n === NOT_CODED) {
          made = this.#words(acc.featurizer, event, acc.learned);
          if (made === null) {
            acc.skipped++;
            continue;
          }
          pairs = made.docs.length;
          for (let i = 0; i < pairs; i++) {
            docBuf[i] = made.docs[i]!;
            wordBuf[i] = acc.words.id(made.words[i]!);
          }
        } else {
          for (let i = 0; i < n; i++) {
            const code = codeBuf[i]!;
            let word = acc.codeIds!.get(code);
            if (word < 0) {
              word = acc.words.id(acc.featurizer.wordOf!(code));
              acc.codeIds!.set(code, word);
            }
            wordBuf[i] = word;
          }
        }
        acc.events++;
        const h = acc.hashes === undefined ? 0 : eventHash(event.event_id, ctx.seed);
        for (let i = 0; i < pairs; i++) {
          acc.docIds.push(acc.docs.id(docBuf[i]!));
          acc.wordIds.push(wordBuf[i]!);
          acc.hashes?.push(tokenHash(h, i));
        }
        if (made !== null && lowRatings.length > 0) this.#noteLowRisk(event, made, lowRatings, acc);
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
    const sources = new Map<EventKind, WordSource>();
    const docBuf: string[] = [];
    const wordBuf: (number | undefined)[] = [];
    const codeBuf = new Float64Array(MAX_CODED_PAIRS);
    for (let e = 0; e < events.length; e++) {
      const event = events[e]!;
      const kind = event.event_kind;
      let source = sources.get(kind);
      if (source === undefined) {
        const scorer = scorers.get(kind);
        const section = data.kinds[kind];
        const featurizer = this.#featurizers.get(kind);
        if (scorer === undefined || section === undefined || featurizer === undefined) continue;
        source = { featurizer, learned: section.learned, scorer, words: (ev) => this.#words(featurizer, ev, section.learned) };
        sources.set(kind, source);
      }
      const { featurizer, learned, scorer } = source;
      const role = loo && event.event_time >= state.window.start && event.event_time < state.window.end ? IN_COUNTS : undefined;
      const n = featurizer.codes === undefined ? NOT_CODED : this.#codes(featurizer, event, learned, docBuf, codeBuf);
      if (n === NO_WORDS) continue;
      // The event's pairs as documents (docBuf) and word ids (wordBuf), whichever way its words came.
      let pairs = n;
      let made: EventWords | null = null;
      if (n === NOT_CODED) {
        made = source.words(event);
        if (made === null) continue;
        pairs = made.docs.length;
        for (let i = 0; i < pairs; i++) {
          docBuf[i] = made.docs[i]!;
          wordBuf[i] = scorer.wordId(made.words[i]!);
        }
      } else {
        for (let i = 0; i < n; i++) wordBuf[i] = scorer.wordIdOfCode(codeBuf[i]!, featurizer.wordOf!);
      }
      if (pairs === 0) continue;
      let best = Infinity;
      let bestPair = 0;
      let bestDoc: number | undefined;
      for (let i = 0; i < pairs; i++) {
        const doc = scorer.docId(docBuf[i]!);
        const p = scorer.score(doc, wordBuf[i], role);
        if (p < best) {
          best = p;
          bestPair = i;
          bestDoc = doc;
        }
      }
      const bestWord = wordBuf[bestPair];
      const outcome = new LdaOutcome(best, event, source, made, bestPair, bestDoc, bestWord, n === NOT_CODED ? 0 : codeBuf[bestPair]!);
      if (data.highRisk.length > 0) {
        const word = outcome.word;
        const pinned = data.highRisk.find((r) => r.event_kind === kind && ratingMatches(r, event, word));
        if (pinned !== undefined) outcome.pin(pinned);
      }
      out[e] = outcome;
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

/** How a kind's events become words when scoring, shared by the outcomes of one `score` call. */
interface WordSource {
  readonly featurizer: Featurizer;
  readonly learned: LearnedWords;
  readonly scorer: KindScorer;
  /** The featurizer's words of an event, restricted to internal hosts when configured. */
  readonly words: (event: OdmEvent) => EventWords | null;
}

/** Pairs a featurizer's `codes` may write; more goes the string way. */
const MAX_CODED_PAIRS = 16;
/** `#codes`: the event has no words (Spot's word_error, or no internal host). */
const NO_WORDS = -1;
/** `#codes`: the featurizer left the event to `words`. */
const NOT_CODED = -2;

/**
 * A score with its word, reasons and evidence made only when read: a day has millions of scored events and only
 * the top N become alerts, so making words for every one of them would cost more than scoring them.
 */
class LdaOutcome implements ScoreOutcome {
  value: number;
  severity?: 'high';
  readonly #probability: number;
  readonly #event: OdmEvent;
  readonly #source: WordSource;
  #made: EventWords | null;
  readonly #pair: number;
  readonly #doc: number | undefined;
  readonly #wordId: number | undefined;
  /** The scored word's code when it came the coded way. */
  readonly #code: number;
  #pinned: Rating | undefined;

  constructor(probability: number, event: OdmEvent, source: WordSource, made: EventWords | null, pair: number, doc: number | undefined, wordId: number | undefined, code: number) {
    this.value = probability;
    this.#probability = probability;
    this.#event = event;
    this.#source = source;
    this.#made = made;
    this.#pair = pair;
    this.#doc = doc;
    this.#wordId = wordId;
    this.#code = code;
  }

  /** An analyst rated this event high risk: it ranks first, whatever the model thinks. */
  pin(rating: Rating): void {
    this.#pinned = rating;
    this.value = 0;
    this.severity = 'high';
  }

  /** The event's documents and words (made again from the event when it was scored the coded way). */
  get #words(): EventWords {
    if (this.#made === null) this.#made = this.#source.words(this.#event) ?? { docs: [], words: [] };
    return this.#made;
  }

  get word(): string {
    if (this.#made !== null) return this.#made.words[this.#pair]!;
    if (this.#wordId !== undefined) return this.#source.scorer.data.words[this.#wordId]!;
    return this.#source.featurizer.wordOf!(this.#code);
  }

  get reasons(): string[] {
    const host = this.#words.docs[this.#pair]!;
    const scorer = this.#source.scorer;
    const length = this.#doc === undefined ? 0 : scorer.data.docLength[this.#doc]!;
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
    const made = this.#words;
    return {
      document: made.docs[this.#pair],
      probability: this.#probability,
      topic: this.#source.scorer.topTopic(this.#doc, this.#wordId),
      ...(made.docs.length > 1 ? { words: made.docs.map((d, i) => `${d}:${made.words[i]}`) } : {}),
    };
  }

  toJSON(): ScoreOutcome {
    return { value: this.value, word: this.word, reasons: this.reasons, evidence: this.evidence, ...(this.severity === undefined ? {} : { severity: this.severity }) };
  }
}
