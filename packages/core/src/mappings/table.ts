/**
 * Data-driven field tables: the shape shared by the ECS, CIM and OCSF mappings. A table is a list of rules, one
 * per target field: which open-data-model fields it reads and how it computes the value. Tables are compiled
 * once into a function that builds the target document (nested objects for dotted names, or flat), so the hot
 * path is a loop over precomputed paths with no per-call parsing.
 */
import type { OdmEvent } from '../model/event.js';

/** Elasticsearch field types the ECS table uses (for index templates). */
export type EsFieldType = 'keyword' | 'ip' | 'long' | 'float' | 'double' | 'date' | 'boolean' | 'geo_point' | 'object' | 'nested' | 'flattened' | 'text';

export interface FieldRule<E = OdmEvent> {
  /** Target field: dotted (`source.ip`) for nested formats, a plain name for flat ones. */
  readonly field: string;
  /** Open-data-model fields the value is computed from (empty for constants). */
  readonly from: readonly string[];
  /** Fields read only when the main ones are absent: still carried as pass-through fields, so nothing is lost. */
  readonly fallback?: readonly string[];
  /** The value, or `undefined` to leave the field out. */
  readonly get: (event: E) => unknown;
  /** Elasticsearch type of the target (ECS tables only). */
  readonly type?: EsFieldType;
  /** Types of the sub-fields of an `object`/`nested` target, dotted relative to it (ECS tables only). */
  readonly properties?: Readonly<Record<string, EsFieldType>>;
}

/** Rules with later ones replacing earlier ones for the same target field (kind rules over common rules). */
export function mergeRules<E>(...lists: readonly (readonly FieldRule<E>[])[]): readonly FieldRule<E>[] {
  const byField = new Map<string, FieldRule<E>>();
  for (const list of lists) for (const r of list) byField.set(r.field, r);
  return [...byField.values()];
}

export interface CompileOptions {
  /** Build nested objects from dotted names (ECS, OCSF) or keep names flat (CIM). */
  readonly nested: boolean;
  /**
   * Carry every event field no rule reads into the document under this path (`sightline` → `sightline.flow_dir`,
   * '' → the field's own name at the top level), so nothing the event had is lost. Absent: drop them.
   */
  readonly passthrough?: string;
}

export type DocumentBuilder<E> = (event: E) => Record<string, unknown>;

/** Every ODM field the rules read. */
export function consumedFields<E>(rules: readonly FieldRule<E>[]): ReadonlySet<string> {
  return new Set(rules.flatMap((r) => r.from));
}

function setPath(doc: Record<string, unknown>, parts: readonly string[], value: unknown): void {
  let o = doc;
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) {
    const k = parts[i]!;
    let next = o[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) o[k] = next = {};
    o = next as Record<string, unknown>;
  }
  o[parts[last]!] = value;
}

/** Compiles a table into a document builder (call once, use per event). */
export function compileRules<E extends object>(rules: readonly FieldRule<E>[], options: CompileOptions): DocumentBuilder<E> {
  const gets = rules.map((r) => r.get);
  const paths = rules.map((r) => (options.nested ? r.field.split('.') : [r.field]));
  const n = rules.length;
  const consumed = consumedFields(rules);
  const pass = options.passthrough;
  const passParts = pass === undefined || pass === '' ? [] : pass.split('.');
  return (event: E): Record<string, unknown> => {
    const doc: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const v = gets[i]!(event);
      if (v === undefined || v === null) continue;
      setPath(doc, paths[i]!, v);
    }
    if (pass !== undefined) {
      let target = doc;
      let made = false;
      for (const k in event) {
        if (consumed.has(k)) continue;
        const v = (event as Record<string, unknown>)[k];
        if (v === undefined) continue;
        if (passParts.length === 0 && k in doc) continue; // flat: a mapped field of the same name wins
        if (!made && passParts.length > 0) {
          const t: Record<string, unknown> = {};
          setPath(doc, passParts, t);
          target = t;
          made = true;
        }
        target[k] = v;
      }
    }
    return doc;
  };
}

// --- small value helpers shared by the tables ----------------------------------------------------------------

/** ISO-8601 UTC time from epoch ms. */
export const isoTime = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** `ipv4` / `ipv6` from an address string. */
export const ipVersion = (ip: string | undefined): 'ipv4' | 'ipv6' | undefined => (ip === undefined ? undefined : ip.includes(':') ? 'ipv6' : 'ipv4');

/** IANA protocol keywords (lower case, as ECS `network.transport` and CIM `transport` use them). */
const IANA_KEYWORDS: Readonly<Record<number, string>> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipv4',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'ipv6-icmp',
  89: 'ospf',
  103: 'pim',
  112: 'vrrp',
  132: 'sctp',
};

export const ianaKeyword = (proto: number | undefined): string | undefined => (proto === undefined ? undefined : (IANA_KEYWORDS[proto] ?? String(proto)));

/** Sum of the defined values, or undefined when none is. */
export function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : a + b;
}

/** Distinct defined values, or undefined when there are none. */
export function distinct<T>(values: readonly (T | undefined)[]): T[] | undefined {
  const out: T[] = [];
  for (const v of values) if (v !== undefined && !out.includes(v)) out.push(v);
  return out.length === 0 ? undefined : out;
}

const RR_TYPES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 24: 'SIG', 25: 'KEY',
  28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 39: 'DNAME', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP',
  45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA',
  55: 'HIP', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF',
  108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 255: 'ANY', 256: 'URI', 257: 'CAA',
};

/** DNS RR type mnemonic (`A`, `AAAA`), or `TYPE<n>` (RFC 3597) when it has none. */
export const dnsTypeName = (t: number | undefined): string | undefined => (t === undefined ? undefined : (RR_TYPES[t] ?? `TYPE${t}`));

const CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };
/** DNS class mnemonic (`IN`), or `CLASS<n>`. */
export const dnsClassName = (c: number | undefined): string | undefined => (c === undefined ? undefined : (CLASSES[c] ?? `CLASS${c}`));

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE', 'DSOTYPENI'];
const EXT_RCODES: Readonly<Record<number, string>> = { 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE' };
/** DNS response code mnemonic as ECS writes it (`NOERROR`, `NXDOMAIN`), or `RCODE<n>`. */
export const dnsRcodeName = (r: number | undefined): string | undefined => (r === undefined ? undefined : (RCODES[r] ?? EXT_RCODES[r] ?? `RCODE${r}`));

const OPCODES: Readonly<Record<number, string>> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE', 6: 'DSO' };
/** DNS opcode mnemonic (`QUERY`), or `OPCODE<n>`. */
export const dnsOpcodeName = (o: number | undefined): string | undefined => (o === undefined ? undefined : (OPCODES[o] ?? `OPCODE${o}`));

/** Addresses in the answers of a DNS event (A and AAAA data). */
export function resolvedIps(records: readonly { type: number; data?: string }[] | undefined): string[] | undefined {
  if (records === undefined) return undefined;
  const out: string[] = [];
  for (const r of records) if ((r.type === 1 || r.type === 28) && r.data !== undefined && !out.includes(r.data)) out.push(r.data);
  return out.length === 0 ? undefined : out;
}

/** A full URL from the proxy fields, when scheme and host are known (`http://host:8080/path?q`). */
export function proxyUrl(e: { prx_scheme?: string; prx_host?: string; prx_path?: string; prx_query?: string; dst_port?: number }): string | undefined {
  if (e.prx_scheme === undefined || e.prx_host === undefined) return undefined;
  const scheme = e.prx_scheme.toLowerCase();
  const defaultPort = scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined;
  const port = e.dst_port !== undefined && e.dst_port !== defaultPort ? `:${e.dst_port}` : '';
  const query = e.prx_query === undefined || e.prx_query === '' ? '' : `?${e.prx_query}`;
  return `${scheme}://${e.prx_host}${port}${e.prx_path ?? '/'}${query}`;
}

/** Whether a proxy verdict says the request was blocked. */
export const proxyDenied = (e: { prx_filter_result?: string; prx_action?: string }): boolean =>
  /DENIED|BLOCKED/i.test(e.prx_filter_result ?? '') || /DENIED/i.test(e.prx_action ?? '');

export const SEVERITY_NUMBER: Readonly<Record<string, number>> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
