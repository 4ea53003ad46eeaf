import { type ModelState, SightlineError } from '@sightline/core';
import type { WindowStats } from './analyser.js';
import type { Finding, Severity } from './findings.js';
import type { KnowledgeInfo } from './knowledge.js';
import type { Suppression } from './suppression.js';

/** Layout version of the state's `data`. */
export const STATE_FORMAT = 1;
export const MODEL_NAME = 'heuristics';

/** A finding that is not alerted, and why (reversible: remove the rating or the rule and it alerts again). */
export interface SuppressedFinding {
  readonly pattern: string;
  readonly detector: Finding['detector'];
  readonly kind: Finding['kind'];
  readonly source: string;
  readonly score: number;
  readonly severity: Severity;
  readonly reason: string;
  readonly examples: readonly string[];
  readonly suppression: Suppression;
}

export interface HeuristicsData {
  /** Alerting findings, most suspicious first. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Per host (and `web <host>` for proxy traffic): typical outbound bytes per destination, carried across windows. */
  readonly baselines: Readonly<Record<string, number>>;
  readonly stats: WindowStats;
  readonly knowledge: KnowledgeInfo;
}

/** The state's data, after checking it was written by this model in this layout. */
export function dataOf(state: ModelState, plugin: string): HeuristicsData {
  if (state.model !== MODEL_NAME || state.format !== STATE_FORMAT) {
    throw new SightlineError('SL_MODEL_STATE_INVALID', `state ${state.id} was written by ${state.model} format ${state.format}; ${MODEL_NAME} reads format ${STATE_FORMAT}`, { stage: 'model', plugin });
  }
  const data = state.data as Partial<HeuristicsData> | null;
  if (data === null || typeof data !== 'object' || !Array.isArray(data.findings) || !Array.isArray(data.suppressed)) {
    throw new SightlineError('SL_MODEL_STATE_INVALID', `state ${state.id} has no findings list`, { stage: 'model', plugin });
  }
  return data as HeuristicsData;
}

/** Baselines of an earlier window's state, when it is one of ours. */
export function previousBaselines(previous: ModelState | undefined): Map<string, number> {
  if (previous === undefined || previous.model !== MODEL_NAME || previous.format !== STATE_FORMAT) return new Map();
  const b = (previous.data as Partial<HeuristicsData> | null)?.baselines;
  if (b === undefined || b === null || typeof b !== 'object') return new Map();
  return new Map(Object.entries(b).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}
