/**
 * A one-hash Bloom filter over host names, asked before the indicator maps so that the common case, a name
 * or URL no feed lists, costs one pass over its characters and one bit test: no normalised copy, no string
 * hashing, no map or cache lookup. It can say "maybe" for a name that is not listed (then the exact path
 * decides), never "no" for one that is. Anything it cannot read as plain ASCII (spaces to trim, non-ASCII
 * letters whose lower case is not one character) is a "maybe" too, so the exact path keeps every rule.
 */
export class HostFilter {
  readonly #bits: Uint32Array;
  readonly #mask: number;

  /** `keys`: how many names will be added (32 bits each, between 64 Ki and 256 Mi bits). */
  constructor(keys: number) {
    const bits = 2 ** Math.min(28, Math.max(16, Math.ceil(Math.log2(Math.max(1, keys) * 32))));
    this.#bits = new Uint32Array(bits >>> 5);
    this.#mask = bits - 1;
  }

  /** Adds a normalised (lower-case, no trailing dot) name. */
  add(name: string): void {
    let h = SEED;
    for (let i = name.length - 1; i >= 0; i--) h = Math.imul(h ^ name.charCodeAt(i), PRIME);
    const b = h & this.#mask;
    this.#bits[b >>> 5]! |= 1 << (b & 31);
  }

  #has(h: number): boolean {
    const b = h & this.#mask;
    return (this.#bits[b >>> 5]! & (1 << (b & 31))) !== 0;
  }

  /**
   * Whether `raw` (a name as events carry it) or, with `parents`, a domain above it may be listed: the
   * hashes of the name and of every suffix starting after a dot, read right to left in one pass, with the
   * normalisation `normalizeDomain` applies (lower case, one trailing dot dropped; a leading `*.` is covered
   * as the suffix after it).
   */
  mayListName(raw: string): boolean {
    let end = raw.length;
    if (end === 0) return false;
    if (raw.charCodeAt(end - 1) === 46) end--;
    let h = SEED;
    for (let i = end - 1; i >= 0; i--) {
      let c = raw.charCodeAt(i);
      if (c <= 32 || c >= 127) return true;
      if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, PRIME);
      if ((i === 0 || raw.charCodeAt(i - 1) === 46) && this.#has(h)) return true;
    }
    return false;
  }

  /**
   * Whether a URL's host may be one a URL indicator has: the host `normalizeUrl` would keep (after any
   * scheme and user info, before the path, query or fragment, lower case, without a default port or a
   * trailing dot), hashed in place.
   */
  mayListUrlHost(url: string): boolean {
    const n = url.length;
    if (n === 0) return false;
    if (url.charCodeAt(0) <= 32 || url.charCodeAt(n - 1) <= 32) return true; // trim: leave it to the exact path
    let start = schemeEnd(url);
    let end = start;
    for (; end < n; end++) {
      const c = url.charCodeAt(end);
      if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
      if (c === 64 /* @ */) start = end + 1;
      else if (c >= 127) return true;
    }
    // a default port, then one trailing dot, as normalizeUrl drops them (in that order)
    if (end - start >= 3 && endsWithAt(url, end, ':80')) end -= 3;
    else if (end - start >= 4 && endsWithAt(url, end, ':443')) end -= 4;
    if (end > start && url.charCodeAt(end - 1) === 46) end--;
    let h = SEED;
    for (let i = end - 1; i >= start; i--) {
      let c = url.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, PRIME);
    }
    return this.#has(h);
  }
}

const SEED = 0x811c9dc5 | 0;
const PRIME = 0x01000193;

/** Length of a leading `scheme://` (as /^[a-z][a-z0-9+.-]*:\/\//i), or 0. */
function schemeEnd(s: string): number {
  const c0 = s.charCodeAt(0) | 32;
  if (c0 < 97 || c0 > 122) return 0;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const l = c | 32;
    if ((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45) continue;
    return c === 58 && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i + 2) === 47 ? i + 3 : 0;
  }
  return 0;
}

function endsWithAt(s: string, end: number, tail: string): boolean {
  if (end < tail.length) return false;
  for (let k = 0; k < tail.length; k++) if (s.charCodeAt(end - tail.length + k) !== tail.charCodeAt(k)) return false;
  return true;
}
