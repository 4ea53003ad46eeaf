import { parse } from 'tldts';
import { SPOT_NONE, newNameScan, scanSpotName } from './spot-domains.js';

/**
 * The domain part of a DNS or proxy word, reused between calls: top-domain class, number of labels of the whole
 * name, and the subdomain as a range `[0, subLength)` of `sub` (no slicing for Spot's own split).
 */
export interface DomainFeatures {
  /** 2 own domain, 1 in the top-domains list, 0 otherwise (Spot's `topDomain`). */
  topClass: number;
  /** Spot's `numPeriods`: '.'-separated parts of the whole name. */
  labels: number;
  sub: string;
  subLength: number;
}

/** How a name is classified: the domain split, the own domain and the top-domains list. */
export interface DomainClassifierOptions {
  /** Entries as listed (`google.com`, `bbc.co.uk`); reduced per mode, see `createDomainClassifier`. */
  readonly topDomains?: ReadonlySet<string> | undefined;
  /** The site's own domain; "" for none. */
  readonly ownDomain: string;
  readonly publicSuffix: boolean;
}

/** Classifies names into `DomainFeatures`; `classify` returns the same record each call. */
export interface DomainClassifier {
  classify(name: string): DomainFeatures;
  /** The domain `classify` compared (Spot's label, or the registrable domain's label with the public suffix list). */
  domainOf(name: string): string;
}

const EMPTY: ReadonlySet<string> = new Set();
const labelSets = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
const registrableSets = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/**
 * Spot's reduction of the top-1M list (`TopDomains.scala`): every entry to its first label, `google.com` →
 * `google`, so that membership is tested on the single label Spot's split yields. Computed once per list.
 */
export function topDomainLabels(list: ReadonlySet<string>): ReadonlySet<string> {
  let set = labelSets.get(list);
  if (set === undefined) {
    const labels = new Set<string>();
    for (const entry of list) {
      const dot = entry.indexOf('.');
      labels.add(dot < 0 ? entry : entry.slice(0, dot));
    }
    set = labels;
    labelSets.set(list, set);
  }
  return set;
}

/** The registrable domains (public suffix list) of the entries of a top-domains list. Computed once per list. */
export function topRegistrableDomains(list: ReadonlySet<string>): ReadonlySet<string> {
  let set = registrableSets.get(list);
  if (set === undefined) {
    const domains = new Set<string>();
    for (const entry of list) {
      const lower = entry.toLowerCase();
      domains.add(parse(lower, { extractHostname: false, allowPrivateDomains: false }).domain ?? lower);
    }
    set = domains;
    registrableSets.set(list, set);
  }
  return set;
}

interface PslParts {
  readonly label: string;
  readonly registrable: string;
  readonly subdomain: string;
}

const NO_PARTS: PslParts = { label: SPOT_NONE, registrable: '', subdomain: '' };
const CACHE_CAP = 65536;

/**
 * A classifier for one featurizer. Spot's mode splits with Spot's TLD lists and tests membership of the
 * domain label in the list's first labels; the public-suffix mode splits with `tldts` (ICANN section, names
 * lower-cased) and tests the registrable domain (`bbc.co.uk`) against the list's registrable domains, and
 * takes an own domain given with a dot as a registrable domain, one without as its label.
 */
export function createDomainClassifier(options: DomainClassifierOptions): DomainClassifier {
  const out: DomainFeatures = { topClass: 0, labels: 0, sub: '', subLength: 0 };
  const own = options.ownDomain;
  const list = options.topDomains ?? EMPTY;
  if (!options.publicSuffix) {
    const top = topDomainLabels(list);
    const scan = newNameScan();
    return {
      classify(name) {
        scanSpotName(name, scan);
        const domain = scan.domain;
        out.topClass = own !== '' && domain === own ? 2 : top.has(domain) ? 1 : 0;
        out.labels = scan.labels;
        out.sub = name;
        // Spot tests the subdomain string against "None", so a literal subdomain "None" counts as none.
        out.subLength = scan.subEnd < 0 || (scan.subEnd === 4 && name.startsWith(SPOT_NONE)) ? 0 : scan.subEnd;
        return out;
      },
      domainOf: (name) => scanSpotName(name, newNameScan()).domain,
    };
  }
  const top = topRegistrableDomains(list);
  // Names are lower-cased in this mode, so the own domain is too.
  const ownLower = own.toLowerCase();
  const ownIsRegistrable = own.includes('.');
  const cache = new Map<string, PslParts>();
  const split = (name: string): PslParts => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const parts = splitPsl(name);
    if (cache.size >= CACHE_CAP) cache.clear();
    cache.set(name, parts);
    return parts;
  };
  const scan = newNameScan();
  return {
    classify(name) {
      const parts = split(name);
      out.topClass =
        ownLower !== '' && parts !== NO_PARTS && (ownIsRegistrable ? parts.registrable === ownLower : parts.label === ownLower) ? 2 : top.has(parts.registrable) ? 1 : 0;
      out.labels = scanSpotName(name, scan).labels;
      out.sub = parts.subdomain;
      out.subLength = parts.subdomain.length;
      return out;
    },
    domainOf: (name) => split(name).label,
  };
}

function splitPsl(name: string): PslParts {
  let lower = name.toLowerCase();
  while (lower.endsWith('.')) lower = lower.slice(0, -1);
  if (!lower.includes('.') || lower.endsWith('.arpa')) return NO_PARTS;
  const p = parse(lower, { extractHostname: false, allowPrivateDomains: false });
  if (p.isIp === true || p.domain === null || p.domain === '' || p.domainWithoutSuffix === null) return NO_PARTS;
  return { label: p.domainWithoutSuffix, registrable: p.domain, subdomain: p.subdomain ?? '' };
}
