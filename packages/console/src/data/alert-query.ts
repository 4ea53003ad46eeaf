import type { EventKind, Rating } from '@sightline/core';
import type { AlertIndex } from './alert-index.js';
import type { AddressFilter } from './ip.js';
import { KINDS } from './keys.js';

export type RatedFilter = 'any' | 'rated' | 'unrated' | '1' | '2' | '3';

/** A list query, already validated (see server/schemas.ts). */
export interface AlertFilter {
  readonly window?: number;
  readonly model?: string;
  /** Source or destination is this address or in this block. */
  readonly ip?: AddressFilter;
  /** DNS query or proxy host is this name or under it (case-insensitive). */
  readonly domain?: string;
  /** Proxy URI contains this (case-insensitive). */
  readonly uri?: string;
  readonly from?: number;
  readonly to?: number;
  readonly riskMin?: number;
  readonly rated?: RatedFilter;
}

/** The live rating of each alert: index into the ratings, -1 for none. */
export type RatingOf = (row: number) => Rating | undefined;

/**
 * Compiles a filter into a row predicate. Address and name filters are evaluated once per distinct string of the
 * pools (a mask), so the per-row cost is a few array reads whatever the filter.
 */
export function compileFilter(index: AlertIndex, f: AlertFilter, ratingOf: RatingOf): (row: number) => boolean {
  const ipMask = f.ip === undefined ? undefined : index.ips.mask((v) => f.ip!.matches(v));
  const domain = f.domain?.toLowerCase().replace(/\.$/, '');
  const nameMask = domain === undefined ? undefined : index.names.mask((v) => v === domain || v.endsWith(`.${domain}`) || v.endsWith(`.${domain}.`) || v === `${domain}.`, true);
  const uri = f.uri?.toLowerCase();
  const modelId = f.model === undefined ? undefined : (index.misc.find(f.model) ?? -1);
  const rated = f.rated ?? 'any';
  return (i: number): boolean => {
    if (f.window !== undefined && index.window[i] !== f.window) return false;
    if (modelId !== undefined && index.model[i] !== modelId) return false;
    if (f.from !== undefined && index.time[i]! < f.from) return false;
    if (f.to !== undefined && index.time[i]! > f.to) return false;
    if (f.riskMin !== undefined && index.risk[i]! < f.riskMin) return false;
    if (ipMask !== undefined && ipMask[index.src[i]!] !== 1 && ipMask[index.dst[i]!] !== 1) return false;
    if (nameMask !== undefined && nameMask[index.name[i]!] !== 1) return false;
    if (uri !== undefined && !(index.uriLower(i) ?? '').includes(uri)) return false;
    if (rated !== 'any') {
      const r = ratingOf(i);
      if (rated === 'rated' && r === undefined) return false;
      if (rated === 'unrated' && r !== undefined) return false;
      if ((rated === '1' || rated === '2' || rated === '3') && r?.rating !== Number(rated)) return false;
    }
    return true;
  };
}

export interface Selection {
  readonly rows: Uint32Array;
  readonly kinds: Record<EventKind, number>;
}

/** Matching rows of one kind in the chosen order, and (unless `countOthers` is false) the number matching of every kind. */
export function selectAlerts(index: AlertIndex, kind: EventKind, f: AlertFilter, sort: 'risk' | 'time', desc: boolean, ratingOf: RatingOf, countOthers = true): Selection {
  const test = compileFilter(index, f, ratingOf);
  const kinds = { flow: 0, dns: 0, proxy: 0 } as Record<EventKind, number>;
  let rows = new Uint32Array(0);
  for (const k of KINDS) {
    const order = index.orders.get(k);
    if (order === undefined) continue;
    const source = sort === 'time' ? order.time : order.risk;
    if (k !== kind) {
      if (!countOthers) continue;
      let n = 0;
      for (let j = 0; j < source.length; j++) if (test(source[j]!)) n++;
      kinds[k] = n;
      continue;
    }
    const out = new Uint32Array(source.length);
    let n = 0;
    for (let j = 0; j < source.length; j++) {
      const i = source[j]!;
      if (test(i)) out[n++] = i;
    }
    rows = out.subarray(0, n);
    if (sort === 'time' && desc) rows.reverse();
    kinds[k] = n;
  }
  return { rows, kinds };
}
