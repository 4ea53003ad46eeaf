import type { DnsQueryGroup, RelatedEvents, Timeline } from '../api.js';
import type { AlertIndex } from './alert-index.js';
import type { EventIndex } from './event-index.js';
import { describeKey, num, qtypeName, str } from './keys.js';
import { type LineRef, readLinesAt } from './lines.js';

/** Related events shown at most, the nearest in time to the alert. */
export const RELATED_SHOWN = 200;

/** Reads lines kept by reference (positions grouped per file, texts as they are), in the order given. */
export async function readRefs(files: readonly string[], refs: readonly LineRef[]): Promise<string[]> {
  const out = new Array<string>(refs.length);
  const byFile = new Map<number, number[]>();
  refs.forEach((r, i) => {
    if ('text' in r) out[i] = r.text;
    else {
      let list = byFile.get(r.file);
      if (list === undefined) byFile.set(r.file, (list = []));
      list.push(i);
    }
  });
  for (const [file, idx] of byFile) {
    const texts = await readLinesAt(
      files[file]!,
      idx.map((i) => refs[i] as { offset: number; length: number }),
    );
    idx.forEach((i, j) => (out[i] = texts[j]!));
  }
  return out;
}

export function parseRecord(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { unreadable: text.slice(0, 4096) };
  } catch {
    return { unreadable: text.slice(0, 4096) };
  }
}

/** The full record of an alert, read back from its file. */
export async function readAlert(alerts: AlertIndex, n: number): Promise<Record<string, unknown>> {
  const [text] = await readRefs(alerts.files, [alerts.ref(n)]);
  return parseRecord(text ?? '');
}

/** Events between the alert's endpoints near its time (Spot's edge investigation), the nearest first shown. */
export async function relatedEvents(alerts: AlertIndex, events: EventIndex, n: number): Promise<{ related: RelatedEvents; timeline?: Timeline }> {
  const key = alerts.keys.get(alerts.key[n]!);
  const base = key === undefined ? {} : { key, description: describeKey(key) };
  if (events.files.length === 0) return { related: { ...base, state: 'ready', events: [], total: 0, note: 'the run kept no events in NDJSON files, so there is nothing around the alert to show' } };
  if (events.state !== 'ready') {
    return { related: { ...base, state: events.state, progress: events.progress, events: [], total: 0, ...(events.error === undefined ? {} : { note: `indexing failed: ${events.error}` }) } };
  }
  const k = key === undefined ? undefined : events.keys.get(key);
  if (k === undefined) {
    return { related: { ...base, state: 'ready', events: [], total: 0, note: key === undefined ? 'the alert lacks the addresses that name its endpoints' : `not indexed: only the ${events.limits.maxKeys} most suspicious endpoint pairs are` } };
  }
  const t = alerts.time[n]!;
  const span = events.limits.spanMs;
  const near: number[] = [];
  for (let j = 0; j < k.times.length; j++) if (Math.abs(k.times[j]! - t) <= span) near.push(j);
  near.sort((a, b) => Math.abs(k.times[a]! - t) - Math.abs(k.times[b]! - t) || a - b);
  const shown = near.slice(0, RELATED_SHOWN).sort((a, b) => k.times[a]! - k.times[b]! || a - b);
  const texts = await readRefs(
    events.files,
    shown.map((j) => k.refs[j]!),
  );
  const notes: string[] = [];
  if (near.length > shown.length) notes.push(`the ${shown.length} nearest in time of ${near.length}`);
  if (k.overflow > 0) notes.push(`${k.overflow} more events of these endpoints near their alerts were counted but not kept (limit ${events.limits.maxRefsPerKey} per endpoint pair)`);
  const timeline: Timeline = {
    bucketMs: events.bucketMs,
    start: events.timelineStart,
    counts: [...k.timeline],
    alerts: siblingRows(alerts, n).map((i) => alerts.time[i]!),
  };
  return {
    related: { ...base, state: 'ready', from: t - span, to: t + span, events: texts.map(parseRecord), total: near.length, ...(notes.length === 0 ? {} : { note: notes.join('; ') }) },
    timeline,
  };
}

/** Alerts of the same endpoints (any model), most suspicious first. */
export function siblingRows(alerts: AlertIndex, n: number): number[] {
  const key = alerts.key[n]!;
  if (key === 0) return [n];
  const out: number[] = [];
  for (let i = 0; i < alerts.count; i++) if (alerts.key[i] === key) out.push(i);
  return out.sort((a, b) => alerts.risk[b]! - alerts.risk[a]! || alerts.rank[a]! - alerts.rank[b]! || a - b);
}

/** A DNS client's queries grouped by name, with their types, response codes and answers. */
export function dnsGroups(events: readonly Readonly<Record<string, unknown>>[]): DnsQueryGroup[] {
  const groups = new Map<string, { name: string; count: number; types: Set<number>; rcodes: Set<number>; answers: Set<string>; first: number; last: number }>();
  for (const e of events) {
    if (e['event_kind'] !== 'dns') continue;
    const name = str(e['dns_query']) ?? '(no question)';
    const t = num(e['event_time']) ?? 0;
    let g = groups.get(name);
    if (g === undefined) groups.set(name, (g = { name, count: 0, types: new Set(), rcodes: new Set(), answers: new Set(), first: t, last: t }));
    g.count++;
    g.first = Math.min(g.first, t);
    g.last = Math.max(g.last, t);
    const type = num(e['dns_type']);
    if (type !== undefined) g.types.add(type);
    const rcode = num(e['dns_response_code']);
    if (rcode !== undefined) g.rcodes.add(rcode);
    if (Array.isArray(e['dns_answers'])) {
      for (const a of e['dns_answers'] as unknown[]) {
        const r = (a ?? {}) as Record<string, unknown>;
        if (g.answers.size < 20 && r['data'] !== undefined) g.answers.add(`${typeof r['type'] === 'number' ? qtypeName(r['type']) : '?'} ${String(r['data'])}`);
      }
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .map((g) => ({ name: g.name, count: g.count, types: [...g.types], rcodes: [...g.rcodes], answers: [...g.answers], first: g.first, last: g.last }));
}
