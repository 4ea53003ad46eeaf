import type { EventKind } from '@sightline/core';
import type { AlertContext, AlertRow, Risk } from '../api.js';
import { Column, FloatColumn } from './columns.js';
import { InternalAddresses } from './ip.js';
import { type EventRecord, KINDS, KIND_CODE, clientField, describeParts, endpointKey, num, str } from './keys.js';
import { type LineRef, isGzipPath, scanLines } from './lines.js';
import { StringPool } from './string-pool.js';

/** What the alert index could not take in, with counts. */
export interface AlertLoadReport {
  readonly files: number;
  readonly alerts: number;
  readonly duplicates: number;
  readonly unreadable: number;
  readonly problems: readonly string[];
}

/**
 * The fields a rating's `match` can name and still be evaluated from the index (the console's own ratings only
 * use these). A rating naming another field is applied by the runtime on the next fit but is not shown as covering
 * alerts in the list.
 */
export const MATCH_FIELDS: readonly string[] = ['src_ip', 'dst_ip', 'src_port', 'dst_port', 'n_proto', 'dns_query', 'dns_type', 'dns_response_code', 'prx_host', 'prx_uri', 'prx_method', 'prx_code', 'user_name'];

const TI_SHOWN = 5;
const NONE = -1;

/** Context facts beyond the internal flags, kept only for alerts that have any (most have none or few). */
type Extra = Omit<AlertContext, 'src_internal' | 'dst_internal'>;

function extraContext(e: EventRecord): Extra | undefined {
  let out: Record<string, unknown> | undefined;
  const put = (k: string, v: unknown): void => {
    if (v !== undefined) (out ??= {})[k] = v;
  };
  put('src_zone', str(e['src_zone']));
  put('dst_zone', str(e['dst_zone']));
  put('src_host', str(e['src_host']));
  put('dst_host', str(e['dst_host']));
  put('src_country', str(e['src_country_code']));
  put('dst_country', str(e['dst_country_code']));
  put('src_asn', num(e['src_asn']));
  put('dst_asn', num(e['dst_asn']));
  put('src_asn_org', str(e['src_asn_org']));
  put('dst_asn_org', str(e['dst_asn_org']));
  put('ti_severity', num(e['ti_severity']));
  put('risk_priority', num(e['risk_priority']));
  const hits = Array.isArray(e['ti_hits']) ? (e['ti_hits'] as unknown[]) : [];
  if (hits.length > 0) {
    const ti = hits.slice(0, TI_SHOWN).map((h) => {
      const r = (h ?? {}) as Record<string, unknown>;
      return `${String(r['source'] ?? '?')}: ${String(r['indicator'] ?? '?')}${r['category'] === undefined ? '' : ` (${String(r['category'])})`}`;
    });
    if (hits.length > TI_SHOWN) ti.push(`… ${hits.length - TI_SHOWN} more`);
    put('ti', ti);
  }
  return out as Extra | undefined;
}

/**
 * Every alert (scored event) of a run, held as columns: typed arrays for numbers, ids into string pools for
 * repeated strings (addresses, names, models, words), plain arrays only for what is unique per alert (event id,
 * reasons, URI), and the file position of each alert's full record (read back only for the details view). Alerts
 * are bounded by the pipeline (top_n per window, kind and model); the run's events are never loaded here. A list
 * query filters the columns and orders rows by precomputed permutations.
 */
export class AlertIndex {
  readonly ips = new StringPool();
  readonly names = new StringPool();
  readonly misc = new StringPool();
  readonly keys = new StringPool();
  readonly files: string[] = [];

  // columns, one entry per alert
  kind: Uint8Array = new Uint8Array(0);
  time: Float64Array = new Float64Array(0);
  value: Float64Array = new Float64Array(0);
  risk: Float32Array = new Float32Array(0);
  rank: Uint32Array = new Uint32Array(0);
  window: Float64Array = new Float64Array(0);
  /** 0 asc, 1 desc */
  order: Uint8Array = new Uint8Array(0);
  /** bit 1: source internal, bit 2: destination internal */
  internal: Uint8Array = new Uint8Array(0);
  /** score_feedback the run saw: 0 none, else 1-3 */
  feedback: Uint8Array = new Uint8Array(0);
  model: Uint32Array = new Uint32Array(0);
  word: Uint32Array = new Uint32Array(0);
  severity: Uint32Array = new Uint32Array(0);
  src: Uint32Array = new Uint32Array(0);
  dst: Uint32Array = new Uint32Array(0);
  client: Uint32Array = new Uint32Array(0);
  /** DNS query or proxy host */
  name: Uint32Array = new Uint32Array(0);
  key: Uint32Array = new Uint32Array(0);
  method: Uint32Array = new Uint32Array(0);
  user: Uint32Array = new Uint32Array(0);
  srcPort: Int32Array = new Int32Array(0);
  dstPort: Int32Array = new Int32Array(0);
  proto: Int32Array = new Int32Array(0);
  /** flow in_bytes */
  bytes: Float64Array = new Float64Array(0);
  /** dns_type, dns_response_code, prx_code */
  qtype: Int32Array = new Int32Array(0);
  rcode: Int32Array = new Int32Array(0);
  status: Int32Array = new Int32Array(0);
  refFile: Uint16Array = new Uint16Array(0);
  refOffset: Float64Array = new Float64Array(0);
  refLength: Uint32Array = new Uint32Array(0);
  readonly eventIds: string[] = [];
  readonly reasons: string[] = [];
  readonly uri: (string | undefined)[] = [];
  /** sparse: context beyond the internal flags */
  readonly context = new Map<number, Extra>();
  /** sparse: full text of alerts read from files that cannot be read back by position (gzip) */
  readonly texts = new Map<number, string>();
  /** `event_id model` -> row. */
  readonly byEventModel = new Map<string, number>();
  /** Per kind: rows by descending risk (then rank, time), and by time. */
  readonly orders = new Map<EventKind, { readonly risk: Uint32Array; readonly time: Uint32Array }>();
  models: string[] = [];
  report: AlertLoadReport = { files: 0, alerts: 0, duplicates: 0, unreadable: 0, problems: [] };
  #uriLower: string[] | undefined;

  get count(): number {
    return this.eventIds.length;
  }

  /** Window starts, sorted. */
  get windows(): number[] {
    return [...new Set(this.window)].sort((a, b) => a - b);
  }

  uriLower(i: number): string {
    this.#uriLower ??= this.uri.map((u) => (u === undefined ? '' : u.toLowerCase()));
    return this.#uriLower[i]!;
  }

  ref(i: number): LineRef {
    const text = this.texts.get(i);
    const file = this.refFile[i]!;
    return text !== undefined ? { file, text } : { file, offset: this.refOffset[i]!, length: this.refLength[i]! };
  }

  /** Reads every alert of the given NDJSON files (lines without a score rank are events and are skipped). */
  static async load(files: readonly string[], signal?: AbortSignal): Promise<AlertIndex> {
    const x = new AlertIndex();
    const c = {
      kind: new Column(Uint8Array),
      time: new FloatColumn(),
      value: new FloatColumn(),
      risk: new Column(Float32Array),
      rank: new Column(Uint32Array),
      window: new FloatColumn(),
      order: new Column(Uint8Array),
      internal: new Column(Uint8Array),
      feedback: new Column(Uint8Array),
      model: new Column(Uint32Array),
      word: new Column(Uint32Array),
      severity: new Column(Uint32Array),
      src: new Column(Uint32Array),
      dst: new Column(Uint32Array),
      client: new Column(Uint32Array),
      name: new Column(Uint32Array),
      key: new Column(Uint32Array),
      method: new Column(Uint32Array),
      user: new Column(Uint32Array),
      srcPort: new Column(Int32Array),
      dstPort: new Column(Int32Array),
      proto: new Column(Int32Array),
      bytes: new FloatColumn(),
      qtype: new Column(Int32Array),
      rcode: new Column(Int32Array),
      status: new Column(Int32Array),
      refFile: new Column(Uint16Array),
      refOffset: new FloatColumn(),
      refLength: new Column(Uint32Array),
    };
    const internal = new InternalAddresses();
    let duplicates = 0;
    let unreadable = 0;
    const problems: string[] = [];
    const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : NONE);
    for (const file of files) {
      const f = x.files.length;
      x.files.push(file);
      const seekable = !isGzipPath(file);
      try {
        await scanLines(
          file,
          (text, offset, length) => {
            let e: EventRecord;
            try {
              const parsed: unknown = JSON.parse(text);
              if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
              e = parsed as EventRecord;
            } catch {
              unreadable++;
              return;
            }
            const rank = num(e['score_rank']);
            const kind = e['event_kind'];
            if (rank === undefined) return; // an event, not an alert
            if (kind !== 'flow' && kind !== 'dns' && kind !== 'proxy') {
              unreadable++;
              return;
            }
            const eventId = str(e['event_id']) ?? '';
            const model = str(e['score_model']) ?? '?';
            const id = `${eventId} ${model}`;
            if (x.byEventModel.has(id)) {
              duplicates++;
              return;
            }
            const i = x.eventIds.length;
            x.byEventModel.set(id, i);
            x.eventIds.push(eventId);
            const src = str(e['src_ip']);
            const dst = str(e['dst_ip']);
            const fb = e['score_feedback'];
            c.kind.push(KIND_CODE[kind]);
            c.time.push(num(e['event_time']) ?? 0);
            c.value.push(num(e['score_value']) ?? 0);
            c.risk.push(num(e['score_risk']) ?? 0);
            c.rank.push(rank);
            c.window.push(num(e['score_window_start']) ?? 0);
            c.order.push(e['score_order'] === 'desc' ? 1 : 0);
            c.internal.push((internal.test(src, e['src_internal']) ? 1 : 0) | (internal.test(dst, e['dst_internal']) ? 2 : 0));
            c.feedback.push(fb === 1 || fb === 2 || fb === 3 ? fb : 0);
            c.model.push(x.misc.intern(model));
            c.word.push(x.misc.intern(str(e['score_word'])));
            c.severity.push(x.misc.intern(str(e['score_severity'])));
            c.src.push(x.ips.intern(src));
            c.dst.push(x.ips.intern(dst));
            c.client.push(x.ips.intern(str(e[clientField(kind, e)])));
            c.name.push(x.names.intern(kind === 'dns' ? str(e['dns_query']) : kind === 'proxy' ? str(e['prx_host']) : undefined));
            c.key.push(x.keys.intern(endpointKey(kind, e)));
            c.method.push(x.misc.intern(str(e['prx_method'])));
            c.user.push(x.misc.intern(str(e['user_name'])));
            c.srcPort.push(int(e['src_port']));
            c.dstPort.push(int(e['dst_port']));
            c.proto.push(int(e['n_proto']));
            c.bytes.push(num(e['in_bytes']) ?? NONE);
            c.qtype.push(int(e['dns_type']));
            c.rcode.push(int(e['dns_response_code']));
            c.status.push(int(e['prx_code']));
            c.refFile.push(f);
            c.refOffset.push(offset);
            c.refLength.push(length);
            if (!seekable) x.texts.set(i, text);
            x.uri.push(kind === 'proxy' ? (str(e['prx_uri']) ?? str(e['prx_path'])) : undefined);
            x.reasons.push(Array.isArray(e['score_reasons']) ? (e['score_reasons'] as unknown[]).map(String).join('\n') : '');
            const ctx = extraContext(e);
            if (ctx !== undefined) x.context.set(i, ctx);
          },
          signal === undefined ? {} : { signal },
        );
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
      }
    }
    x.kind = c.kind.done();
    x.time = c.time.done();
    x.value = c.value.done();
    x.risk = c.risk.done();
    x.rank = c.rank.done();
    x.window = c.window.done();
    x.order = c.order.done();
    x.internal = c.internal.done();
    x.feedback = c.feedback.done();
    x.model = c.model.done();
    x.word = c.word.done();
    x.severity = c.severity.done();
    x.src = c.src.done();
    x.dst = c.dst.done();
    x.client = c.client.done();
    x.name = c.name.done();
    x.key = c.key.done();
    x.method = c.method.done();
    x.user = c.user.done();
    x.srcPort = c.srcPort.done();
    x.dstPort = c.dstPort.done();
    x.proto = c.proto.done();
    x.bytes = c.bytes.done();
    x.qtype = c.qtype.done();
    x.rcode = c.rcode.done();
    x.status = c.status.done();
    x.refFile = c.refFile.done();
    x.refOffset = c.refOffset.done();
    x.refLength = c.refLength.done();
    x.#sortOrders();
    x.models = [...new Set(x.model)].map((m) => x.misc.get(m) ?? '?').sort();
    x.report = { files: files.length, alerts: x.count, duplicates, unreadable, problems };
    return x;
  }

  #sortOrders(): void {
    for (const kind of KINDS) {
      const code = KIND_CODE[kind];
      const rows: number[] = [];
      for (let i = 0; i < this.count; i++) if (this.kind[i] === code) rows.push(i);
      const byRisk = Uint32Array.from(rows).sort((a, b) => this.risk[b]! - this.risk[a]! || this.rank[a]! - this.rank[b]! || this.time[a]! - this.time[b]! || a - b);
      const byTime = Uint32Array.from(rows).sort((a, b) => this.time[a]! - this.time[b]! || a - b);
      this.orders.set(kind, { risk: byRisk, time: byTime });
    }
  }

  kindOf(i: number): EventKind {
    return KINDS[this.kind[i]!]!;
  }

  wordOf(i: number): string | undefined {
    return this.misc.get(this.word[i]!);
  }

  /** The value of an event field as the alert had it, for the fields the index holds (MATCH_FIELDS and a few). */
  field(i: number, f: string): string | number | undefined {
    const n = (v: number): number | undefined => (v === NONE ? undefined : v);
    switch (f) {
      case 'event_kind':
        return this.kindOf(i);
      case 'event_id':
        return this.eventIds[i];
      case 'src_ip':
        return this.ips.get(this.src[i]!);
      case 'dst_ip':
        return this.ips.get(this.dst[i]!);
      case 'src_port':
        return n(this.srcPort[i]!);
      case 'dst_port':
        return n(this.dstPort[i]!);
      case 'n_proto':
        return n(this.proto[i]!);
      case 'dns_query':
        return this.kind[i] === 1 ? this.names.get(this.name[i]!) : undefined;
      case 'prx_host':
        return this.kind[i] === 2 ? this.names.get(this.name[i]!) : undefined;
      case 'prx_uri':
        return this.uri[i];
      case 'dns_type':
        return n(this.qtype[i]!);
      case 'dns_response_code':
        return n(this.rcode[i]!);
      case 'prx_code':
        return n(this.status[i]!);
      case 'prx_method':
        return this.misc.get(this.method[i]!);
      case 'user_name':
        return this.misc.get(this.user[i]!);
      case 'in_bytes':
        return n(this.bytes[i]!);
      default:
        return undefined;
    }
  }

  /** The row as the API shows it (without the live rating, which the caller adds). */
  row(i: number): AlertRow {
    const kind = this.kindOf(i);
    const flags = this.internal[i]!;
    const fb = this.feedback[i]!;
    const row: Record<string, unknown> = {
      n: i,
      event_id: this.eventIds[i],
      kind,
      model: this.misc.get(this.model[i]!) ?? '?',
      time: this.time[i]!,
      window: this.window[i]!,
      rank: this.rank[i]!,
      value: this.value[i]!,
      order: this.order[i] === 1 ? 'desc' : 'asc',
      risk: Math.round(this.risk[i]! * 100) / 100,
      severity: this.misc.get(this.severity[i]!),
      src: this.ips.get(this.src[i]!),
      dst: this.ips.get(this.dst[i]!),
      src_port: this.field(i, 'src_port'),
      dst_port: this.field(i, 'dst_port'),
      proto: this.field(i, 'n_proto'),
      client: this.ips.get(this.client[i]!),
      name: this.names.get(this.name[i]!),
      uri: this.uri[i],
      what: describeParts(kind, (f) => this.field(i, f)),
      word: this.wordOf(i),
      reasons: this.reasons[i] === '' ? [] : this.reasons[i]!.split('\n'),
      context: { src_internal: (flags & 1) !== 0, dst_internal: (flags & 2) !== 0, ...this.context.get(i) },
      run_feedback: fb === 0 ? undefined : (fb as Risk),
    };
    // Absent fields are left out (JSON.stringify would drop them too; this keeps the object honest for callers).
    for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
    return row as unknown as AlertRow;
  }
}
