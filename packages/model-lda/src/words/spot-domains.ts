/**
 * Spot's domain processor (`spot-ml/.../utilities/DomainProcessor.scala`; apache-spot.md §1.6): a name is split on
 * '.', a trailing country code and then a trailing generic TLD from {com, org, net, int, edu, gov, mil} are
 * dropped, the last label left is the domain and the labels before it the subdomain. Names under
 * `in-addr.arpa`, names of one label and names whose last label is in neither list have domain and subdomain
 * "None". Case-sensitive and without the public suffix list, as Spot was (`www.google.co.uk` → domain `co`).
 *
 * The scan works on character positions: no split array, one substring (the domain) per name.
 */

/** Spot's ccTLD list (`CountryCodes`), as two-letter codes plus `krd`. */
export const SPOT_COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br bs bt bv bw by bz ' +
    'ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo ' +
    'fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm ' +
    'jo jp ke kg kh ki km kn kp kr krd kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq ' +
    'mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ' +
    'ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tp ' +
    'tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw'
  ).split(' '),
);
// Spot's set also holds "" — unreachable, because Java's split drops trailing empty labels.

/** Spot's generic TLDs (`TopLevelDomainNames`). */
export const SPOT_GENERIC_TLDS: ReadonlySet<string> = new Set(['com', 'org', 'net', 'int', 'edu', 'gov', 'mil']);

/** Spot's marker for "no domain" / "no subdomain". */
export const SPOT_NONE = 'None';

/** Two-letter country codes as a table indexed by `c0 * 128 + c1` (ASCII only). */
const CC2 = new Uint8Array(128 * 128);
for (const cc of SPOT_COUNTRY_CODES) if (cc.length === 2) CC2[cc.charCodeAt(0) * 128 + cc.charCodeAt(1)] = 1;

function isCountryCode(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n === 2) {
    const a = s.charCodeAt(from);
    const b = s.charCodeAt(from + 1);
    return a < 128 && b < 128 && CC2[a * 128 + b] === 1;
  }
  return n === 3 && s.charCodeAt(from) === 107 /* k */ && s.charCodeAt(from + 1) === 114 /* r */ && s.charCodeAt(from + 2) === 100; /* d */
}

function is3(s: string, from: number, a: number, b: number, c: number): boolean {
  return s.charCodeAt(from) === a && s.charCodeAt(from + 1) === b && s.charCodeAt(from + 2) === c;
}

function isGenericTld(s: string, from: number, to: number): boolean {
  if (to - from !== 3) return false;
  switch (s.charCodeAt(from)) {
    case 99: // com
      return is3(s, from, 99, 111, 109);
    case 111: // org
      return is3(s, from, 111, 114, 103);
    case 110: // net
      return is3(s, from, 110, 101, 116);
    case 105: // int
      return is3(s, from, 105, 110, 116);
    case 101: // edu
      return is3(s, from, 101, 100, 117);
    case 103: // gov
      return is3(s, from, 103, 111, 118);
    case 109: // mil
      return is3(s, from, 109, 105, 108);
    default:
      return false;
  }
}

function equalsAt(s: string, from: number, to: number, word: string): boolean {
  return to - from === word.length && s.startsWith(word, from);
}

/**
 * Where Spot's split of a name falls, reused between calls (hot path: no allocation but the domain string).
 * `subEnd` is the end of the subdomain (`name.slice(0, subEnd)`), -1 when there is none.
 */
export interface SpotNameScan {
  /** Number of '.'-separated parts of the whole name as Java's `split('.')` counts them (Spot's `numPeriods`). */
  labels: number;
  /** The domain label, or "None". */
  domain: string;
  subEnd: number;
}

/** A fresh scan record for `scanSpotName`. */
export function newNameScan(): SpotNameScan {
  return { labels: 0, domain: SPOT_NONE, subEnd: -1 };
}

/** The last '.' before position `end`, -1 when none (`lastIndexOf` clamps a negative start to 0). */
function dotBefore(s: string, end: number): number {
  return end > 0 ? s.lastIndexOf('.', end - 1) : -1;
}

/** Splits `name` as Spot's `extractDomainSubdomain` does, into `out`. */
export function scanSpotName(name: string, out: SpotNameScan): SpotNameScan {
  out.domain = SPOT_NONE;
  out.subEnd = -1;
  // Java's split drops trailing empty strings, and "" splits into one empty part.
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 46) end--;
  if (name.length === 0) {
    out.labels = 1;
    return out;
  }
  if (end === 0) {
    out.labels = 0;
    return out;
  }
  let labels = 1;
  for (let i = name.indexOf('.'); i >= 0 && i < end; i = name.indexOf('.', i + 1)) labels++;
  out.labels = labels;
  if (labels < 2) return out;
  const lastDot = name.lastIndexOf('.', end - 1);
  const lastStart = lastDot + 1;
  if (labels > 2 && equalsAt(name, lastStart, end, 'arpa')) {
    const prevDot = name.lastIndexOf('.', lastDot - 1);
    if (equalsAt(name, prevDot + 1, lastDot, 'in-addr')) return out;
  }
  const cc = isCountryCode(name, lastStart, end);
  if (!cc && !isGenericTld(name, lastStart, end)) return out;
  // Remaining parts: [0, restEnd) with `rest` labels.
  let rest = labels;
  let restEnd = end;
  let dot = lastDot;
  if (cc) {
    rest--;
    restEnd = dot;
    dot = dotBefore(name, restEnd);
  }
  if (isGenericTld(name, dot + 1, restEnd)) {
    rest--;
    restEnd = dot;
    dot = dotBefore(name, restEnd);
  }
  if (rest > 0) {
    out.domain = name.slice(dot + 1, restEnd);
    if (rest > 1) out.subEnd = dot;
  }
  return out;
}

/** Spot's `extractDomainSubdomain`: `[domain, subdomain]`, "None" for either when absent. */
export function spotDomainSubdomain(name: string): [domain: string, subdomain: string] {
  const scan = scanSpotName(name, newNameScan());
  return [scan.domain, scan.subEnd < 0 ? SPOT_NONE : name.slice(0, scan.subEnd)];
}

/** Spot's `extractDomain`. */
export function spotDomain(name: string): string {
  return scanSpotName(name, newNameScan()).domain;
}
