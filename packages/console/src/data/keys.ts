import type { EventKind } from '@sightline/core';

/** An event as read from a file: a JSON object whose fields are checked where used. */
export type EventRecord = Readonly<Record<string, unknown>>;

export const KINDS: readonly EventKind[] = ['flow', 'dns', 'proxy'];
export const KIND_CODE: Readonly<Record<EventKind, number>> = { flow: 0, dns: 1, proxy: 2 };

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The field that names the client of a DNS event: the asker is the source of a query and the destination of a
 * response (DNS decoders report responses, which carry the answers). Without a message type, the side that is
 * not port 53.
 */
export function dnsClientField(e: EventRecord): 'src_ip' | 'dst_ip' {
  const type = e['dns_message_type'];
  if (type === 'query') return 'src_ip';
  if (type === 'response') return 'dst_ip';
  if (e['dst_port'] === 53 && e['src_port'] !== 53) return 'src_ip';
  return 'dst_ip';
}

/** The field that names whose behaviour an event is (Spot's document): the client. */
export function clientField(kind: EventKind, e: EventRecord): 'src_ip' | 'dst_ip' {
  return kind === 'dns' ? dnsClientField(e) : 'src_ip';
}

/**
 * The endpoints whose surrounding events the details view shows (Spot's edge investigation): flows between the
 * same two addresses in either direction; DNS traffic of the same client; proxy requests of the same client to
 * the same host. Undefined when the event lacks the fields.
 */
export function endpointKey(kind: EventKind, e: EventRecord): string | undefined {
  if (kind === 'flow') {
    const a = str(e['src_ip']);
    const b = str(e['dst_ip']);
    if (a === undefined || b === undefined) return undefined;
    return a < b ? `flow ${a} ${b}` : `flow ${b} ${a}`;
  }
  if (kind === 'dns') {
    const c = str(e[dnsClientField(e)]);
    return c === undefined ? undefined : `dns ${c}`;
  }
  const c = str(e['src_ip']);
  const h = str(e['prx_host']) ?? str(e['dst_ip']);
  return c === undefined || h === undefined ? undefined : `proxy ${c} ${h}`;
}

/** Words for an endpoint key, for the details view. */
export function describeKey(key: string): string {
  const [kind, a, b] = key.split(' ');
  if (kind === 'flow') return `flows between ${a} and ${b}`;
  if (kind === 'dns') return `DNS traffic of client ${a}`;
  return `requests of ${a} to ${b}`;
}

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 132: 'SCTP' };
const QTYPES: Readonly<Record<number, string>> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY' };
const RCODES: Readonly<Record<number, string>> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

/** A DNS record type by name (`AAAA`), or `TYPE<n>`. */
export function qtypeName(t: number): string {
  return QTYPES[t] ?? `TYPE${t}`;
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** An event in a few words: `TCP :4444 5.2 KiB`, `TXT x.example.org NXDOMAIN`, `POST host/path 302`. */
export function describeEvent(kind: EventKind, e: EventRecord): string {
  return describeParts(kind, (f) => {
    const v = e[f];
    return typeof v === 'string' || typeof v === 'number' ? v : undefined;
  });
}

/** describeEvent over a field getter (the alert index keeps fields in columns). */
export function describeParts(kind: EventKind, get: (field: string) => string | number | undefined): string {
  const n = (f: string): number | undefined => {
    const v = get(f);
    return typeof v === 'number' ? v : undefined;
  };
  const s = (f: string): string | undefined => {
    const v = get(f);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (kind === 'flow') {
    const p = n('n_proto');
    const bytes = n('in_bytes');
    return `${p === undefined ? '?' : (PROTOCOLS[p] ?? String(p))} :${n('dst_port') ?? '?'}${bytes === undefined ? '' : ` ${size(bytes)}`}`;
  }
  if (kind === 'dns') {
    const t = n('dns_type');
    const r = n('dns_response_code');
    return `${t === undefined ? '?' : qtypeName(t)} ${s('dns_query') ?? '(no question)'}${r === undefined ? '' : ` ${RCODES[r] ?? `RCODE${r}`}`}`;
  }
  const code = n('prx_code');
  return `${s('prx_method') ?? '?'} ${s('prx_uri') ?? s('prx_host') ?? ''}${code === undefined ? '' : ` ${code}`}`;
}
