/**
 * Apache Spot's column sets, as views of open-data-model events, for users migrating from Spot
 * (../shared/reference/apache-spot.md §1.9 result files, §3.2-3.4 ingest tables). A table per kind: column
 * name and how to compute it from an event. Missing values render as empty cells.
 */
import type { DnsEvent, EventKind, FlowEvent, OdmEvent, ProxyEvent } from '../model/event.js';

export type CellValue = string | number | boolean | undefined;

export interface Column<E = OdmEvent> {
  readonly name: string;
  readonly get: (event: E) => CellValue;
}

const PROTOCOLS: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMP6',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

/** nfdump's protocol name (`TCP`, `UDP`, `ICMP6`…), or the number when nfdump has no name for it. */
export function protocolName(proto: number | undefined): string | undefined {
  if (proto === undefined) return undefined;
  return PROTOCOLS[proto] ?? String(proto);
}

/** Inverse of `protocolName` (case-insensitive); numbers pass through. */
export function protocolNumber(name: string): number | undefined {
  const n = Number(name);
  if (Number.isInteger(n) && n >= 0 && n <= 255 && name.trim() !== '') return n;
  const upper = name.trim().toUpperCase();
  for (const [num, nm] of Object.entries(PROTOCOLS)) if (nm.toUpperCase() === upper) return Number(num);
  return upper === 'ICMPV6' ? 58 : undefined;
}

/** TCP flags as nfdump prints them: `UAPRSF` positions, `.` where unset (nfdump 1.7 adds `CE` in front with width 8). */
export function tcpFlagsString(flags: number | undefined, width: 6 | 8 = 6): string | undefined {
  if (flags === undefined) return undefined;
  const letters = width === 8 ? 'CEUAPRSF' : 'UAPRSF';
  let s = '';
  for (let i = 0; i < letters.length; i++) {
    const bit = letters.length - 1 - i;
    s += (flags >> bit) & 1 ? letters[i] : '.';
  }
  return s;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2016-07-08 12:00:00` (UTC), as nfdump's `tr` column. */
export function nfdumpTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `Jul  8 2016 12:00:00.123000000 UTC`, as Spot's Hive `frame_time` (tshark's frame.time without its comma). */
export function spotFrameTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  const frac = `${pad(d.getUTCMilliseconds(), 3)}000000`;
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac} UTC`;
}

const utc = (ms: number, part: 'Y' | 'M' | 'D' | 'h' | 'm' | 's'): number => {
  const d = new Date(ms);
  switch (part) {
    case 'Y':
      return d.getUTCFullYear();
    case 'M':
      return d.getUTCMonth() + 1;
    case 'D':
      return d.getUTCDate();
    case 'h':
      return d.getUTCHours();
    case 'm':
      return d.getUTCMinutes();
    default:
      return d.getUTCSeconds();
  }
};

const seconds = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : (ms / 1000).toFixed(3));
const score = (e: OdmEvent): CellValue => e.score_value;

/**
 * First resource record of a response, what tshark's `dns.resp.*` with `occurrence=f` gave Spot: answers, then
 * authorities, then additionals, and failing those the OPT pseudo-record (tshark lists it too: name `<Root>`,
 * type 41, no class).
 */
function firstRecord(e: DnsEvent): { name: string; type: number; class?: number; data?: string } | undefined {
  return e.dns_answers?.[0] ?? e.dns_authorities?.[0] ?? e.dns_additionals?.[0] ?? (e.dns_edns_version === undefined ? undefined : OPT_RECORD);
}

const OPT_RECORD = { name: '.', type: 41 } as const;

/** tshark's `dns.a` with `occurrence=f`: the first A record in any section. */
function firstA(e: DnsEvent): string | undefined {
  for (const section of [e.dns_answers, e.dns_authorities, e.dns_additionals]) {
    const a = section?.find((r) => r.type === 1);
    if (a !== undefined) return a.data;
  }
  return undefined;
}

/** Names as tshark prints them: the root as `<Root>`. */
const spotName = (name: string | undefined): string | undefined => (name === '.' ? '<Root>' : name);

/** The first record's name, type and class, or the question's when the message has no records (queries). */
const firstName = (e: DnsEvent): string | undefined => spotName(firstRecord(e)?.name ?? e.dns_query);
const firstType = (e: DnsEvent): number | undefined => {
  const r = firstRecord(e);
  return r === undefined ? e.dns_type : r.type;
};
const firstClass = (e: DnsEvent): string | undefined => {
  const r = firstRecord(e);
  // OPT's "class" is its UDP payload size: tshark shows no class for it.
  return hexClass(r === undefined ? e.dns_class : r.type === 41 ? undefined : r.class);
};

/** tshark's `dns.flags.rcode`: the header's 4 bits (the EDNS extended bits are not part of it), for responses only. */
const headerRcode = (e: DnsEvent): number | undefined => (e.dns_response_code === undefined || e.dns_message_type === 'query' ? undefined : e.dns_response_code & 15);

const hexClass = (c: number | undefined): string | undefined => (c === undefined ? undefined : `0x${c.toString(16).padStart(8, '0')}`);

/** Spot's `flow_results.csv` columns (apache-spot.md §1.9). */
export const SPOT_FLOW_RESULT_COLUMNS: readonly Column<FlowEvent>[] = [
  { name: 'treceived', get: (e) => nfdumpTime(e.event_time) },
  { name: 'tryear', get: (e) => utc(e.event_time, 'Y') },
  { name: 'trmonth', get: (e) => utc(e.event_time, 'M') },
  { name: 'trday', get: (e) => utc(e.event_time, 'D') },
  { name: 'trhour', get: (e) => utc(e.event_time, 'h') },
  { name: 'trminute', get: (e) => utc(e.event_time, 'm') },
  { name: 'trsec', get: (e) => utc(e.event_time, 's') },
  { name: 'tdur', get: (e) => seconds(e.duration) },
  { name: 'sip', get: (e) => e.src_ip },
  { name: 'dip', get: (e) => e.dst_ip },
  { name: 'sport', get: (e) => e.src_port },
  { name: 'dport', get: (e) => e.dst_port },
  { name: 'proto', get: (e) => protocolName(e.n_proto) },
  { name: 'ipkt', get: (e) => e.flow_in_packets },
  { name: 'ibyt', get: (e) => e.in_bytes },
  { name: 'opkt', get: (e) => e.flow_out_packets },
  { name: 'obyt', get: (e) => e.out_bytes },
  { name: 'score', get: score },
];

/** Spot's nfdump CSV / Hive `flow` table columns (apache-spot.md §3.2), 27 columns. */
export const SPOT_FLOW_INGEST_COLUMNS: readonly Column<FlowEvent>[] = [
  ...SPOT_FLOW_RESULT_COLUMNS.slice(0, 12),
  { name: 'proto', get: (e) => protocolName(e.n_proto) },
  { name: 'flag', get: (e) => tcpFlagsString(e.net_flags) },
  { name: 'fwd', get: (e) => e.flow_fwd_status },
  { name: 'stos', get: (e) => e.src_tos },
  { name: 'ipkt', get: (e) => e.flow_in_packets },
  { name: 'ibyt', get: (e) => e.in_bytes },
  { name: 'opkt', get: (e) => e.flow_out_packets },
  { name: 'obyt', get: (e) => e.out_bytes },
  { name: 'input', get: (e) => e.flow_input },
  { name: 'output', get: (e) => e.flow_output },
  { name: 'sas', get: (e) => e.src_asn },
  { name: 'das', get: (e) => e.dst_asn },
  { name: 'dtos', get: (e) => e.dst_tos },
  { name: 'dir', get: (e) => e.flow_dir },
  { name: 'rip', get: (e) => e.dvc_ip },
];

/** Spot's `dns_results.csv` columns. The document is the client, which in a response is the destination. */
export const SPOT_DNS_RESULT_COLUMNS: readonly Column<DnsEvent>[] = [
  { name: 'frame_time', get: (e) => spotFrameTime(e.event_time) },
  { name: 'unix_tstamp', get: (e) => Math.floor(e.event_time / 1000) },
  { name: 'frame_len', get: (e) => e.dns_len },
  { name: 'ip_dst', get: (e) => dnsClient(e) },
  { name: 'dns_qry_name', get: firstName },
  { name: 'dns_qry_class', get: firstClass },
  { name: 'dns_qry_type', get: firstType },
  { name: 'dns_qry_rcode', get: headerRcode },
  { name: 'score', get: score },
];

/** Spot's Hive `dns` table columns (tshark fields, apache-spot.md §3.3). */
export const SPOT_DNS_INGEST_COLUMNS: readonly Column<DnsEvent>[] = [
  { name: 'frame_time', get: (e) => spotFrameTime(e.event_time) },
  { name: 'unix_tstamp', get: (e) => Math.floor(e.event_time / 1000) },
  { name: 'frame_len', get: (e) => e.dns_len },
  { name: 'ip_dst', get: (e) => e.dst_ip },
  { name: 'ip_src', get: (e) => e.src_ip },
  { name: 'dns_qry_name', get: firstName },
  { name: 'dns_qry_class', get: firstClass },
  { name: 'dns_qry_type', get: firstType },
  { name: 'dns_qry_rcode', get: headerRcode },
  { name: 'dns_a', get: (e) => firstA(e) },
];

/** The DNS client: the destination of a response, the source of a query or transaction. */
export function dnsClient(e: DnsEvent): string | undefined {
  return e.dns_message_type === 'response' ? e.dst_ip : e.src_ip;
}

const datePart = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const timePart = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** Spot's `proxy_results.csv` columns. */
export const SPOT_PROXY_RESULT_COLUMNS: readonly Column<ProxyEvent>[] = [
  { name: 'p_date', get: (e) => datePart(e.event_time) },
  { name: 'p_time', get: (e) => timePart(e.event_time) },
  { name: 'clientip', get: (e) => e.src_ip },
  { name: 'host', get: (e) => e.prx_host },
  { name: 'reqmethod', get: (e) => e.prx_method },
  { name: 'useragent', get: (e) => e.prx_browser },
  { name: 'resconttype', get: (e) => e.prx_type },
  { name: 'duration', get: (e) => e.duration },
  { name: 'username', get: (e) => e.user_name },
  { name: 'webcat', get: (e) => e.prx_category },
  { name: 'referer', get: (e) => e.prx_referrer },
  { name: 'respcode', get: (e) => e.prx_code },
  { name: 'uriport', get: (e) => e.dst_port },
  { name: 'uripath', get: (e) => e.prx_path },
  { name: 'uriquery', get: (e) => e.prx_query },
  { name: 'serverip', get: (e) => e.dst_ip },
  { name: 'scbytes', get: (e) => e.in_bytes },
  { name: 'csbytes', get: (e) => e.out_bytes },
  { name: 'fulluri', get: (e) => e.prx_uri },
  { name: 'word', get: (e) => e.score_word },
  { name: 'score', get: score },
];

/** Spot's Hive `proxy` table columns (apache-spot.md §3.4). */
export const SPOT_PROXY_INGEST_COLUMNS: readonly Column<ProxyEvent>[] = [
  { name: 'p_date', get: (e) => datePart(e.event_time) },
  { name: 'p_time', get: (e) => timePart(e.event_time) },
  { name: 'clientip', get: (e) => e.src_ip },
  { name: 'host', get: (e) => e.prx_host },
  { name: 'reqmethod', get: (e) => e.prx_method },
  { name: 'useragent', get: (e) => e.prx_browser },
  { name: 'resconttype', get: (e) => e.prx_type },
  { name: 'duration', get: (e) => e.duration },
  { name: 'username', get: (e) => e.user_name },
  { name: 'authgroup', get: (e) => e.prx_auth_group },
  { name: 'exceptionid', get: (e) => e.prx_exception_id },
  { name: 'filterresult', get: (e) => e.prx_filter_result },
  { name: 'webcat', get: (e) => e.prx_category },
  { name: 'referer', get: (e) => e.prx_referrer },
  { name: 'respcode', get: (e) => e.prx_code },
  { name: 'action', get: (e) => e.prx_action },
  { name: 'urischeme', get: (e) => e.prx_scheme },
  { name: 'uriport', get: (e) => e.dst_port },
  { name: 'uripath', get: (e) => e.prx_path },
  { name: 'uriquery', get: (e) => e.prx_query },
  { name: 'uriextension', get: (e) => e.prx_extension },
  { name: 'serverip', get: (e) => e.dst_ip },
  { name: 'scbytes', get: (e) => e.in_bytes },
  { name: 'csbytes', get: (e) => e.out_bytes },
  { name: 'virusid', get: (e) => e.prx_virus_id },
  { name: 'bcappname', get: (e) => e.prx_app_name },
  { name: 'bcappoper', get: (e) => e.prx_app_operation },
  { name: 'fulluri', get: (e) => e.prx_uri },
];

export const SPOT_RESULT_COLUMNS: { readonly [K in EventKind]: readonly Column<Extract<OdmEvent, { event_kind: K }>>[] } = {
  flow: SPOT_FLOW_RESULT_COLUMNS,
  dns: SPOT_DNS_RESULT_COLUMNS,
  proxy: SPOT_PROXY_RESULT_COLUMNS,
};

export const SPOT_INGEST_COLUMNS: { readonly [K in EventKind]: readonly Column<Extract<OdmEvent, { event_kind: K }>>[] } = {
  flow: SPOT_FLOW_INGEST_COLUMNS,
  dns: SPOT_DNS_INGEST_COLUMNS,
  proxy: SPOT_PROXY_INGEST_COLUMNS,
};
