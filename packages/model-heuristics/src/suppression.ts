import type { Rating } from '@sightline/core';
import type { Finding } from './findings.js';
import type { CompiledRule } from './settings.js';

/** Why a finding is not alerted: an analyst rated it low risk, or a configured allow rule covers it. */
export interface Suppression {
  readonly by: 'rating' | 'allow';
  readonly rating_id?: string;
  readonly rating_at?: number;
  readonly analyst?: string;
  readonly rule?: number;
  readonly note?: string;
}

/**
 * True when a rating covers a finding. A rating names the pattern it was made on (`word`, the alert's
 * score_word) or, without one, the fields it holds (`match`, every one equal on the finding), or the event it
 * was made on (one of the finding's examples). Ratings made on another model's word never match.
 */
export function ratingCovers(r: Rating, f: Finding): boolean {
  if (r.event_kind !== f.kind) return false;
  if (r.word !== undefined) return r.word === f.pattern;
  if (r.event_id !== undefined && f.examples.includes(r.event_id)) return true;
  const fields = Object.entries(r.match);
  if (fields.length === 0) return false;
  return fields.every(([k, v]) => f.fields[k] === v);
}

function domainCovered(domain: string | undefined, list: readonly string[]): boolean {
  if (domain === undefined) return false;
  const d = domain.toLowerCase();
  return list.some((x) => d === x || d.endsWith(`.${x}`));
}

/** True when an allow rule covers a finding: every criterion the rule has must hold. */
export function ruleCovers(rule: CompiledRule, f: Finding): boolean {
  if (rule.detectors !== undefined && !rule.detectors.has(f.detector)) return false;
  if (rule.sources !== undefined && !rule.sources.has(f.source)) return false;
  if (rule.destinations !== undefined && (f.destination === undefined || !rule.destinations.has(f.destination))) return false;
  if (rule.domains !== undefined && !domainCovered(f.domain, rule.domains)) return false;
  return rule.detectors !== undefined || rule.sources !== undefined || rule.destinations !== undefined || rule.domains !== undefined;
}

/** The newest low-risk (3) rating covering the finding, else the first allow rule, else undefined. */
export function suppressionOf(f: Finding, ratings: readonly Rating[], rules: readonly CompiledRule[]): Suppression | undefined {
  let found: Rating | undefined;
  for (const r of ratings) if (r.rating === 3 && ratingCovers(r, f) && (found === undefined || r.at >= found.at)) found = r;
  if (found !== undefined) {
    return { by: 'rating', rating_id: found.id, rating_at: found.at, ...(found.by === undefined ? {} : { analyst: found.by }), ...(found.note === undefined ? {} : { note: found.note }) };
  }
  const rule = rules.find((r) => ruleCovers(r, f));
  if (rule !== undefined) return { by: 'allow', rule: rule.index, ...(rule.note === undefined ? {} : { note: rule.note }) };
  return undefined;
}

/** Ratings of high or medium risk (1, 2) on a finding: not a suppression, but worth showing in its evidence. */
export function escalationOf(f: Finding, ratings: readonly Rating[]): Rating | undefined {
  let found: Rating | undefined;
  for (const r of ratings) if (r.rating !== 3 && ratingCovers(r, f) && (found === undefined || r.at >= found.at)) found = r;
  return found;
}
