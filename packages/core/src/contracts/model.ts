import type { EventKind, OdmEvent } from '../model/event.js';
import type { MaybePromise, PluginContext } from './common.js';

/** A time window of events handed to a model. */
export interface ModelWindow {
  /** Window start (inclusive) and end (exclusive), UTC epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Number of events in the window, of the kinds the model takes. */
  readonly count: number;
  /**
   * Streams the window's events in batches. May be called more than once (fit, then score); the window can be
   * far larger than memory, so a model that needs random access keeps its own compact form.
   */
  batches(): AsyncIterable<readonly OdmEvent[]>;
  /**
   * How another thread can read the same window, when it can: importing `module` (a URL) and calling its
   * `openWindow(args)` yields the same batches, in the same order, as `batches()`. `args` is structured-cloneable.
   * A model may hand it to a worker thread to read and featurize the window beside the thread that builds its
   * corpus; a window without it (events held in memory, generated) is read with `batches()` only.
   */
  readonly reopen?: WindowRecipe;
}

/** A window as another thread can open it again: see `ModelWindow.reopen`. */
export interface WindowRecipe {
  readonly module: string;
  readonly args: unknown;
}

/** What a `WindowRecipe`'s module exports. */
export type OpenWindow = (args: unknown) => AsyncIterable<readonly OdmEvent[]>;

/** Analyst rating on Spot's scale: 1 high risk, 2 medium, 3 low risk (benign). */
export type RiskRating = 1 | 2 | 3;

/**
 * An analyst's rating of an event or a pattern, stored durably across days (Spot kept them per day, and its
 * feedback loop was broken). `match` holds the fields a future event must equal to be covered by the rating.
 */
export interface Rating {
  readonly id: string;
  readonly at: number;
  readonly rating: RiskRating;
  readonly event_kind: EventKind;
  readonly match: Readonly<Record<string, string | number | boolean>>;
  readonly event_id?: string;
  /** The model word or pattern key the rating was made on, when the model gave one. */
  readonly word?: string;
  readonly by?: string;
  readonly note?: string;
}

/**
 * A fitted model: everything needed to score, serialisable so any worker can load it. `data` is JSON; large
 * numeric arrays go in `blobs` and are stored beside it as binary.
 */
export interface ModelState {
  /** The plugin that wrote it. */
  readonly model: string;
  /** Version of the state's layout; a model refuses states of a layout it does not read. */
  readonly format: number;
  /** Unique id of this fitted state. */
  readonly id: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly fittedAt: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly data: unknown;
  readonly blobs?: Readonly<Record<string, Uint8Array>>;
}

export interface FitContext extends PluginContext {
  /** The previous window's state, for a warm start, when there is one. */
  readonly previous?: ModelState;
  /** All ratings recorded so far for this pipeline. */
  readonly feedback: readonly Rating[];
  /** Seed for anything random: the same window, seed and settings give the same state. */
  readonly seed: number;
}

/** A model's verdict on one event. */
export interface ScoreOutcome {
  /** The model's score; ranked by the model's `order`. */
  readonly value: number;
  readonly severity?: 'info' | 'low' | 'medium' | 'high' | 'critical';
  /** Why, in words. */
  readonly reasons?: readonly string[];
  /** The discretised word scored (topic models). */
  readonly word?: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
}

/** What a fitted model learned, for an analyst. */
export interface ModelReport {
  readonly summary: string;
  readonly sections?: readonly { readonly title: string; readonly lines: readonly string[] }[];
}

/**
 * Learns from a window of events and scores events.
 *
 * `fit` MUST be deterministic for a given window, seed and settings. `score` returns one entry per event, in
 * order: an outcome, or null for an event the model does not score (another kind, no usable features). Scores
 * MUST be finite numbers. `order` says which way is suspicious: `asc` (lower is more suspicious, as Spot's
 * probabilities) or `desc`.
 */
export interface Model {
  readonly name: string;
  readonly kinds: readonly EventKind[];
  readonly order: 'asc' | 'desc';
  fit(window: ModelWindow, ctx: FitContext): Promise<ModelState>;
  score(events: readonly OdmEvent[], state: ModelState, ctx: PluginContext): MaybePromise<(ScoreOutcome | null)[]>;
  /** Called when analysts add ratings, for models that react before their next fit. */
  feedback?(ratings: readonly Rating[], ctx: PluginContext): MaybePromise<void>;
  describe?(state: ModelState): ModelReport;
  close?(): MaybePromise<void>;
}
