import { type DecodeBatch, type FlowEvent, type InputSource, type Issue, assignEventId, protocolNumber, readLines } from '@sightline/core';
import { isIP } from 'node:net';
import { Batcher } from './batches.js';

/**
 * nfdump's CSV output (`nfdump -r FILE -o csv`), the input Apache Spot ingested (apache-spot.md §3.2). Columns are
 * found by the header's names, so nfdump 1.6's layouts (`ts,te,td,sa,da,…,mpls10,ra,eng` and the later one with
 * `cl,sl,al,ra,eng,exid,tr`), 1.7.1's (the same 48 columns) and nfdump >= 1.7.4's short layout (`firstSeen,
 * duration,proto,srcAddr,…`) all read; a file written without a header (`nfdump -q -o csv`, or a fork's own
 * column set) reads with the step's `csv_columns` setting. Times are read as UTC (run nfdump with TZ=UTC, as Spot
 * did). Without `tr` (receive time) the event time is the flow's start. The trailing `Summary` block is checked
 * against the rows read: a file cut short is reported.
 */

type Setter = (e: FlowEvent, v: string) => boolean;

const int = (v: string): number | undefined => {
  const t = v.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
};

/** `2023-05-14 17:28:32` or `2023-05-14 17:28:32.304` (UTC) to epoch ms. */
export function parseNfdumpTime(v: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*$/.exec(v);
  if (m === null) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + ms;
  return Number.isFinite(t) && t >= 0 ? t : undefined;
}

/** nfdump's flag string (`...AP.S.` with CE in front in 1.7, `.AP.SF` in 1.6) or a number, to a bit mask. */
export function parseFlags(v: string): number | undefined {
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t) <= 65535 ? Number(t) : undefined;
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  const letters = t.length === 8 ? 'CEUAPRSF' : t.length === 6 ? 'UAPRSF' : undefined;
  if (letters === undefined) return undefined;
  let mask = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '.') continue;
    if (c !== letters[i]) return undefined;
    mask |= 1 << (letters.length - 1 - i);
  }
  return mask;
}

const ip = (key: 'src_ip' | 'dst_ip' | 'flow_next_hop' | 'flow_bgp_next_hop' | 'dvc_ip', optional: boolean): Setter => (e, v) => {
  // nfdump prints an IPv4 address kept in an IPv6 record as ::a.b.c.d (IPv4-compatible): it is that IPv4 address.
  const t = v.trim().replace(/^::(\d+\.\d+\.\d+\.\d+)$/, '$1');
  if (isIP(t) === 0) return false;
  if (optional && (t === '0.0.0.0' || t === '::')) return true;
  (e as unknown as Record<string, unknown>)[key] = t;
  return true;
};

const num = (key: string, max = Number.MAX_SAFE_INTEGER): Setter => (e, v) => {
  const n = int(v);
  if (n === undefined || n > max) return false;
  (e as unknown as Record<string, unknown>)[key] = n;
  return true;
};

const time = (key: 'begin_time' | 'end_time' | 'event_time'): Setter => (e, v) => {
  const t = parseNfdumpTime(v);
  if (t === undefined) return false;
  if (key !== 'event_time' && t === 0) return true; // nfdump prints the epoch for "no time"
  (e as unknown as Record<string, unknown>)[key] = t;
  return true;
};

const mac = (key: 'src_mac' | 'dst_mac'): Setter => (e, v) => {
  const t = v.trim().toLowerCase();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(t)) return false;
  if (t !== '00:00:00:00:00:00') (e as unknown as Record<string, unknown>)[key] = t;
  return true;
};

const ignore: Setter = () => true;

const COLUMNS: Record<string, Setter> = {
  ts: time('begin_time'),
  te: time('end_time'),
  firstseen: time('begin_time'),
  tr: time('event_time'),
  treceived: time('event_time'),
  td: (e, v) => {
    const d = Number(v.trim());
    if (!Number.isFinite(d) || d < 0) return false;
    e.duration = Math.round(d * 1000);
    return true;
  },
  duration: (e, v) => COLUMNS['td']!(e, v),
  sa: ip('src_ip', false),
  srcaddr: ip('src_ip', false),
  da: ip('dst_ip', false),
  dstaddr: ip('dst_ip', false),
  sp: num('src_port', 65535),
  srcport: num('src_port', 65535),
  dp: num('dst_port', 65535),
  dstport: num('dst_port', 65535),
  pr: (e, v) => {
    const n = protocolNumber(v);
    if (n === undefined) return false;
    e.n_proto = n;
    return true;
  },
  proto: (e, v) => COLUMNS['pr']!(e, v),
  flg: (e, v) => {
    const f = parseFlags(v);
    if (f === undefined) return false;
    e.net_flags = f;
    return true;
  },
  fwd: num('flow_fwd_status', 255),
  stos: num('src_tos', 255),
  dtos: num('dst_tos', 255),
  ipkt: num('flow_in_packets'),
  packets: num('flow_in_packets'),
  ibyt: num('in_bytes'),
  bytes: num('in_bytes'),
  opkt: num('flow_out_packets'),
  obyt: num('out_bytes'),
  in: num('flow_input'),
  out: num('flow_output'),
  sas: num('src_asn', 4294967295),
  das: num('dst_asn', 4294967295),
  smk: num('src_mask', 128),
  dmk: num('dst_mask', 128),
  dir: num('flow_dir', 255),
  nh: ip('flow_next_hop', true),
  nhb: ip('flow_bgp_next_hop', true),
  svln: (e, v) => {
    const n = int(v);
    if (n === undefined || n > 4095) return false;
    if (n > 0) e.src_vlan = n;
    return true;
  },
  dvln: (e, v) => {
    const n = int(v);
    if (n === undefined || n > 4095) return false;
    if (n > 0) e.dst_vlan = n;
    return true;
  },
  ismc: mac('src_mac'),
  odmc: mac('dst_mac'),
  ra: ip('dvc_ip', false),
  eng: (e, v) => {
    const m = /^\s*(\d+)\/(\d+)\s*$/.exec(v);
    if (m === null) return false;
    e.flow_domain_id = (Number(m[1]) << 8) | Number(m[2]);
    return true;
  },
  flows: ignore,
};

const headerOf = (names: readonly string[]): { name: string; set: Setter | undefined }[] => names.map((n) => n.trim().toLowerCase()).map((name) => ({ name, set: COLUMNS[name] }));

export async function* decodeNfdumpCsv(source: InputSource, batch: Batcher, signal: AbortSignal, keepRaw: boolean, columns: readonly string[] = []): AsyncGenerator<DecodeBatch> {
  let header: { name: string; set: Setter | undefined }[] | undefined;
  let rows = 0;
  let badRows = 0;
  let inSummary = 0;
  let summaryFlows: number | undefined;
  let summaryLine = 0;
  const bad = (code: Issue['code'], message: string, line: number, offset: number, raw: string): void => {
    batch.issues.push({ code, message, source: source.name, line, offset, raw: raw.slice(0, 4096) });
  };
  for await (const lines of readLines(source, { maxLineBytes: 64 * 1024 })) {
    if (signal.aborted) break;
    for (const l of lines) {
      const text = l.text.replace(/\r$/, '');
      if (text.trim() === '') continue;
      if (l.truncated) {
        bad('SL_DECODE_LINE_TOO_LONG', `line ${l.line} has ${l.bytes} bytes, more than an nfdump CSV row can have`, l.line, l.offset, text);
        continue;
      }
      if (header === undefined) {
        const names = text.replace(/^\uFEFF/, '').split(',').map((h) => h.trim().toLowerCase());
        if (names.includes('sa') || names.includes('srcaddr')) {
          header = headerOf(names);
          continue;
        }
        if (columns.length === 0) {
          bad('SL_DECODE_MALFORMED', `line ${l.line} is not an nfdump CSV header (no source address column); for files without a header set the step's csv_columns`, l.line, l.offset, text);
          continue;
        }
        header = headerOf(columns); // headerless file: this line is data
      }
      if (inSummary > 0) {
        // `Summary` / `flows,bytes,packets,…` / the numbers.
        inSummary++;
        if (inSummary === 3) summaryFlows = int(text.split(',')[0] ?? '');
        continue;
      }
      if (text === 'Summary') {
        inSummary = 1;
        summaryLine = l.line;
        continue;
      }
      if (text === 'No matching flows') continue;
      const cells = text.split(',');
      if (cells.length !== header.length) {
        badRows++;
        bad('SL_DECODE_MALFORMED', `line ${l.line} has ${cells.length} columns, the header ${header.length}`, l.line, l.offset, text);
        continue;
      }
      const e = { event_id: '', event_kind: 'flow', event_time: 0, src_ip: '', dst_ip: '' } as FlowEvent;
      let wrong: string | undefined;
      let attrs: Record<string, string> | undefined;
      for (let i = 0; i < cells.length; i++) {
        const h = header[i]!;
        const cell = cells[i]!;
        if (h.set === undefined) {
          const t = cell.trim();
          // Columns without an ODM field (MPLS labels, latencies, exporter id…) are kept unless empty.
          if (t !== '' && !/^(0|0\.0+|0-0-0|00:00:00:00:00:00|0\.0\.0\.0)$/.test(t)) (attrs ??= {})[`nfdump.${h.name}`] = t;
          continue;
        }
        if (!h.set(e, cell)) {
          wrong = `column ${h.name} = "${cell}"`;
          break;
        }
      }
      if (wrong === undefined && (e.src_ip === '' || e.dst_ip === '')) wrong = 'no source or destination address';
      if (wrong !== undefined) {
        badRows++;
        bad('SL_DECODE_MALFORMED', `line ${l.line}: ${wrong} is not valid`, l.line, l.offset, text);
        continue;
      }
      if (e.event_time === 0) {
        if (e.begin_time !== undefined) e.event_time = e.begin_time;
        else {
          badRows++;
          bad('SL_DECODE_MALFORMED', `line ${l.line} has neither a receive time (tr) nor a start time (ts)`, l.line, l.offset, text);
          continue;
        }
      }
      if (e.begin_time !== undefined && e.end_time === undefined && e.duration !== undefined) e.end_time = e.begin_time + e.duration;
      if (attrs !== undefined) e.additional_attrs = attrs;
      if (keepRaw) e.raw = text;
      batch.events.push(assignEventId(e, l.line));
      rows++;
    }
    yield* batch.take();
  }
  if (header === undefined && batch.issues.length === 0) batch.issues.push({ code: 'SL_DECODE_TRUNCATED', message: `${source.name} has no nfdump CSV header`, source: source.name });
  if (summaryFlows !== undefined && summaryFlows !== rows + badRows) {
    batch.issues.push({ code: 'SL_DECODE_TRUNCATED', message: `the Summary block (line ${summaryLine}) counts ${summaryFlows} flows but ${rows + badRows} rows were read (the file was cut or edited)`, source: source.name, line: summaryLine });
  }
  yield* batch.take(true);
}
