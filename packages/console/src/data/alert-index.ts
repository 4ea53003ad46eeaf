import type { EventKind } from '@sightline/core';
import type { AlertContext, AlertRow, Risk } from '../api.js';
import { isInternalAddress } from './ip.js';
import { type EventRecord, KINDS, KIND_CODE, clientField, describeEvent, endpointKey, num, str } from './keys.js';
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

/** Per-row facts that are shown but never filtered on. */
interface RowExtra {
  readonly event_id: string;
  readonly what: string;
  readonly reasons: readonly string[];
  readonly context: AlertContext;
  readonly order: 'asc' | 'desc';
  readonly value: number;
  readonly severity?: string;
  readonly word?: string;
  readonly src_port?: number;
  readonly dst_port?: number;
  readonly proto?: number;
  readonly feedback?: Risk;
  /** Further fields a rating may match on (MATCH_FIELDS). */
  readonly more?: Readonly<Record<string, string | number>>;
}

/**
 * The fields a rating's `match` can name and still be evaluated from the index (the console's own ratings only
 * use these). A rating naming another field is applied by the runtime on the next fit but is not shown as covering
 * alerts in the list.
 */
export const MATCH_FIELDS: readonly string[] = ['src_ip', 'dst_ip', 'src_port', 'dst_port', 'n_proto', 'dns_query', 'dns_type', 'dns_response_code', 'prx_host', 'prx_uri', 'prx_method', 'prx_code', 'user_name'];
const MORE_FIELDS = ['dns_type', 'dns_response_code', 'prx_method', 'prx_code', 'user_name'] as const;

const TI_SHOWN = 5;

function moreOf(e: EventRecord): Record<string, string | number> | undefined {
  let out: Record<string, string | number> | undefined;
  for (const f of MORE_FIELDS) {
    const v = e[f];
    if (typeof v === 'string' || typeof v === 'number') (out ??= {})[f] = v;
  }
  return out;
}

function contextOf(e: EventRecord): AlertContext {
  const src = str(e['src_ip']);
  const dst = str(e['dst_ip']);
  const flag = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
  const hits = Array.isArray(e['ti_hits']) ? (e['ti_hits'] as unknown[]) : [];
  const ti = hits.slice(0, TI_SHOWN).map((h) => {
    const r = (h ?? {}) as Record<string, unknown>;
    return `${String(r['source'] ?? '?')}: ${String(r['indicator'] ?? '?')}${r['category'] === undefined ? '' : ` (${String(r['category'])})`}`;
  });
  const ctx: Record<string, unknown> = {
    src_internal: isInternalAddress(src, flag(e['src_internal'])),
    dst_internal: isInternalAddress(dst, flag(e['dst_internal'])),
    src_zone: str(e['src_zone']),
    dst_zone: str(e['dst_zone']),
    src_host: str(e['src_host']),
    dst_host: str(e['dst_host']),
    src_country: str(e['src_country_code']),
    dst_country: str(e['dst_country_code']),
    src_asn: num(e['src_asn']),
    dst_asn: num(e['dst_asn']),
    src_asn_org: str(e['src_asn_org']),
    dst_asn_org: str(e['dst_asn_org']),
    ti_severity: num(e['ti_severity']),
    ti: ti.length === 0 ? undefined : hits.length > TI_SHOWN ? [...ti, `… ${hits.length - TI_SHOWN} more`] : ti,
    risk_priority: num(e['risk_priority']),
  };
  for (const k of Object.keys(ctx)) if (ctx[k] === undefined) delete ctx[k];
  return ctx as unknown as AlertContext;
}

/**
 * Every alert (scored event) of a run, held as columns: kind, time, score, risk, rank, window and model in typed
 * arrays, addresses and names as ids into string pools, and the file position of each alert's full record (read
 * back only for the details view). Alerts are bounded by the pipeline (top_n per window, kind and model); the
 * run's events are never loaded here. A list query filters the columns and orders by precomputed permutations.
 */
export class AlertIndex {
  readonly ips = new StringPool();
  readonly names = new StringPool();
  readonly misc = new StringPool();
  readonly files: string[] = [];
  readonly seekable: boolean[] = [];

  // columns, one entry per alert
  kind = new Uint8Array(0);
  time = new Float64Array(0);
  risk = new Float32Array(0);
  rank = new Uint32Array(0);
  window = new Float64Array(0);
  model = new Uint32Array(0);
  src = new Uint32Array(0);
  dst = new Uint32Array(0);
  client = new Uint32Array(0);
  name = new Uint32Array(0);
  key = new Uint32Array(0);
  readonly uri: (string | undefined)[] = [];
  readonly extra: RowExtra[] = [];
  readonly refs: LineRef[] = [];
  /** `event_id model` -> row. */
  readonly byEventModel = new Map<string, number>();
  /** Per kind: rows by descending risk (then rank, time), and by time. */
  readonly orders = new Map<EventKind, { readonly risk: Uint32Array; readonly time: Uint32Array }>();
  readonly keys = new StringPool();
  #uriLower: string[] | undefined;
  report: AlertLoadReport = { files: 0, alerts: 0, duplicates: 0, unreadable: 0, problems: [] };

  get count(): number {
    return this.extra.length;
  }

  /** Model names, sorted. */
  get models(): string[] {
    const out = new Set<string>();
    for (let i = 0; i < this.count; i++) out.add(this.misc.get(this.model[i]!) ?? '');
    return [...out].sort();
  }

  /** Window starts, sorted. */
  get windows(): number[] {
    return [...new Set(this.window)].sort((a, b) => a - b);
  }

  uriLower(i: number): string | undefined {
    this.#uriLower ??= this.uri.map((u) => (u === undefined ? '' : u.toLowerCase()));
    return this.#uriLower[i];
  }

  /** Reads every alert of the given NDJSON files (lines without a score rank are events and are skipped). */
  static async load(files: readonly string[], signal?: AbortSignal): Promise<AlertIndex> {
    const index = new AlertIndex();
    const cols = { kind: [] as number[], time: [] as number[], risk: [] as number[], rank: [] as number[], window: [] as number[], model: [] as number[], src: [] as number[], dst: [] as number[], client: [] as number[], name: [] as number[], key: [] as number[] };
    let duplicates = 0;
    let unreadable = 0;
    const problems: string[] = [];
    for (const file of files) {
      const f = index.files.length;
      index.files.push(file);
      const seekable = !isGzipPath(file);
      index.seekable.push(seekable);
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
            if (index.byEventModel.has(id)) {
              duplicates++;
              return;
            }
            index.byEventModel.set(id, index.extra.length);
            const value = num(e['score_value']) ?? 0;
            const time = num(e['event_time']) ?? 0;
            const cf = clientField(kind, e);
            cols.kind.push(KIND_CODE[kind]);
            cols.time.push(time);
            cols.risk.push(num(e['score_risk']) ?? 0);
            cols.rank.push(rank);
            cols.window.push(num(e['score_window_start']) ?? 0);
            cols.model.push(index.misc.intern(model));
            cols.src.push(index.ips.intern(str(e['src_ip'])));
            cols.dst.push(index.ips.intern(str(e['dst_ip'])));
            cols.client.push(index.ips.intern(str(e[cf])));
            cols.name.push(index.names.intern(kind === 'dns' ? str(e['dns_query']) : kind === 'proxy' ? str(e['prx_host']) : undefined));
            cols.key.push(index.keys.intern(endpointKey(kind, e)));
            index.uri.push(kind === 'proxy' ? (str(e['prx_uri']) ?? str(e['prx_path'])) : undefined);
            const reasons = Array.isArray(e['score_reasons']) ? (e['score_reasons'] as unknown[]).map(String) : [];
            const fb = e['score_feedback'];
            const extra: Record<string, unknown> = {
              event_id: eventId,
              what: describeEvent(kind, e),
              reasons,
              context: contextOf(e),
              order: e['score_order'] === 'desc' ? 'desc' : 'asc',
              value,
              severity: str(e['score_severity']),
              word: str(e['score_word']),
              src_port: num(e['src_port']),
              dst_port: num(e['dst_port']),
              proto: num(e['n_proto']),
              feedback: fb === 1 || fb === 2 || fb === 3 ? fb : undefined,
              more: moreOf(e),
            };
            for (const k of Object.keys(extra)) if (extra[k] === undefined) delete extra[k];
            index.extra.push(extra as unknown as RowExtra);
            index.refs.push(seekable ? { file: f, offset, length } : { file: f, text });
          },
          signal === undefined ? {} : { signal },
        );
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
      }
    }
    index.kind = Uint8Array.from(cols.kind);
    index.time = Float64Array.from(cols.time);
    index.risk = Float32Array.from(cols.risk);
    index.rank = Uint32Array.from(cols.rank);
    index.window = Float64Array.from(cols.window);
    index.model = Uint32Array.from(cols.model);
    index.src = Uint32Array.from(cols.src);
    index.dst = Uint32Array.from(cols.dst);
    index.client = Uint32Array.from(cols.client);
    index.name = Uint32Array.from(cols.name);
    index.key = Uint32Array.from(cols.key);
    index.#sortOrders();
    index.report = { files: files.length, alerts: index.count, duplicates, unreadable, problems };
    return index;
  }

  #sortOrders(): void {
    for (const kind of KINDS) {
      const code = KIND_CODE[kind];
      const rows: number[] = [];
      for (let i = 0; i < this.count; i++) if (this.kind[i] === code) rows.push(i);
      const byRisk = [...rows].sort((a, b) => this.risk[b]! - this.risk[a]! || this.rank[a]! - this.rank[b]! || this.time[a]! - this.time[b]! || a - b);
      const byTime = [...rows].sort((a, b) => this.time[a]! - this.time[b]! || a - b);
      this.orders.set(kind, { risk: Uint32Array.from(byRisk), time: Uint32Array.from(byTime) });
    }
  }

  kindOf(i: number): EventKind {
    return KINDS[this.kind[i]!]!;
  }

  /** The row as the API shows it (without the live rating, which the caller adds). */
  row(i: number): AlertRow {
    const x = this.extra[i]!;
    const kind = this.kindOf(i);
    const row: Record<string, unknown> = {
      n: i,
      event_id: x.event_id,
      kind,
      model: this.misc.get(this.model[i]!) ?? '?',
      time: this.time[i]!,
      window: this.window[i]!,
      rank: this.rank[i]!,
      value: x.value,
      order: x.order,
      risk: Math.round(this.risk[i]! * 100) / 100,
      severity: x.severity,
      src: this.ips.get(this.src[i]!),
      dst: this.ips.get(this.dst[i]!),
      src_port: x.src_port,
      dst_port: x.dst_port,
      proto: x.proto,
      client: this.ips.get(this.client[i]!),
      name: this.names.get(this.name[i]!),
      uri: this.uri[i],
      what: x.what,
      word: x.word,
      reasons: x.reasons,
      context: x.context,
      run_feedback: x.feedback,
    };
    for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
    return row as unknown as AlertRow;
  }

  /** The fields a rating can match on, from the columns (no file read). */
  matchable(i: number): Record<string, unknown> {
    const x = this.extra[i]!;
    const kind = this.kindOf(i);
    const out: Record<string, unknown> = { ...x.more, event_kind: kind, event_id: x.event_id, src_ip: this.ips.get(this.src[i]!), dst_ip: this.ips.get(this.dst[i]!), src_port: x.src_port, dst_port: x.dst_port, n_proto: x.proto };
    if (kind === 'dns') out['dns_query'] = this.names.get(this.name[i]!);
    if (kind === 'proxy') {
      out['prx_host'] = this.names.get(this.name[i]!);
      out['prx_uri'] = this.uri[i];
    }
    return out;
  }
}
