import { type ParsedIndicator, parseIndicator } from './indicator.js';

/** One STIX 2.1 indicator that can be matched against network events. */
export interface StixIndicator {
  readonly indicators: readonly ParsedIndicator[];
  readonly id: string | undefined;
  readonly category: string | undefined;
  readonly benign: boolean;
}

export interface StixResult {
  readonly indicators: StixIndicator[];
  /** Indicator objects left out, by reason (pattern not matchable, revoked, expired…). */
  readonly skipped: Map<string, number>;
  readonly objects: number;
}

const OBJECT_TYPES: Readonly<Record<string, string>> = { 'ipv4-addr': 'ip', 'ipv6-addr': 'ip', 'domain-name': 'domain', url: 'url' };
const UNSUPPORTED = /\b(AND|FOLLOWEDBY|WITHIN|REPEATS|START|STOP|NOT|LIKE|MATCHES|ISSUPERSET|EXISTS)\b|!=|<|>/;

/**
 * Reads a STIX 2.1 (or 2.0) bundle's indicator objects. A pattern is kept when it is one comparison, or
 * comparisons joined by OR, of `ipv4-addr:value`, `ipv6-addr:value`, `domain-name:value` or `url:value` with
 * `=`, `IN (…)` or `ISSUBSET` (a CIDR); anything else (AND, sequences, file hashes, other objects) would match
 * more than the indicator means and is skipped with its reason counted. Revoked and expired indicators are skipped.
 */
export function readStixBundle(json: unknown, now: number): StixResult | string {
  const skipped = new Map<string, number>();
  const skip = (why: string) => skipped.set(why, (skipped.get(why) ?? 0) + 1);
  const objects = Array.isArray(json) ? json : typeof json === 'object' && json !== null && Array.isArray((json as { objects?: unknown }).objects) ? (json as { objects: unknown[] }).objects : undefined;
  if (objects === undefined) return 'not a STIX bundle (no "objects" array)';
  const indicators: StixIndicator[] = [];
  for (const o of objects) {
    if (typeof o !== 'object' || o === null) continue;
    const obj = o as Record<string, unknown>;
    if (obj['type'] !== 'indicator') continue;
    if (obj['revoked'] === true) {
      skip('revoked');
      continue;
    }
    const until = typeof obj['valid_until'] === 'string' ? Date.parse(obj['valid_until']) : NaN;
    if (Number.isFinite(until) && until < now) {
      skip('expired (valid_until in the past)');
      continue;
    }
    const patternType = obj['pattern_type'];
    if (patternType !== undefined && patternType !== 'stix') {
      skip(`pattern_type ${String(patternType)}`);
      continue;
    }
    const pattern = obj['pattern'];
    if (typeof pattern !== 'string') {
      skip('no pattern');
      continue;
    }
    const parsed = readPattern(pattern);
    if (typeof parsed === 'string') {
      skip(parsed);
      continue;
    }
    const types = [...asStrings(obj['indicator_types']), ...asStrings(obj['labels'])];
    indicators.push({
      indicators: parsed,
      id: typeof obj['id'] === 'string' ? obj['id'] : undefined,
      category: types.find((t) => t !== 'malicious-activity') ?? types[0],
      benign: types.includes('benign'),
    });
  }
  return { indicators, skipped, objects: objects.length };
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The matchable indicators of a pattern, or why it has none. */
export function readPattern(pattern: string): ParsedIndicator[] | string {
  // Take the string literals out first, so keywords inside them do not count.
  const literals: string[] = [];
  const shape = pattern.replace(/'((?:[^'\\]|\\.)*)'/g, (_m, s: string) => {
    literals.push(s.replace(/\\(.)/g, '$1'));
    return `'${literals.length - 1}'`;
  });
  if (UNSUPPORTED.test(shape)) return 'pattern uses AND, sequences or operators other than = / IN / ISSUBSET';
  const body = shape.trim();
  if (!body.startsWith('[') || !body.endsWith(']')) return 'pattern is not one observation expression';
  const inner = body.slice(1, -1);
  if (inner.includes('[') || inner.includes(']')) return 'pattern has several observation expressions';
  const out: ParsedIndicator[] = [];
  for (const part of inner.split(/\bOR\b/)) {
    const m = /^\s*([a-z0-9-]+):value\s*(=|ISSUBSET|IN)\s*(.+?)\s*$/.exec(part);
    if (m === null) return `comparison "${part.trim().replace(/'(\d+)'/g, (_x, i: string) => `'${literals[Number(i)]}'`)}" is not on ipv4-addr, ipv6-addr, domain-name or url values`;
    const kind = OBJECT_TYPES[m[1]!];
    if (kind === undefined) return `object type ${m[1]} cannot be matched against network events`;
    const values = [...m[3]!.matchAll(/'(\d+)'/g)].map((x) => literals[Number(x[1])]!);
    if (values.length === 0 || (m[2] !== 'IN' && values.length !== 1)) return `comparison "${part.trim()}" has no single string value`;
    for (const v of values) {
      const ind = parseIndicator(v, kind);
      if (typeof ind === 'string') return ind;
      out.push(ind);
    }
  }
  return out;
}
