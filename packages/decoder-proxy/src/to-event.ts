import './error-codes.js';
import { isIP } from 'node:net';
import { type ErrorCode, EventIdWriter, type ProxyEvent, identityFieldIndex } from '@sightline/core';
import { Slot } from './wire/slots.js';
import { type LocalToUtc, parseClfTime, parseEpochSeconds, parseHms, parseYmd } from './wire/time.js';
import { type UriParts, splitUri } from './wire/uri.js';

/** Why a record could not become an event. */
export interface RecordError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** What a record's time is read against: the file's directives and the configured zone. */
export interface TimeContext {
  /** Day (epoch ms of UTC midnight) from the last `#Date:` directive, for time-only records. */
  directiveDay: number;
  /** Minutes east of UTC from a `#GMT-Offset:` directive: the log's date/time are local to it. NaN when absent. */
  gmtOffset: number;
  /** For local times without an offset (`date-local`/`time-local`). */
  readonly zone: LocalToUtc;
}

/** Per-input facts copied onto every event (the runtime adds `event_source`). */
export interface EventStamp {
  /** The `#Software:` directive (device and version), when the log has one. */
  software: string | undefined;
}

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Identity-field positions of the proxy fields `finish` sets, for the event id writer (they are set in this order). */
const ID_FIELDS = ['event_kind', 'event_time', 'duration', 'dvc_host', 'dvc_version', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'in_bytes', 'out_bytes', 'user_name', 'additional_attrs', 'prx_method', 'prx_scheme', 'prx_host', 'prx_path', 'prx_query', 'prx_extension', 'prx_uri', 'prx_code', 'prx_action', 'prx_filter_result', 'prx_filter_rule', 'prx_category', 'prx_referrer', 'prx_browser', 'prx_type', 'prx_auth_group', 'prx_exception_id', 'prx_hierarchy', 'prx_supplier', 'prx_site', 'prx_virus_id', 'prx_app_name', 'prx_app_operation', 'prx_http_version'] as const;
const F = Object.fromEntries(ID_FIELDS.map((f) => [f, identityFieldIndex('proxy', f)])) as Readonly<Record<(typeof ID_FIELDS)[number], number>>;
// The writer hashes fields in the order they are given: that order must be the schema's, as computeEventId's.
ID_FIELDS.forEach((f, i) => {
  if (F[f] < 0 || (i > 0 && F[f] <= F[ID_FIELDS[i - 1]!])) throw new Error(`decoder-proxy: ${f} is out of the proxy schema's identity order`);
});

function isIPv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let v = 0;
  let len = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || v > 255 || (len > 1 && s.charCodeAt(i - len) === 48)) return false;
      parts++;
      v = 0;
      len = 0;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || len === 3) return false;
      v = v * 10 + d;
      len++;
    }
  }
  return parts === 4;
}

/** An IP the data model accepts (IPv4 or IPv6). */
export function isIpAddress(s: string): boolean {
  return isIPv4(s) || (s.indexOf(':') >= 0 && isIP(s) === 6);
}

/** A non-negative integer made only of digits (and at most MAX_SAFE_INTEGER), else NaN. */
export function parseCount(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v <= MAX_INT ? v : NaN;
}

/** A non-negative decimal (`12`, `0.015`), else NaN. */
function parseDecimal(s: string): number {
  if (s.length === 0 || s.length > 24) return NaN;
  const c = s.charCodeAt(0);
  if (c < 48 || c > 57) return NaN;
  const v = Number(s);
  return Number.isFinite(v) && v >= 0 ? v : NaN;
}

const isEmpty = (v: string | undefined): v is undefined => v === undefined || v === '' || v === '-';

/** Number of slots (one past the largest slot id). */
const SLOTS = Math.max(...Object.values(Slot)) + 1;

/**
 * One record's values by slot, filled while a line is read and turned into an ODM proxy event by `finish`.
 * One draft is reused for every line of an input (reset per line), so reading a line allocates only the value
 * strings, the event and, when the line has fields without an ODM column, its additional_attrs.
 */
export class RecordDraft {
  /** The value of each slot (`-` and empty values are never stored). */
  readonly v: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  attrs: Record<string, string> | undefined = undefined;
  /** Why `finish` returned undefined. */
  error: RecordError | undefined = undefined;
  /**
   * Numbers a byte-level reader parsed itself (NaN: none), for the slots it reads that way: DURATION_MS, SRC_PORT,
   * STATUS, IN_BYTES, OUT_BYTES, URI_PORT, S_PORT (valid values only) and TIME (ms since midnight). A slot holds a
   * string in `v` or a number here, never both.
   */
  readonly n = new Float64Array(SLOTS).fill(NaN);
  /** Where a slot's string was read from: `bytes[bs, be)` are its UTF-8 bytes (bs -1: not given). */
  readonly bs = new Int32Array(SLOTS).fill(-1);
  readonly be = new Int32Array(SLOTS);
  bytes: Uint8Array | undefined = undefined;
  readonly #id = new EventIdWriter('proxy');
  readonly #uri: UriParts = { scheme: undefined, host: undefined, port: undefined, path: undefined, query: undefined };
  /** The last date read and its day: consecutive records almost always share it. */
  #lastDate = '';
  #lastDay = NaN;

  /** The only slots written since the last reset (a byte-level reader's layout), or null: any slot may be. */
  #written: Int32Array | null = null;

  reset(): void {
    this.v.fill(undefined);
    this.n.fill(NaN);
    this.bs.fill(-1);
    this.#written = null;
    this.bytes = undefined;
    this.attrs = undefined;
    this.error = undefined;
  }

  /**
   * `reset` for a reader that writes only the slots `slots` lists (and no others) until the next reset: when the
   * record before was read that way with the same slots, only those are cleared.
   */
  resetFor(slots: Int32Array): void {
    if (this.#written !== slots) this.reset();
    else {
      const v = this.v;
      const n = this.n;
      const bs = this.bs;
      for (let k = 0; k < slots.length; k++) {
        const slot = slots[k]!;
        v[slot] = undefined;
        n[slot] = NaN;
        bs[slot] = -1;
      }
      this.bytes = undefined;
      this.attrs = undefined;
      this.error = undefined;
    }
    this.#written = slots;
  }

  /** Keeps a value that has no ODM column (empty values are left out). */
  attr(key: string, value: string): void {
    if (isEmpty(value)) return;
    (this.attrs ??= {})[key] = value;
  }

  /** Files a value under its slot; `key` names it in additional_attrs when the slot has no column. */
  set(slot: number, value: string, key: string): void {
    if (slot === Slot.UNMAPPED) this.attr(key, value);
    else if (!isEmpty(value)) this.v[slot] = value;
  }

  /** Hashes a string field, from the bytes it was read from when the slot's value is the one given. */
  #str(field: number, slot: number, value: string): void {
    const start = this.bs[slot]!;
    if (start >= 0 && this.v[slot] === value) this.#id.utf8(field, this.bytes!, start, this.be[slot]!);
    else this.#id.string(field, value);
  }

  /** The last two addresses found to be IPs: logs repeat their server and client addresses line after line. */
  #ipSeen = '';
  #ipSeen2 = '';

  #ip(s: string): boolean {
    if (!isIpAddress(s)) return false;
    this.#ipSeen2 = this.#ipSeen;
    this.#ipSeen = s;
    return true;
  }

  #fail(code: ErrorCode, message: string): undefined {
    this.error = { code, message };
    return undefined;
  }

  #time(tc: TimeContext): number {
    const v = this.v;
    const epoch = v[Slot.EPOCH];
    if (epoch !== undefined) {
      const ms = parseEpochSeconds(epoch);
      const sub = v[Slot.EPOCH_MS];
      if (sub === undefined) return ms;
      const frac = parseCount(sub);
      return Number.isNaN(ms) || !(frac <= 999) ? NaN : ms + frac;
    }
    const time = v[Slot.TIME];
    const tod = this.n[Slot.TIME]!;
    if (time !== undefined || tod >= 0) {
      const date = v[Slot.DATE];
      const local = (date === undefined ? tc.directiveDay : this.#day(date)) + (time !== undefined ? parseHms(time) : tod);
      return Number.isNaN(tc.gmtOffset) ? local : local - tc.gmtOffset * 60_000;
    }
    const timeLocal = v[Slot.TIME_LOCAL];
    if (timeLocal !== undefined) {
      const date = v[Slot.DATE_LOCAL];
      return tc.zone((date === undefined ? tc.directiveDay : parseYmd(date)) + parseHms(timeLocal));
    }
    const clf = v[Slot.LOCALTIME] ?? v[Slot.GMTTIME];
    return clf === undefined ? NaN : parseClfTime(clf);
  }

  #day(date: string): number {
    if (date !== this.#lastDate) {
      this.#lastDay = parseYmd(date);
      this.#lastDate = date;
    }
    return this.#lastDay;
  }

  #timeProblem(tc: TimeContext): string {
    const v = this.v;
    const [epoch, date, time, dateLocal, timeLocal] = [v[Slot.EPOCH], v[Slot.DATE], v[Slot.TIME], v[Slot.DATE_LOCAL], v[Slot.TIME_LOCAL]];
    if (epoch !== undefined) return `the time ${JSON.stringify(epoch + (v[Slot.EPOCH_MS] === undefined ? '' : `.${v[Slot.EPOCH_MS]}`))} is not seconds since 1970`;
    if (time !== undefined) {
      if (date === undefined && Number.isNaN(tc.directiveDay)) return `the line has a time (${time}) but no date, and no #Date directive came before it`;
      return `date/time ${JSON.stringify(`${date ?? ''} ${time}`.trim())} cannot be read`;
    }
    if (timeLocal !== undefined) return `local date/time ${JSON.stringify(`${dateLocal ?? ''} ${timeLocal}`.trim())} cannot be read`;
    const clf = v[Slot.LOCALTIME] ?? v[Slot.GMTTIME];
    if (clf !== undefined) return `time ${JSON.stringify(clf)} cannot be read`;
    return 'the line has no date or time';
  }

  /**
   * The ODM proxy event for the values read, or undefined with `error` set. Typed values (times, status, byte
   * counts, durations, ports) that cannot be read make the record bad: they are the usual sign of a shifted
   * column. Addresses that are not IPs (Squid logs client names with `log_fqdn`) go to additional_attrs. The
   * event's id is core's, with `ordinal` (the line number), hashed while the fields are set.
   */
  finish(tc: TimeContext, stamp: EventStamp, ordinal?: number): ProxyEvent | undefined {
    const v = this.v;
    const time = this.#time(tc);
    if (!(time >= 0)) return this.#fail('SL_PROXY_BAD_VALUE', this.#timeProblem(tc));

    // Typed values first: a bad one makes the record bad before anything is built.
    let s: string | undefined;
    const nums = this.n;
    let duration = nums[Slot.DURATION_MS]!;
    if (!Number.isNaN(duration)) {
      // read as a number already
    } else if ((s = v[Slot.DURATION_MS]) !== undefined) {
      duration = parseDecimal(s);
      if (Number.isNaN(duration)) return this.#fail('SL_PROXY_BAD_VALUE', `time-taken ${JSON.stringify(s)} is not a duration in milliseconds`);
    } else if ((s = v[Slot.DURATION_S]) !== undefined) {
      duration = parseDecimal(s) * 1000;
      if (Number.isNaN(duration)) return this.#fail('SL_PROXY_BAD_VALUE', `duration ${JSON.stringify(s)} is not a number of seconds`);
    }
    let srcPort = nums[Slot.SRC_PORT]!;
    if ((s = v[Slot.SRC_PORT]) !== undefined) {
      srcPort = parseCount(s);
      if (!(srcPort <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `client port ${JSON.stringify(s)} is not a port number`);
    }
    let status = nums[Slot.STATUS]!;
    if ((s = v[Slot.STATUS]) !== undefined) {
      status = parseCount(s);
      if (!(status <= 999)) return this.#fail('SL_PROXY_BAD_VALUE', `status ${JSON.stringify(s)} is not an HTTP status code`);
    }
    let inBytes = nums[Slot.IN_BYTES]!;
    if ((s = v[Slot.IN_BYTES]) !== undefined) {
      inBytes = parseCount(s);
      if (Number.isNaN(inBytes)) return this.#fail('SL_PROXY_BAD_VALUE', `sc-bytes ${JSON.stringify(s)} is not a byte count`);
    }
    let outBytes = nums[Slot.OUT_BYTES]!;
    if ((s = v[Slot.OUT_BYTES]) !== undefined) {
      outBytes = parseCount(s);
      if (Number.isNaN(outBytes)) return this.#fail('SL_PROXY_BAD_VALUE', `cs-bytes ${JSON.stringify(s)} is not a byte count`);
    }

    // Request line (NCSA "%r") and whole URIs fill the parts the log does not give one by one.
    let method = v[Slot.METHOD];
    let uri = v[Slot.URI];
    let version = v[Slot.HTTP_VERSION];
    if ((s = v[Slot.REQUEST_LINE]) !== undefined) {
      const a = s.indexOf(' ');
      const b = s.lastIndexOf(' ');
      if (a > 0) {
        method ??= s.slice(0, a);
        if (b > a && s.startsWith('HTTP/', b + 1)) {
          uri ??= s.slice(a + 1, b);
          version ??= s.slice(b + 6);
        } else uri ??= s.slice(a + 1);
      } else this.attr('request', s);
    }
    let port = NaN;
    let scheme = v[Slot.SCHEME];
    let host = v[Slot.HOST];
    let path = v[Slot.PATH];
    let query = v[Slot.QUERY];
    if (query !== undefined && query.charCodeAt(0) === 63) query = query.length > 1 ? query.slice(1) : undefined;
    if (uri !== undefined) {
      const u = splitUri(uri, this.#uri);
      scheme ??= u.scheme;
      host ??= u.host;
      path ??= u.path;
      query ??= u.query;
      if (u.port !== undefined) port = u.port;
      this.attr('cs-uri', uri); // the URI as logged: the parts above drop its scheme, port and form
    }
    if ((s = v[Slot.URI_PORT]) !== undefined) {
      port = parseCount(s);
      if (!(port <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `cs-uri-port ${JSON.stringify(s)} is not a port number`);
    } else if (!Number.isNaN(nums[Slot.URI_PORT]!)) port = nums[Slot.URI_PORT]!;
    else if (Number.isNaN(port)) {
      if ((s = v[Slot.S_PORT]) !== undefined) {
        port = parseCount(s);
        if (!(port <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `server port ${JSON.stringify(s)} is not a port number`);
      } else port = nums[Slot.S_PORT]!;
    }

    let srcIp = v[Slot.SRC_IP];
    if (srcIp !== undefined && srcIp !== this.#ipSeen && srcIp !== this.#ipSeen2 && !this.#ip(srcIp)) {
      this.attr('src_host', srcIp);
      srcIp = undefined;
    }
    let dstIp = v[Slot.DST_IP];
    if (dstIp !== undefined && dstIp !== this.#ipSeen && dstIp !== this.#ipSeen2 && !this.#ip(dstIp)) {
      this.attr('dst_host', dstIp);
      dstIp = undefined;
    }
    let supplier = v[Slot.SUPPLIER];
    if ((s = v[Slot.SERVER_OR_PEER]) !== undefined) {
      if (isIpAddress(s)) dstIp ??= s;
      else supplier ??= s;
    }
    const userSlot = v[Slot.USER] !== undefined ? Slot.USER : Slot.USER_ALT;
    const user = v[userSlot];

    // The event, its fields set in the data model's order (ids hash them in that order; one object shape).
    // Object.create rather than a literal: V8 tracks literal sites, and once it sees a batch of events still alive
    // at a scavenge it may allocate every later event of the site in the old generation ("pretenuring"), which
    // measured ~40% slower here. The object is the same plain object either way.
    const e = Object.create(Object.prototype) as ProxyEvent;
    const id = this.#id;
    id.begin();
    e.event_id = '';
    e.event_kind = 'proxy';
    id.string(F.event_kind, 'proxy');
    e.event_time = time;
    id.number(F.event_time, time);
    if (!Number.isNaN(duration)) id.number(F.duration, (e.duration = duration));
    if ((s = v[Slot.DVC_HOST]) !== undefined) this.#str(F.dvc_host, Slot.DVC_HOST, (e.dvc_host = s));
    if (stamp.software !== undefined) id.string(F.dvc_version, (e.dvc_version = stamp.software));
    if (srcIp !== undefined) this.#str(F.src_ip, Slot.SRC_IP, (e.src_ip = srcIp));
    if (dstIp !== undefined) this.#str(F.dst_ip, Slot.DST_IP, (e.dst_ip = dstIp));
    if (!Number.isNaN(srcPort)) id.number(F.src_port, (e.src_port = srcPort));
    if (!Number.isNaN(port)) id.number(F.dst_port, (e.dst_port = port));
    if (!Number.isNaN(inBytes)) id.number(F.in_bytes, (e.in_bytes = inBytes));
    if (!Number.isNaN(outBytes)) id.number(F.out_bytes, (e.out_bytes = outBytes));
    if (user !== undefined) this.#str(F.user_name, userSlot, (e.user_name = user));
    if (this.attrs !== undefined) id.value(F.additional_attrs, (e.additional_attrs = this.attrs));
    if (method !== undefined) this.#str(F.prx_method, Slot.METHOD, (e.prx_method = method));
    if (scheme !== undefined) this.#str(F.prx_scheme, Slot.SCHEME, (e.prx_scheme = scheme));
    if (host !== undefined) this.#str(F.prx_host, Slot.HOST, (e.prx_host = host));
    if (path !== undefined) this.#str(F.prx_path, Slot.PATH, (e.prx_path = path));
    if (query !== undefined) this.#str(F.prx_query, Slot.QUERY, (e.prx_query = query));
    if ((s = v[Slot.EXTENSION]) !== undefined) this.#str(F.prx_extension, Slot.EXTENSION, (e.prx_extension = s));
    // Spot's fulluri: host + path (when longer than "/") + query.
    const full = (host ?? '') + (path !== undefined && path.length > 1 ? path : '') + (query !== undefined ? `?${query}` : '');
    if (full !== '') id.string(F.prx_uri, (e.prx_uri = full));
    if (!Number.isNaN(status)) id.number(F.prx_code, (e.prx_code = status));
    if ((s = v[Slot.ACTION]) !== undefined) this.#str(F.prx_action, Slot.ACTION, (e.prx_action = s));
    if ((s = v[Slot.FILTER_RESULT]) !== undefined) this.#str(F.prx_filter_result, Slot.FILTER_RESULT, (e.prx_filter_result = s));
    if ((s = v[Slot.FILTER_RULE]) !== undefined) this.#str(F.prx_filter_rule, Slot.FILTER_RULE, (e.prx_filter_rule = s));
    if ((s = v[Slot.CATEGORY]) !== undefined) this.#str(F.prx_category, Slot.CATEGORY, (e.prx_category = s));
    if ((s = v[Slot.REFERRER]) !== undefined) this.#str(F.prx_referrer, Slot.REFERRER, (e.prx_referrer = s));
    if ((s = v[Slot.BROWSER]) !== undefined) this.#str(F.prx_browser, Slot.BROWSER, (e.prx_browser = s));
    if ((s = v[Slot.CTYPE]) !== undefined) this.#str(F.prx_type, Slot.CTYPE, (e.prx_type = s));
    if ((s = v[Slot.AUTH_GROUP]) !== undefined) this.#str(F.prx_auth_group, Slot.AUTH_GROUP, (e.prx_auth_group = s));
    if ((s = v[Slot.EXCEPTION]) !== undefined) this.#str(F.prx_exception_id, Slot.EXCEPTION, (e.prx_exception_id = s));
    if ((s = v[Slot.HIERARCHY]) !== undefined) this.#str(F.prx_hierarchy, Slot.HIERARCHY, (e.prx_hierarchy = s));
    if (supplier !== undefined) this.#str(F.prx_supplier, Slot.SUPPLIER, (e.prx_supplier = supplier));
    if ((s = v[Slot.SITE]) !== undefined) this.#str(F.prx_site, Slot.SITE, (e.prx_site = s));
    if ((s = v[Slot.VIRUS]) !== undefined) this.#str(F.prx_virus_id, Slot.VIRUS, (e.prx_virus_id = s));
    if ((s = v[Slot.APP_NAME]) !== undefined) this.#str(F.prx_app_name, Slot.APP_NAME, (e.prx_app_name = s));
    if ((s = v[Slot.APP_OP]) !== undefined) this.#str(F.prx_app_operation, Slot.APP_OP, (e.prx_app_operation = s));
    if (version !== undefined) this.#str(F.prx_http_version, Slot.HTTP_VERSION, (e.prx_http_version = version));
    e.event_id = id.finish(ordinal);
    return e;
  }
}
