import type { EventKind, ScoreOutcome } from '@sightline/core';
import type { DetectorName } from './config.schema.js';

export type Severity = NonNullable<ScoreOutcome['severity']>;

/**
 * One pattern a detector found in a window: who, what, how strongly, why in words, and the evidence. A finding
 * is what an analyst rates; its `pattern` is the stable key a rating names (as the rating's `word`).
 */
export interface Finding {
  readonly detector: DetectorName;
  /** Stable, readable key: `beacon 10.10.0.104>203.0.113.66:443/tcp`. The alert's score_word. */
  readonly pattern: string;
  /** Kind of the events that make it up. */
  readonly kind: EventKind;
  /** The host that did it (scanner, beaconing client, DNS client, uploader). */
  readonly source: string;
  /** The address it went to, when there is one. */
  readonly destination?: string;
  /** The registrable domain (or proxy host) involved, when there is one. */
  readonly domain?: string;
  /** ODM fields naming the pattern, as on its events: what a rating's `match` is compared with. */
  readonly fields: Readonly<Record<string, string | number>>;
  /** 0-100, higher is more suspicious. */
  readonly score: number;
  readonly severity: Severity;
  readonly reasons: readonly string[];
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Ids of the finding's first events (the first `per_finding` are scored as alerts). */
  readonly examples: readonly string[];
  /** Member keys: every event whose key is among them belongs to the finding (scored in `members` mode). */
  readonly keys: readonly string[];
}

/** How far x is from `at` (0) towards `full` (1), on a log scale, clamped. */
export function grade(x: number, at: number, full: number): number {
  if (!(x > at)) return 0;
  if (x >= full) return 1;
  return Math.log(x / at) / Math.log(full / at);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Severity bands of the 0-100 score. */
export function severityOf(score: number): Severity {
  if (score >= 80) return 'critical';
  if (score >= 65) return 'high';
  if (score >= 45) return 'medium';
  if (score >= 25) return 'low';
  return 'info';
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const n = (v: number): string => Math.round(v).toLocaleString('en-US');
export { n as formatCount };

export function formatBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  const m = s / 60;
  if (m < 90) return `${Math.round(m)} min`;
  const h = m / 60;
  if (h < 48) return `${h.toFixed(h < 10 ? 1 : 0)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

export function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : p === 58 ? 'icmpv6' : String(p);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}
