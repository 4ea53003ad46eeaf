import { parse } from 'tldts';

/** A DNS name split at its registrable domain (public suffix list, ICANN section). */
export interface NameParts {
  /** `example.co.uk`; undefined for single labels, IP literals and bare suffixes. */
  readonly registrable: string | undefined;
  /** The registrable domain's own label without the suffix (`example`). */
  readonly label: string;
  /** Public suffix (`co.uk`). */
  readonly suffix: string;
  /** Labels left of the registrable domain (`a.b` of `a.b.example.co.uk`), '' when none. */
  readonly subdomain: string;
}

const NONE: NameParts = { registrable: undefined, label: '', suffix: '', subdomain: '' };

/**
 * Splits names with `tldts` (the Public Suffix List, ICANN section only, so that `d1234.cloudfront.net` belongs
 * to `cloudfront.net`), remembering recent answers: DNS names repeat a lot, and a bounded cache keeps the cost
 * per event at a map lookup.
 */
export class DomainSplitter {
  readonly #cache = new Map<string, NameParts>();
  readonly #cap: number;

  constructor(cap = 65536) {
    this.#cap = cap;
  }

  split(name: string): NameParts {
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    const lower = name.endsWith('.') ? name.slice(0, -1).toLowerCase() : name.toLowerCase();
    const p = parse(lower, { extractHostname: false, allowPrivateDomains: false });
    const parts: NameParts =
      p.isIp === true || p.domain === null || p.domain === '' || !lower.includes('.')
        ? NONE
        : { registrable: p.domain, label: p.domainWithoutSuffix ?? '', suffix: p.publicSuffix ?? '', subdomain: p.subdomain ?? '' };
    if (this.#cache.size >= this.#cap) this.#cache.clear();
    this.#cache.set(name, parts);
    return parts;
  }
}

const counts = new Int32Array(65536);

/** Shannon entropy in bits of the characters of `s` (0 for ''). No allocation. */
export function entropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) counts[s.charCodeAt(i)]!++;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = counts[c]!;
    if (k > 0) {
      const p = k / n;
      h -= p * Math.log2(p);
      counts[c] = 0;
    }
  }
  return h;
}

/** Length of the longest dot-separated label of a name. */
export function longestLabel(name: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) === 46) {
      if (run > best) best = run;
      run = 0;
    } else run++;
  }
  return run > best ? run : best;
}

/** Reads a Tranco/Umbrella style `rank,domain` CSV (a header line and blank lines are skipped). */
export function parseTopDomains(text: string, maxRank: number): { domains: string[]; bad: number } {
  const domains: string[] = [];
  let bad = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    const rankText = comma < 0 ? '' : line.slice(0, comma).trim();
    const domain = (comma < 0 ? line : line.slice(comma + 1)).trim().toLowerCase();
    const rank = rankText === '' ? domains.length + 1 : Number(rankText);
    if (!Number.isFinite(rank) || domain === '' || !/^[a-z0-9.-]+$/.test(domain)) {
      if (domains.length > 0 || !/rank|domain/i.test(line)) bad++;
      continue;
    }
    if (rank > maxRank) continue;
    domains.push(domain);
  }
  return { domains, bad };
}

/** The longest dot-separated label of a name. */
export function longestLabelOf(name: string): string {
  let best = '';
  for (const l of name.split('.')) if (l.length > best.length) best = l;
  return best;
}
