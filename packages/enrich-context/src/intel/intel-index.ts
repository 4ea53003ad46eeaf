import { IPV4, IPV6, IpParser } from '../ip/parse-ip.js';
import { type RangeEntry, RangeTable } from '../ip/range-table.js';
import { HostFilter } from './host-filter.js';
import type { IndicatorType, ParsedIndicator } from './indicator.js';

/** Everything known about one indicator entry (a feed may list the same value as another feed). */
export interface IndicatorEntry {
  readonly indicator: string;
  readonly type: IndicatorType;
  readonly source: string;
  readonly severity: number;
  readonly category: string | undefined;
  readonly id: string | undefined;
}

const NO_IDS: readonly number[] = [];

/** Collects indicators from all feeds; `build` turns them into an IntelIndex. */
export class IntelIndexBuilder {
  readonly #ranges: RangeEntry[] = [];
  readonly #names = new Map<string, number | number[]>();
  readonly #urls = new Map<string, number | number[]>();
  readonly #text: string[] = [];
  readonly #type: IndicatorType[] = [];
  readonly #source: number[] = [];
  readonly #severity: number[] = [];
  readonly #category: (string | undefined)[] = [];
  readonly #id: (string | undefined)[] = [];
  readonly #sources: string[] = [];
  readonly #sourceIds = new Map<string, number>();

  get size(): number {
    return this.#text.length;
  }

  add(ind: ParsedIndicator, source: string, severity: number, category: string | undefined, id: string | undefined): void {
    const e = this.#text.length;
    let s = this.#sourceIds.get(source);
    if (s === undefined) {
      s = this.#sources.length;
      this.#sources.push(source);
      this.#sourceIds.set(source, s);
    }
    this.#type.push(ind.type);
    this.#source.push(s);
    this.#severity.push(severity);
    this.#category.push(category);
    this.#id.push(id);
    if ('net' in ind) {
      this.#text.push(ind.text);
      this.#ranges.push({ net: ind.net, id: e });
    } else {
      this.#text.push(ind.key);
      const map = ind.type === 'domain' ? this.#names : this.#urls;
      const prev = map.get(ind.key);
      map.set(ind.key, prev === undefined ? e : Array.isArray(prev) ? [...prev, e] : [prev, e]);
    }
  }

  build(): IntelIndex {
    return new IntelIndex(RangeTable.build(this.#ranges, 'all'), this.#names, this.#urls, {
      text: this.#text,
      type: this.#type,
      source: Uint16Array.from(this.#source),
      severity: Int8Array.from(this.#severity),
      category: this.#category,
      id: this.#id,
      sources: this.#sources,
    });
  }
}

interface Entries {
  readonly text: readonly string[];
  readonly type: readonly IndicatorType[];
  readonly source: Uint16Array;
  readonly severity: Int8Array;
  readonly category: readonly (string | undefined)[];
  readonly id: readonly (string | undefined)[];
  readonly sources: readonly string[];
}

/**
 * Indicators of all feeds, ready for matching: addresses and CIDRs in one range table (every range that holds
 * an address is a hit), domains and URLs in hash maps by their normalised form. Lookups answer entry ids;
 * `entry` turns an id into its facts.
 */
export class IntelIndex {
  readonly #ranges: RangeTable;
  readonly #names: ReadonlyMap<string, number | number[]>;
  readonly #urls: ReadonlyMap<string, number | number[]>;
  readonly #e: Entries;
  readonly #parser = new IpParser();
  readonly #nameFilter: HostFilter;
  readonly #urlHostFilter: HostFilter;

  constructor(ranges: RangeTable, names: ReadonlyMap<string, number | number[]>, urls: ReadonlyMap<string, number | number[]>, entries: Entries) {
    this.#ranges = ranges;
    this.#names = names;
    this.#urls = urls;
    this.#e = entries;
    this.#nameFilter = new HostFilter(names.size);
    for (const name of names.keys()) this.#nameFilter.add(name);
    this.#urlHostFilter = new HostFilter(urls.size);
    for (const url of urls.keys()) this.#urlHostFilter.add(url.slice(0, url.indexOf('/')));
  }

  /** False when neither a name as events carry it nor (with subdomain matching) any domain above it is listed. */
  mayListName(raw: string): boolean {
    return this.#nameFilter.mayListName(raw);
  }

  /** False when no URL indicator has the host of this URL (as events carry it). */
  mayListUrl(raw: string): boolean {
    return this.#urlHostFilter.mayListUrlHost(raw);
  }

  get size(): number {
    return this.#e.text.length;
  }

  get counts(): { ranges: number; domains: number; urls: number } {
    return { ranges: this.#ranges.size, domains: this.#names.size, urls: this.#urls.size };
  }

  /** Entries listing an address (IP indicators and every CIDR around it). */
  matchIp(ip: string): readonly number[] {
    const p = this.#parser;
    const f = p.parse(ip);
    if (f === IPV4) return this.#ranges.ids(this.#ranges.lookup4(p.v4));
    if (f === IPV6) return this.#ranges.ids(this.#ranges.lookup6(p.v6));
    return NO_IDS;
  }

  /** Entries listing an IPv4 address given as a number. */
  matchIp4(v: number): readonly number[] {
    return this.#ranges.ids(this.#ranges.lookup4(v));
  }

  /** Entries listing a host name, or (with `parents`) any domain above it. `name` must be normalised. */
  matchName(name: string, parents: boolean): readonly number[] {
    let out: number[] | undefined;
    let from = 0;
    for (;;) {
      const hit = this.#names.get(from === 0 ? name : name.slice(from));
      if (hit !== undefined) (out ??= []).push(...(Array.isArray(hit) ? hit : [hit]));
      if (!parents) break;
      const dot = name.indexOf('.', from);
      if (dot < 0) break;
      from = dot + 1;
    }
    return out ?? NO_IDS;
  }

  /** Entries listing a URL (normalised), or the same URL without its query. */
  matchUrl(url: string): readonly number[] {
    const hit = this.#urls.get(url);
    if (hit !== undefined) return Array.isArray(hit) ? hit : [hit];
    const q = url.indexOf('?');
    if (q < 0) return NO_IDS;
    const bare = this.#urls.get(url.slice(0, q));
    return bare === undefined ? NO_IDS : Array.isArray(bare) ? bare : [bare];
  }

  entry(id: number): IndicatorEntry {
    const e = this.#e;
    return { indicator: e.text[id]!, type: e.type[id]!, source: e.sources[e.source[id]!]!, severity: e.severity[id]!, category: e.category[id], id: e.id[id] };
  }

  get hasUrls(): boolean {
    return this.#urls.size > 0;
  }

  get hasNames(): boolean {
    return this.#names.size > 0;
  }

  get hasRanges(): boolean {
    return this.#ranges.size > 0;
  }
}
