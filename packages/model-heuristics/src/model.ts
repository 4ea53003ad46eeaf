import type { EventKind, FitContext, Model, ModelReport, ModelState, ModelWindow, OdmEvent, PluginContext, Rating, ScoreOutcome } from '@sightline/core';
import { type Knowledge, WindowAnalyser } from './analyser.js';
import { describeState } from './describe.js';
import type { Finding } from './findings.js';
import type { KnowledgeInfo } from './knowledge.js';
import { MemberKeys } from './member-keys.js';
import type { Settings } from './settings.js';
import { type HeuristicsData, MODEL_NAME, STATE_FORMAT, type SuppressedFinding, dataOf, previousBaselines } from './state.js';
import { escalationOf, suppressionOf } from './suppression.js';

interface ScoreIndex {
  readonly byId: Map<string, Finding[]>;
  readonly byKey: Map<string, Finding[]> | undefined;
  readonly outcomes: Map<Finding, ScoreOutcome>;
  /** Findings suppressed by ratings given through feedback() after the fit, and the feedback version it was computed for. */
  live: { version: number; suppressed: Set<Finding> };
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else if (!list.includes(v)) list.push(v);
};

/**
 * Attack heuristics as a model: `fit` makes one bounded pass over the window and runs the detectors (scanning,
 * beaconing, DNS tunnelling, DGA, exfiltration); findings an analyst rated low risk or an allow rule covers are
 * suppressed and recorded in the state. `score` marks each finding's first event(s) with the finding's score
 * (0-100, higher is more suspicious), severity, reasons and evidence; every other event is null (the model has
 * nothing to say about it), or, in `members` mode, a small value that ranks below every finding.
 */
export class HeuristicsModel implements Model {
  readonly name: string;
  readonly kinds: readonly EventKind[] = ['flow', 'dns', 'proxy'];
  readonly order = 'desc' as const;
  readonly #s: Settings;
  readonly #knowledge: Knowledge;
  readonly #info: KnowledgeInfo;
  readonly #indexes = new WeakMap<ModelState, ScoreIndex>();
  readonly #live = new Map<string, Rating>();
  #liveVersion = 0;
  #keys: MemberKeys | undefined;

  constructor(settings: Settings, knowledge: Knowledge, info: KnowledgeInfo, name = MODEL_NAME) {
    this.name = name;
    this.#s = settings;
    this.#knowledge = knowledge;
    this.#info = info;
  }

  async fit(window: ModelWindow, ctx: FitContext): Promise<ModelState> {
    const analyser = new WindowAnalyser(this.#s, this.#knowledge);
    for await (const batch of window.batches()) {
      if (ctx.signal.aborted) break;
      analyser.observe(batch);
    }
    const { findings, baselines } = analyser.detect(previousBaselines(ctx.previous));
    // Ratings given to this instance since the last fit count too, until the store hands them over.
    const ratings = [...ctx.feedback, ...[...this.#live.values()].filter((r) => !ctx.feedback.some((f) => f.id === r.id))];
    this.#live.clear();
    this.#liveVersion++;
    const alerting: Finding[] = [];
    const suppressed: SuppressedFinding[] = [];
    for (const f of findings) {
      const why = suppressionOf(f, ratings, this.#s.allow);
      if (why === undefined) alerting.push(f);
      else suppressed.push({ pattern: f.pattern, detector: f.detector, kind: f.kind, source: f.source, score: f.score, severity: f.severity, reason: f.reasons[0] ?? '', examples: f.examples.slice(0, this.#s.config.alerts.examples), suppression: why });
    }
    // Each alert says what else of its host was suppressed, and any high/medium rating its pattern already has.
    const final = alerting.map((f): Finding => {
      const related = suppressed.filter((x) => x.source === f.source).slice(0, 5).map((x) => ({ pattern: x.pattern, by: x.suppression.by, ...(x.suppression.rating_id === undefined ? {} : { rating_id: x.suppression.rating_id }), ...(x.suppression.rule === undefined ? {} : { rule: x.suppression.rule }) }));
      const escalated = escalationOf(f, ratings);
      if (related.length === 0 && escalated === undefined) return f;
      return { ...f, evidence: { ...f.evidence, ...(related.length === 0 ? {} : { suppressed_on_same_host: related }), ...(escalated === undefined ? {} : { analyst_rating: { id: escalated.id, rating: escalated.rating } }) } };
    });
    const data: HeuristicsData = { findings: final, suppressed, baselines: Object.fromEntries(baselines), stats: analyser.stats, knowledge: this.#info };
    return {
      model: MODEL_NAME,
      format: STATE_FORMAT,
      id: `${MODEL_NAME}-${new Date(window.start).toISOString()}-${window.count}`,
      window: { start: window.start, end: window.end },
      fittedAt: Date.now(),
      params: { detectors: this.#s.config.detectors, alerts: this.#s.config.alerts, limits: this.#s.config.limits, internal_networks: this.#s.config.internal_networks, allow_rules: this.#s.config.allow.length },
      data,
    };
  }

  #index(state: ModelState): ScoreIndex {
    let index = this.#indexes.get(state);
    if (index !== undefined) return index;
    const data = dataOf(state, this.name);
    const alerts = this.#s.config.alerts;
    const byId = new Map<string, Finding[]>();
    const byKey = alerts.members ? new Map<string, Finding[]>() : undefined;
    const outcomes = new Map<Finding, ScoreOutcome>();
    for (const f of data.findings) {
      for (const id of f.examples.slice(0, alerts.per_finding)) push(byId, id, f);
      if (byKey !== undefined) for (const k of f.keys) push(byKey, k, f);
      outcomes.set(f, { value: Math.round(f.score * 100) / 100, severity: f.severity, reasons: [...f.reasons], word: f.pattern, evidence: { detector: f.detector, pattern: f.pattern, ...f.evidence } });
    }
    index = { byId, byKey, outcomes, live: { version: -1, suppressed: new Set() } };
    this.#indexes.set(state, index);
    return index;
  }

  #liveSuppressed(index: ScoreIndex): Set<Finding> {
    if (index.live.version !== this.#liveVersion) {
      const ratings = [...this.#live.values()];
      const suppressed = new Set<Finding>();
      if (ratings.length > 0) for (const f of index.outcomes.keys()) if (suppressionOf(f, ratings, []) !== undefined) suppressed.add(f);
      index.live = { version: this.#liveVersion, suppressed };
    }
    return index.live.suppressed;
  }

  score(events: readonly OdmEvent[], state: ModelState, _ctx: PluginContext): (ScoreOutcome | null)[] {
    const index = this.#index(state);
    const live = this.#liveSuppressed(index);
    const out: (ScoreOutcome | null)[] = new Array<ScoreOutcome | null>(events.length).fill(null);
    if (index.outcomes.size === 0) return out;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const reps = index.byId.get(e.event_id);
      if (reps !== undefined) {
        const open = reps.filter((f) => !live.has(f) && f.kind === e.event_kind);
        if (open.length > 0) {
          out[i] = this.#combine(open, index);
          continue;
        }
      }
      if (index.byKey === undefined) continue;
      this.#keys ??= new MemberKeys(this.#s.config.detectors.scanning.max_probe_packets, this.#s.ignoreUdp);
      let best: Finding | undefined;
      for (const k of this.#keys.of(e)) {
        for (const f of index.byKey.get(k) ?? []) if (f.kind === e.event_kind && !live.has(f) && (best === undefined || f.score > best.score)) best = f;
      }
      if (best !== undefined) {
        const o = index.outcomes.get(best)!;
        out[i] = { ...o, value: Math.round(best.score * 10) / 10000, reasons: [`part of: ${best.reasons[0] ?? best.pattern}`] };
      }
    }
    return out;
  }

  /** One outcome for an event that starts several findings: the strongest leads, the others' reasons follow. */
  #combine(findings: readonly Finding[], index: ScoreIndex): ScoreOutcome {
    const sorted = [...findings].sort((a, b) => b.score - a.score);
    const lead = index.outcomes.get(sorted[0]!)!;
    if (sorted.length === 1) return lead;
    return { ...lead, reasons: sorted.flatMap((f) => f.reasons), evidence: { ...lead.evidence, also: sorted.slice(1).map((f) => ({ pattern: f.pattern, score: Math.round(f.score * 100) / 100 })) } };
  }

  /** Ratings an analyst just gave: low-risk ones suppress their findings at once; the next fit records them. */
  feedback(ratings: readonly Rating[], _ctx: PluginContext): void {
    for (const r of ratings) this.#live.set(r.id, r);
    this.#liveVersion++;
  }

  describe(state: ModelState): ModelReport {
    return describeState(state, dataOf(state, this.name));
  }

  close(): void {
    this.#live.clear();
  }
}
