import { readFile } from 'node:fs/promises';
import { SightlineError, describeCause } from '@sightline/core';

/** Options of `loadTopDomains` / `parseTopDomains`. */
export interface TopDomainsOptions {
  /** Keep entries ranked up to this (1-based); the line position counts as the rank in a one-domain-per-line file. */
  readonly maxRank?: number;
}

const PLUGIN = 'model-lda';

/**
 * Parses a top-domains list: a Tranco, Cisco Umbrella or Alexa `rank,domain` CSV, or one domain per line.
 * Blank lines, `#` comments and rows whose rank is not a positive integer (a header) are skipped; names are
 * lower-cased without a trailing dot. Returns the names ranked up to `maxRank`.
 */
export function parseTopDomains(text: string, options: TopDomainsOptions = {}): Set<string> {
  const max = options.maxRank ?? Number.POSITIVE_INFINITY;
  const out = new Set<string>();
  let from = 0;
  let position = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const end = to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
    const row = text.slice(from, end).trim();
    from = to + 1;
    if (row === '' || row.startsWith('#')) continue;
    const comma = row.indexOf(',');
    let rank: number;
    let name: string;
    if (comma < 0) {
      rank = ++position;
      name = row;
    } else {
      rank = Number(row.slice(0, comma));
      name = row.slice(comma + 1).trim();
      // A header line, or a row that is not `rank,domain`: skipped.
      if (!Number.isInteger(rank) || rank < 1) continue;
      position = rank;
    }
    if (rank > max) continue;
    name = name.toLowerCase();
    while (name.endsWith('.')) name = name.slice(0, -1);
    if (name !== '') out.add(name);
  }
  return out;
}

/**
 * Reads a top-domains list (see `parseTopDomains`) for the featurizers' `topDomains` option. A file that cannot
 * be read or holds no domain is `SL_LDA_TOP_DOMAINS_UNREADABLE`.
 */
export async function loadTopDomains(path: string, options: TopDomainsOptions = {}): Promise<ReadonlySet<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SightlineError('SL_LDA_TOP_DOMAINS_UNREADABLE', `top-domains list ${path} cannot be read: ${describeCause(e)}`, {
      plugin: PLUGIN,
      cause: e,
      details: { file: path },
    });
  }
  const domains = parseTopDomains(text, options);
  if (domains.size === 0) {
    throw new SightlineError('SL_LDA_TOP_DOMAINS_UNREADABLE', `top-domains list ${path} has no domains in it${options.maxRank === undefined ? '' : ` up to rank ${options.maxRank}`}`, {
      plugin: PLUGIN,
      details: { file: path },
    });
  }
  return domains;
}
