import type { EventKind } from '@sightline/core';
import type { IndexState } from '../api.js';
import type { AlertIndex } from './alert-index.js';
import { type EventRecord, KIND_CODE, endpointKey, num } from './keys.js';
import { type LineRef, isGzipPath, scanLines } from './lines.js';

export interface EventIndexLimits {
  /** Events are kept for the details view when they are this close in time to an alert of their endpoints. */
  readonly spanMs: number;
  /** At most this many kept per endpoint key (the rest are counted). */
  readonly maxRefsPerKey: number;
  /** Endpoint keys indexed: those of the most suspicious alerts first. */
  readonly maxKeys: number;
  /** Buckets of the per-key timeline over the run. */
  readonly timelineBuckets: number;
}

export const DEFAULT_LIMITS: EventIndexLimits = { spanMs: 30 * 60_000, maxRefsPerKey: 5000, maxKeys: 5000, timelineBuckets: 288 };

/** One endpoint key's events: positions of those near its alerts, and counts over the whole run. */
export interface KeyEvents {
  /** Merged [from, to] spans around the key's alerts, sorted. */
  readonly spans: Float64Array;
  readonly refs: LineRef[];
  readonly times: number[];
  /** Events in the spans that were not kept (over maxRefsPerKey). */
  overflow: number;
  readonly timeline: Uint32Array;
}

const MINUTE = 60_000;

/**
 * One streaming pass over a run's event files (which may be far larger than memory) that keeps only what the
 * console shows: events per minute per kind (the ingest view), and for the endpoints of the alerts (at most
 * `maxKeys`, most suspicious first) the file positions of their events near the alerts (at most `maxRefsPerKey`
 * each) plus a coarse timeline over the run. Memory is bounded by minutes + keys x (refs + buckets), not by the
 * number of events. The pass runs in the background; the API reports its state and progress meanwhile.
 */
export class EventIndex {
  readonly files: string[];
  readonly limits: EventIndexLimits;
  state: IndexState = 'pending';
  error: string | undefined;
  bytesDone = 0;
  readonly bytesTotal: number;
  /** minute start -> counts per kind (flow, dns, proxy) */
  readonly perMinute = new Map<number, Uint32Array>();
  readonly keys = new Map<string, KeyEvents>();
  /** Keys of alerts that were not indexed (over maxKeys). */
  unindexedKeys = 0;
  events = 0;
  unreadable = 0;
  /** Lines of a kind some earlier file already supplied (the same events written by two sinks). */
  duplicateKinds: string[] = [];
  /** Seconds the pass took (when done). */
  scanSeconds: number | undefined;
  timelineStart = 0;
  bucketMs = MINUTE;
  #done: Promise<void> | undefined;

  constructor(files: readonly string[], bytesTotal: number, limits: EventIndexLimits = DEFAULT_LIMITS) {
    this.files = [...files];
    this.bytesTotal = bytesTotal;
    this.limits = limits;
  }

  get progress(): number {
    return this.bytesTotal === 0 ? 1 : Math.min(1, this.bytesDone / this.bytesTotal);
  }

  /** Starts the pass (once) and resolves when it ends; never rejects (a failure is kept in `state`/`error`). */
  build(alerts: AlertIndex, sinkOf: readonly number[], signal?: AbortSignal): Promise<void> {
    this.#done ??= this.#build(alerts, sinkOf, signal).catch((e: unknown) => {
      this.state = 'failed';
      this.error = (e as Error).message;
    });
    return this.#done;
  }

  #prepare(alerts: AlertIndex): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < alerts.count; i++) {
      const w = alerts.window[i]!;
      lo = Math.min(lo, alerts.time[i]!, w);
      hi = Math.max(hi, alerts.time[i]!);
    }
    // Alerts first by risk: the most suspicious endpoints are indexed when there are more than maxKeys.
    const byRisk = Array.from({ length: alerts.count }, (_, i) => i).sort((a, b) => alerts.risk[b]! - alerts.risk[a]! || a - b);
    const spans = new Map<string, number[]>();
    for (const i of byRisk) {
      const key = alerts.keys.get(alerts.key[i]!);
      if (key === undefined) continue;
      let list = spans.get(key);
      if (list === undefined) {
        if (spans.size >= this.limits.maxKeys) {
          this.unindexedKeys++;
          continue;
        }
        spans.set(key, (list = []));
      }
      list.push(alerts.time[i]!);
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 0;
    }
    this.timelineStart = Math.floor(lo / MINUTE) * MINUTE;
    const day = 24 * 3_600_000;
    const extent = Math.max(day, hi - this.timelineStart + 1);
    this.bucketMs = Math.max(MINUTE, Math.ceil(extent / this.limits.timelineBuckets / MINUTE) * MINUTE);
    const buckets = Math.ceil(extent / this.bucketMs);
    for (const [key, times] of spans) {
      times.sort((a, b) => a - b);
      const merged: number[] = [];
      for (const t of times) {
        const from = t - this.limits.spanMs;
        const to = t + this.limits.spanMs;
        if (merged.length > 0 && from <= merged[merged.length - 1]!) merged[merged.length - 1] = Math.max(merged[merged.length - 1]!, to);
        else merged.push(from, to);
      }
      this.keys.set(key, { spans: Float64Array.from(merged), refs: [], times: [], overflow: 0, timeline: new Uint32Array(buckets) });
    }
  }

  async #build(alerts: AlertIndex, sinkOf: readonly number[], signal?: AbortSignal): Promise<void> {
    this.state = 'scanning';
    const started = performance.now();
    this.#prepare(alerts);
    // The first sink that supplies events of a kind is used for it; the same kind from a later sink is skipped.
    const owner = new Map<EventKind, number>();
    const duplicate = new Set<string>();
    let before = 0;
    for (let f = 0; f < this.files.length; f++) {
      const file = this.files[f]!;
      const seekable = !isGzipPath(file);
      const sink = sinkOf[f] ?? f;
      const result = await scanLines(
        file,
        (text, offset, length) => {
          let e: EventRecord;
          try {
            const parsed: unknown = JSON.parse(text);
            if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
            e = parsed as EventRecord;
          } catch {
            this.unreadable++;
            return;
          }
          const kind = e['event_kind'];
          const time = num(e['event_time']);
          if ((kind !== 'flow' && kind !== 'dns' && kind !== 'proxy') || time === undefined) {
            this.unreadable++;
            return;
          }
          if (e['score_rank'] !== undefined) return; // an alert in a sink that delivers both
          const claimed = owner.get(kind);
          if (claimed === undefined) owner.set(kind, sink);
          else if (claimed !== sink) {
            duplicate.add(kind);
            return;
          }
          this.events++;
          const minute = Math.floor(time / MINUTE) * MINUTE;
          let counts = this.perMinute.get(minute);
          if (counts === undefined) this.perMinute.set(minute, (counts = new Uint32Array(3)));
          counts[KIND_CODE[kind]]!++;
          const key = endpointKey(kind, e);
          const k = key === undefined ? undefined : this.keys.get(key);
          if (k === undefined) return;
          const bucket = Math.floor((time - this.timelineStart) / this.bucketMs);
          if (bucket >= 0 && bucket < k.timeline.length) k.timeline[bucket]!++;
          if (!inSpans(k.spans, time)) return;
          if (k.refs.length >= this.limits.maxRefsPerKey) {
            k.overflow++;
            return;
          }
          k.refs.push(seekable ? { file: f, offset, length } : { file: f, text });
          k.times.push(time);
        },
        { ...(signal === undefined ? {} : { signal }), onProgress: (b) => (this.bytesDone = before + b) },
      );
      before += result.bytes;
      this.bytesDone = before;
    }
    this.duplicateKinds = [...duplicate].sort();
    this.scanSeconds = (performance.now() - started) / 1000;
    this.state = signal?.aborted === true ? 'failed' : 'ready';
    if (signal?.aborted === true) this.error = 'stopped';
  }
}

/** Whether t falls in one of the merged [from, to] spans (binary search). */
export function inSpans(spans: Float64Array, t: number): boolean {
  let lo = 0;
  let hi = spans.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < spans[2 * mid]!) hi = mid - 1;
    else if (t > spans[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}
