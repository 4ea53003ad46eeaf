import type { Logger } from '@sightline/core';
import type { FeedConfig } from '../config.schema.js';
import { parseV4 } from '../ip/parse-ip.js';
import { LookupCache, MISS } from '../lookup-cache.js';
import type { Loaded } from '../reload/reference-data.js';
import { normalizeDomain, normalizeUrl } from './indicator.js';
import { type IntelIndex, IntelIndexBuilder } from './intel-index.js';
import { readFeed } from './feeds.js';

const NONE: readonly number[] = [];

/** The index of one load with caches of answers per address, name and URL. */
export class IntelData {
  readonly index: IntelIndex;
  readonly ipCache: LookupCache<readonly number[]>;
  readonly nameCache: LookupCache<readonly number[]>;
  readonly urlCache: LookupCache<readonly number[]>;
  readonly #parents: boolean;

  constructor(index: IntelIndex, cacheSize: number, parents: boolean) {
    this.index = index;
    this.ipCache = new LookupCache(cacheSize);
    this.nameCache = new LookupCache(cacheSize);
    this.urlCache = new LookupCache(cacheSize);
    this.#parents = parents;
  }

  ip(ip: string): readonly number[] {
    if (!this.index.hasRanges) return NONE;
    // a dotted quad goes straight to the range table (a parse and a short search cost less than hashing the
    // text for a cache); other spellings through the cache
    const v = parseV4(ip, 0, ip.length);
    if (v >= 0) return this.index.matchIp4(v);
    const c = this.ipCache.get(ip);
    if (c !== undefined) return c === MISS ? NONE : c;
    const ids = this.index.matchIp(ip);
    this.ipCache.set(ip, ids.length === 0 ? MISS : ids);
    return ids;
  }

  name(name: string): readonly number[] {
    if (!this.index.hasNames || !this.index.mayListName(name)) return NONE;
    const c = this.nameCache.get(name);
    if (c !== undefined) return c === MISS ? NONE : c;
    const n = normalizeDomain(name);
    const ids = n === undefined ? NONE : this.index.matchName(n, this.#parents);
    this.nameCache.set(name, ids.length === 0 ? MISS : ids);
    return ids;
  }

  url(url: string): readonly number[] {
    if (!this.index.hasUrls || !this.index.mayListUrl(url)) return NONE;
    const c = this.urlCache.get(url);
    if (c !== undefined) return c === MISS ? NONE : c;
    const ids = this.index.matchUrl(normalizeUrl(url));
    this.urlCache.set(url, ids.length === 0 ? MISS : ids);
    return ids;
  }
}

export interface IntelSources {
  readonly feeds: readonly { readonly feed: FeedConfig; readonly path: string }[];
  readonly cacheSize: number;
  readonly matchSubdomains: boolean;
}

export async function loadIntelData(src: IntelSources, logger: Logger): Promise<Loaded<IntelData>> {
  const builder = new IntelIndexBuilder();
  const lines: string[] = [];
  const now = Date.now();
  for (const { feed, path } of src.feeds) lines.push(await readFeed(feed, path, builder, logger, now));
  const index = builder.build();
  const c = index.counts;
  return {
    data: new IntelData(index, src.cacheSize, src.matchSubdomains),
    summary: `${index.size} indicators (${c.ranges} addresses and CIDRs, ${c.domains} domains, ${c.urls} URLs) from ${src.feeds.length} feeds${lines.length > 0 ? `: ${lines.join('; ')}` : ''}`,
  };
}
