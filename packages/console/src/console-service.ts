import type { EventKind, Rating } from '@sightline/core';
import { CORE_VERSION, describeCause } from '@sightline/core';
import type { AlertDetails, AlertPage, AlertRow, ConsoleInfo, IngestSummary, NetworkGraph, QuarantinePage, RatingView, RerunStatus, RunList } from './api.js';
import { type AlertFilter, selectAlerts } from './data/alert-query.js';
import { dnsGroups, readAlert, relatedEvents, siblingRows } from './data/details.js';
import type { EventIndexLimits } from './data/event-index.js';
import { Feedback, type RatingRequest, briefOf, buildRating, patternFieldsOf, ratingView, ratingsCsv } from './data/feedback.js';
import { buildGraph } from './data/graph.js';
import { KINDS } from './data/keys.js';
import { RunCatalog } from './data/run-catalog.js';
import type { RunData } from './data/run-data.js';

/** A request the caller must change: answered with 400 and the message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** Something asked for that is not there: answered with 404. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

/** Something that cannot be done now (a re-run already going): answered with 409. */
export class Conflict extends Error {
  override readonly name = 'Conflict';
}

export interface ConsoleServiceOptions {
  /** The pipeline's name, shown in the page. */
  readonly pipeline: string;
  /** The pipeline's output folder: one sub-folder per run, `latest` pointing to the newest. */
  readonly outputDir: string;
  /** The analyst ratings file (`<state>/feedback/ratings.ndjson`). */
  readonly ratingsFile: string;
  /** Starts a new run of the pipeline and resolves with its id; given only when re-runs are allowed. */
  readonly rerun?: () => Promise<string>;
  readonly limits?: EventIndexLimits;
  /** Runs kept open at once (default 3). */
  readonly keepRuns?: number;
}

export interface ListQuery {
  readonly kind: EventKind;
  readonly filter: AlertFilter;
  readonly sort: 'risk' | 'time';
  readonly desc: boolean;
  readonly offset: number;
  readonly limit: number;
  readonly compare?: string;
}

/**
 * What the console does, apart from HTTP: lists runs, answers list, details, graph and ingest queries from a
 * run's indexes, and records analyst ratings. The HTTP layer (server/) validates requests and calls this.
 */
export class ConsoleService {
  readonly options: ConsoleServiceOptions;
  readonly catalog: RunCatalog;
  readonly feedback: Feedback;
  readonly #ratingCache = new WeakMap<RunData, { version: number; values: (Rating | undefined)[] }>();
  #rerun: { state: RerunStatus['state']; startedAt?: number; finishedAt?: number; runId?: string; error?: string } = { state: 'idle' };

  constructor(options: ConsoleServiceOptions) {
    this.options = options;
    this.catalog = new RunCatalog(options.outputDir, { ...(options.keepRuns === undefined ? {} : { keep: options.keepRuns }), ...(options.limits === undefined ? {} : { limits: options.limits }) });
    this.feedback = new Feedback(options.ratingsFile);
  }

  info(): ConsoleInfo {
    return { pipeline: this.options.pipeline, outputDir: this.options.outputDir, ratingsFile: this.feedback.file, rerun: this.options.rerun !== undefined, version: CORE_VERSION };
  }

  runs(): Promise<RunList> {
    return this.catalog.list();
  }

  async run(id: string): Promise<RunData> {
    const real = await this.catalog.resolve(id);
    if (real === undefined) throw new NotFound(id === 'latest' ? 'there is no run yet: run the pipeline first (sightline run <pipeline>)' : `no run "${id}" under ${this.options.outputDir}`);
    return this.catalog.open(real);
  }

  /** The live rating of every alert of a run (recomputed when the ratings change). */
  async ratingsOf(run: RunData): Promise<(Rating | undefined)[]> {
    const { index, version } = await this.feedback.current();
    const cached = this.#ratingCache.get(run);
    if (cached !== undefined && cached.version === version) return cached.values;
    const a = run.alerts;
    const values = new Array<Rating | undefined>(a.count);
    if (index.size > 0) {
      for (let i = 0; i < a.count; i++) values[i] = index.lookupBy((f) => a.field(i, f), a.wordOf(i));
    }
    this.#ratingCache.set(run, { version, values });
    return values;
  }

  #row(run: RunData, ratings: readonly (Rating | undefined)[], i: number): AlertRow {
    const row = run.alerts.row(i);
    const r = ratings[i];
    return r === undefined ? row : { ...row, rating: briefOf(r, row.event_id) };
  }

  async alerts(id: string, q: ListQuery): Promise<AlertPage> {
    const t0 = performance.now();
    const run = await this.run(id);
    const ratings = await this.ratingsOf(run);
    const sel = selectAlerts(run.alerts, q.kind, q.filter, q.sort, q.desc, (i) => ratings[i]);
    const page = sel.rows.subarray(q.offset, q.offset + q.limit);
    let other: RunData | undefined;
    if (q.compare !== undefined) other = await this.run(q.compare);
    const rows: AlertRow[] = [];
    for (const i of page) {
      const row = this.#row(run, ratings, i);
      if (other === undefined) rows.push(row);
      else {
        const j = other.alerts.byEventModel.get(`${row.event_id} ${row.model}`);
        rows.push({ ...row, compare_rank: j === undefined ? null : other.alerts.rank[j]! });
      }
    }
    return { run: run.id, kind: q.kind, total: sel.rows.length, offset: q.offset, rows, kinds: sel.kinds, models: run.alerts.models, tookMs: Math.round((performance.now() - t0) * 100) / 100 };
  }

  async details(id: string, n: number): Promise<AlertDetails> {
    const run = await this.run(id);
    const a = run.alerts;
    if (n >= a.count) throw new NotFound(`run ${run.id} has ${a.count} alerts; there is no alert ${n}`);
    const ratings = await this.ratingsOf(run);
    const event = await readAlert(a, n);
    const { related, timeline } = await relatedEvents(a, run.events, n);
    const kind = a.kindOf(n);
    return {
      run: run.id,
      row: this.#row(run, ratings, n),
      event,
      related,
      ...(timeline === undefined ? {} : { timeline }),
      ...(kind === 'dns' ? { dns: dnsGroups(related.events) } : {}),
      siblings: siblingRows(a, n)
        .filter((i) => i !== n)
        .slice(0, 50)
        .map((i) => this.#row(run, ratings, i)),
      patternFields: patternFieldsOf(kind, event),
    };
  }

  async graph(id: string, kind: EventKind | undefined, filter: AlertFilter, limit: number): Promise<NetworkGraph> {
    const run = await this.run(id);
    const ratings = await this.ratingsOf(run);
    const rows: number[] = [];
    let matching = 0;
    for (const k of kind === undefined ? KINDS : [kind]) {
      const sel = selectAlerts(run.alerts, k, filter, 'risk', true, (i) => ratings[i], false);
      matching += sel.rows.length;
      rows.push(...sel.rows.subarray(0, limit));
    }
    const g = buildGraph(run.alerts, rows);
    return { run: run.id, nodes: g.nodes, links: g.links, alerts: g.alerts, matching };
  }

  async ingest(id: string): Promise<IngestSummary> {
    const run = await this.run(id);
    const ev = run.events;
    const minutes = [...ev.perMinute.keys()].sort((a, b) => a - b);
    const col = (k: number): number[] => minutes.map((m) => ev.perMinute.get(m)![k]!);
    const notes = [...run.notes];
    if (ev.duplicateKinds.length > 0) notes.push(`events of kind ${ev.duplicateKinds.join(', ')} were written by more than one sink; the first sink's are counted`);
    if (ev.unreadable > 0) notes.push(`${ev.unreadable} lines of the event files could not be read as events`);
    const q = run.quarantine;
    const s = run.summary;
    return {
      run: run.id,
      state: ev.state,
      progress: ev.progress,
      ...(ev.scanSeconds === undefined ? {} : { scanSeconds: Math.round(ev.scanSeconds * 100) / 100 }),
      ...(notes.length === 0 ? {} : { note: notes.join('; ') }),
      perMinute: { start: minutes[0] ?? 0, minutes, flow: col(0), dns: col(1), proxy: col(2) },
      inputs: s.inputs.map((i) => ({ name: i.name, decoder: i.decoder, bytes: i.bytes, events: i.events, issues: i.issues, ...(i.error === undefined ? {} : { error: i.error }) })),
      counts: { ...s.counts, durationMs: s.durationMs, status: s.status, inputFailures: s.inputFailures, violations: s.violations.length },
      quarantine: q.groups,
      files: q.files.map((f, n) => ({ n, kind: f.kind, name: f.path.slice(run.dir.length + 1) || f.path, records: f.records })),
    };
  }

  async quarantinePage(id: string, file: number, offset: number, limit: number): Promise<QuarantinePage> {
    const run = await this.run(id);
    const q = run.quarantine;
    if (file >= q.files.length) throw new NotFound(`run ${run.id} has ${q.files.length} quarantine and dead-letter files`);
    await q.build();
    return { file, total: q.totals[file] ?? 0, kept: q.kept[file]?.length ?? 0, offset, records: await q.page(file, offset, limit) };
  }

  async ratings(runId?: string, compare?: string): Promise<RatingView[]> {
    const { index } = await this.feedback.current();
    const views = index.ratings.map(ratingView);
    if (runId === undefined) return views.reverse();
    const effect = async (rid: string): Promise<{ id: string; covered: Map<string, { n: number; best: number | null }> }> => {
      const run = await this.run(rid);
      const values = await this.ratingsOf(run);
      const covered = new Map<string, { n: number; best: number | null }>();
      values.forEach((r, i) => {
        if (r === undefined) return;
        const c = covered.get(r.id) ?? { n: 0, best: null };
        c.n++;
        const rank = run.alerts.rank[i]!;
        c.best = c.best === null ? rank : Math.min(c.best, rank);
        covered.set(r.id, c);
      });
      return { id: run.id, covered };
    };
    const here = await effect(runId);
    const there = compare === undefined ? undefined : await effect(compare);
    return views
      .map((v) => {
        const h = here.covered.get(v.id);
        const t = there?.covered.get(v.id);
        return {
          ...v,
          effect: {
            run: here.id,
            covered: h?.n ?? 0,
            bestRank: h?.best ?? null,
            ...(there === undefined ? {} : { compareRun: there.id, compareCovered: t?.n ?? 0, compareBestRank: t?.best ?? null }),
          },
        };
      })
      .reverse();
  }

  async addRating(id: string, n: number, req: RatingRequest): Promise<RatingView> {
    const run = await this.run(id);
    if (n >= run.alerts.count) throw new NotFound(`run ${run.id} has ${run.alerts.count} alerts; there is no alert ${n}`);
    const event = await readAlert(run.alerts, n);
    const built = buildRating(run.alerts.kindOf(n), event, req);
    if (typeof built === 'string') throw new BadRequest(built);
    return ratingView(await this.feedback.add(built));
  }

  async removeRating(ratingId: string): Promise<void> {
    if (!(await this.feedback.remove(ratingId))) throw new NotFound(`no live rating "${ratingId}"`);
  }

  async exportRatings(format: 'ndjson' | 'csv'): Promise<string> {
    const { index } = await this.feedback.current();
    if (format === 'csv') return ratingsCsv(index.ratings);
    return index.ratings.map((r) => `${JSON.stringify(r)}\n`).join('');
  }

  rerunStatus(): RerunStatus {
    if (this.options.rerun === undefined) return { state: 'disabled' };
    return { ...this.#rerun };
  }

  /** Starts a run of the pipeline (the models fit again with every rating); one at a time. */
  startRerun(): RerunStatus {
    const rerun = this.options.rerun;
    if (rerun === undefined) throw new NotFound('re-runs are not enabled: start the console with --allow-rerun');
    if (this.#rerun.state === 'running') throw new Conflict('a run is already going');
    this.#rerun = { state: 'running', startedAt: Date.now() };
    rerun().then(
      (runId) => (this.#rerun = { ...this.#rerun, state: 'done', finishedAt: Date.now(), runId }),
      (e: unknown) => (this.#rerun = { ...this.#rerun, state: 'failed', finishedAt: Date.now(), error: describeCause(e) }),
    );
    return this.rerunStatus();
  }

  close(): void {
    this.catalog.close();
  }
}
