import './error-codes.js';
import { isIP } from 'node:net';
import type { ErrorCode, ProxyEvent } from '@sightline/core';
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

/** Fixed per-input facts copied onto every event. */
export interface EventStamp {
  readonly source: string;
  /** The `#Software:` directive (device and version), when the log has one. */
  software: string | undefined;
}

const MAX_INT = Number.MAX_SAFE_INTEGER;

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

/**
 * One record's values by slot, filled while a line is read and turned into an ODM proxy event by `finish`.
 * One draft is reused for every line of an input (reset per line), so reading a line allocates only the value
 * strings, the event and, when the line has fields without an ODM column, its additional_attrs.
 */
export class RecordDraft {
  date: string | undefined = undefined;
  time: string | undefined = undefined;
  dateLocal: string | undefined = undefined;
  timeLocal: string | undefined = undefined;
  epoch: string | undefined = undefined;
  epochMs: string | undefined = undefined;
  clfTime: string | undefined = undefined;
  durationMs: string | undefined = undefined;
  durationS: string | undefined = undefined;
  srcIp: string | undefined = undefined;
  srcPort: string | undefined = undefined;
  user: string | undefined = undefined;
  userAlt: string | undefined = undefined;
  authGroup: string | undefined = undefined;
  dstIp: string | undefined = undefined;
  serverOrPeer: string | undefined = undefined;
  sPort: string | undefined = undefined;
  uriPort: string | undefined = undefined;
  method: string | undefined = undefined;
  scheme: string | undefined = undefined;
  host: string | undefined = undefined;
  path: string | undefined = undefined;
  query: string | undefined = undefined;
  extension: string | undefined = undefined;
  uri: string | undefined = undefined;
  requestLine: string | undefined = undefined;
  status: string | undefined = undefined;
  action: string | undefined = undefined;
  filterResult: string | undefined = undefined;
  filterRule: string | undefined = undefined;
  category: string | undefined = undefined;
  referrer: string | undefined = undefined;
  browser: string | undefined = undefined;
  ctype: string | undefined = undefined;
  exception: string | undefined = undefined;
  hierarchy: string | undefined = undefined;
  supplier: string | undefined = undefined;
  site: string | undefined = undefined;
  virus: string | undefined = undefined;
  appName: string | undefined = undefined;
  appOp: string | undefined = undefined;
  httpVersion: string | undefined = undefined;
  inBytes: string | undefined = undefined;
  outBytes: string | undefined = undefined;
  dvcHost: string | undefined = undefined;
  attrs: Record<string, string> | undefined = undefined;
  /** Why `finish` returned undefined. */
  error: RecordError | undefined = undefined;
  readonly #uri: UriParts = { scheme: undefined, host: undefined, port: undefined, path: undefined, query: undefined };

  reset(): void {
    this.date = this.time = this.dateLocal = this.timeLocal = this.epoch = this.epochMs = this.clfTime = undefined;
    this.durationMs = this.durationS = this.srcIp = this.srcPort = this.user = this.userAlt = this.authGroup = undefined;
    this.dstIp = this.serverOrPeer = this.sPort = this.uriPort = this.method = this.scheme = this.host = undefined;
    this.path = this.query = this.extension = this.uri = this.requestLine = this.status = this.action = undefined;
    this.filterResult = this.filterRule = this.category = this.referrer = this.browser = this.ctype = undefined;
    this.exception = this.hierarchy = this.supplier = this.site = this.virus = this.appName = this.appOp = undefined;
    this.httpVersion = this.inBytes = this.outBytes = this.dvcHost = undefined;
    this.attrs = undefined;
    this.error = undefined;
  }

  /** Keeps a value that has no ODM column (empty values are left out). */
  attr(key: string, value: string): void {
    if (isEmpty(value)) return;
    (this.attrs ??= {})[key] = value;
  }

  /** Files a value under its slot; `key` names it in additional_attrs when the slot has no column. */
  set(slot: number, value: string, key: string): void {
    switch (slot) {
      case Slot.DATE: this.date = value; break;
      case Slot.TIME: this.time = value; break;
      case Slot.DATE_LOCAL: this.dateLocal = value; break;
      case Slot.TIME_LOCAL: this.timeLocal = value; break;
      case Slot.EPOCH: this.epoch = value; break;
      case Slot.EPOCH_MS: this.epochMs = value; break;
      case Slot.GMTTIME:
      case Slot.LOCALTIME: this.clfTime = value; break;
      case Slot.DURATION_MS: this.durationMs = value; break;
      case Slot.DURATION_S: this.durationS = value; break;
      case Slot.SRC_IP: this.srcIp = value; break;
      case Slot.SRC_PORT: this.srcPort = value; break;
      case Slot.USER: this.user = value; break;
      case Slot.USER_ALT: this.userAlt = value; break;
      case Slot.AUTH_GROUP: this.authGroup = value; break;
      case Slot.DST_IP: this.dstIp = value; break;
      case Slot.SERVER_OR_PEER: this.serverOrPeer = value; break;
      case Slot.S_PORT: this.sPort = value; break;
      case Slot.URI_PORT: this.uriPort = value; break;
      case Slot.METHOD: this.method = value; break;
      case Slot.SCHEME: this.scheme = value; break;
      case Slot.HOST: this.host = value; break;
      case Slot.PATH: this.path = value; break;
      case Slot.QUERY: this.query = value; break;
      case Slot.EXTENSION: this.extension = value; break;
      case Slot.URI: this.uri = value; break;
      case Slot.REQUEST_LINE: this.requestLine = value; break;
      case Slot.STATUS: this.status = value; break;
      case Slot.ACTION: this.action = value; break;
      case Slot.FILTER_RESULT: this.filterResult = value; break;
      case Slot.FILTER_RULE: this.filterRule = value; break;
      case Slot.CATEGORY: this.category = value; break;
      case Slot.REFERRER: this.referrer = value; break;
      case Slot.BROWSER: this.browser = value; break;
      case Slot.CTYPE: this.ctype = value; break;
      case Slot.EXCEPTION: this.exception = value; break;
      case Slot.HIERARCHY: this.hierarchy = value; break;
      case Slot.SUPPLIER: this.supplier = value; break;
      case Slot.SITE: this.site = value; break;
      case Slot.VIRUS: this.virus = value; break;
      case Slot.APP_NAME: this.appName = value; break;
      case Slot.APP_OP: this.appOp = value; break;
      case Slot.HTTP_VERSION: this.httpVersion = value; break;
      case Slot.IN_BYTES: this.inBytes = value; break;
      case Slot.OUT_BYTES: this.outBytes = value; break;
      case Slot.DVC_HOST: this.dvcHost = value; break;
      default: this.attr(key, value);
    }
  }

  #fail(code: ErrorCode, message: string): undefined {
    this.error = { code, message };
    return undefined;
  }

  #time(tc: TimeContext): number {
    if (!isEmpty(this.epoch)) {
      const ms = parseEpochSeconds(this.epoch);
      if (isEmpty(this.epochMs)) return ms;
      const frac = parseCount(this.epochMs);
      return Number.isNaN(ms) || Number.isNaN(frac) || frac > 999 ? NaN : ms + frac;
    }
    if (!isEmpty(this.time)) {
      const tod = parseHms(this.time);
      const day = isEmpty(this.date) ? tc.directiveDay : parseYmd(this.date);
      const local = day + tod;
      return Number.isNaN(tc.gmtOffset) ? local : local - tc.gmtOffset * 60_000;
    }
    if (!isEmpty(this.timeLocal)) {
      const tod = parseHms(this.timeLocal);
      const day = isEmpty(this.dateLocal) ? tc.directiveDay : parseYmd(this.dateLocal);
      return tc.zone(day + tod);
    }
    if (!isEmpty(this.clfTime)) return parseClfTime(this.clfTime);
    return NaN;
  }

  #timeProblem(tc: TimeContext): string {
    if (!isEmpty(this.epoch)) return `the time ${JSON.stringify(this.epoch + (isEmpty(this.epochMs) ? '' : `.${this.epochMs}`))} is not seconds since 1970`;
    if (!isEmpty(this.time)) {
      if (isEmpty(this.date) && Number.isNaN(tc.directiveDay)) return `the line has a time (${this.time}) but no date, and no #Date directive came before it`;
      return `date/time ${JSON.stringify(`${this.date ?? ''} ${this.time}`.trim())} cannot be read`;
    }
    if (!isEmpty(this.timeLocal)) return `local date/time ${JSON.stringify(`${this.dateLocal ?? ''} ${this.timeLocal}`.trim())} cannot be read`;
    if (!isEmpty(this.clfTime)) return `time ${JSON.stringify(this.clfTime)} cannot be read`;
    return 'the line has no date or time';
  }

  /**
   * The ODM proxy event for the values read, or undefined with `error` set. Typed values (times, status, byte
   * counts, durations, ports) that cannot be read make the record bad: they are the usual sign of a shifted
   * column. Addresses that are not IPs (Squid logs client names with `log_fqdn`) go to additional_attrs.
   */
  finish(tc: TimeContext, stamp: EventStamp): ProxyEvent | undefined {
    const time = this.#time(tc);
    if (!(time >= 0)) return this.#fail('SL_PROXY_BAD_VALUE', this.#timeProblem(tc));
    const e = { event_id: '', event_kind: 'proxy', event_time: time } as ProxyEvent;
    e.event_source = stamp.source;
    if (stamp.software !== undefined) e.dvc_version = stamp.software;

    if (!isEmpty(this.durationMs)) {
      const v = parseDecimal(this.durationMs);
      if (Number.isNaN(v)) return this.#fail('SL_PROXY_BAD_VALUE', `time-taken ${JSON.stringify(this.durationMs)} is not a duration in milliseconds`);
      e.duration = v;
    } else if (!isEmpty(this.durationS)) {
      const v = parseDecimal(this.durationS);
      if (Number.isNaN(v)) return this.#fail('SL_PROXY_BAD_VALUE', `duration ${JSON.stringify(this.durationS)} is not a number of seconds`);
      e.duration = v * 1000;
    }

    if (!isEmpty(this.srcIp)) {
      if (isIpAddress(this.srcIp)) e.src_ip = this.srcIp;
      else this.attr('src_host', this.srcIp);
    }
    if (!isEmpty(this.srcPort)) {
      const v = parseCount(this.srcPort);
      if (!(v <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `client port ${JSON.stringify(this.srcPort)} is not a port number`);
      e.src_port = v;
    }
    if (!isEmpty(this.dstIp)) {
      if (isIpAddress(this.dstIp)) e.dst_ip = this.dstIp;
      else this.attr('dst_host', this.dstIp);
    }
    if (!isEmpty(this.serverOrPeer)) {
      if (isIpAddress(this.serverOrPeer)) {
        if (e.dst_ip === undefined) e.dst_ip = this.serverOrPeer;
      } else if (isEmpty(this.supplier)) this.supplier = this.serverOrPeer;
    }

    const user = isEmpty(this.user) ? this.userAlt : this.user;
    if (!isEmpty(user)) e.user_name = user;

    // Request line (NCSA "%r") and whole URIs fill the parts the log does not give one by one.
    let method = this.method;
    let uri = this.uri;
    if (!isEmpty(this.requestLine)) {
      const r = this.requestLine;
      const a = r.indexOf(' ');
      const b = r.lastIndexOf(' ');
      if (a > 0) {
        method ??= r.slice(0, a);
        if (b > a && r.startsWith('HTTP/', b + 1)) {
          uri ??= r.slice(a + 1, b);
          this.httpVersion ??= r.slice(b + 6);
        } else uri ??= r.slice(a + 1);
      } else this.attr('request', r);
    }
    if (!isEmpty(method)) e.prx_method = method;
    let port: number | undefined;
    let scheme = isEmpty(this.scheme) ? undefined : this.scheme;
    let host = isEmpty(this.host) ? undefined : this.host;
    let path = isEmpty(this.path) ? undefined : this.path;
    let query = isEmpty(this.query) ? undefined : this.query.charCodeAt(0) === 63 ? this.query.slice(1) : this.query;
    if (query === '') query = undefined;
    if (!isEmpty(uri)) {
      const u = splitUri(uri, this.#uri);
      scheme ??= u.scheme;
      host ??= u.host;
      path ??= u.path;
      query ??= u.query;
      if (u.port !== undefined && !Number.isNaN(u.port)) port = u.port;
      this.attr('cs-uri', uri); // the URI as logged: the parts above drop its scheme, port and form
    }
    if (!isEmpty(this.uriPort)) {
      const v = parseCount(this.uriPort);
      if (!(v <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `cs-uri-port ${JSON.stringify(this.uriPort)} is not a port number`);
      port = v;
    } else if (port === undefined && !isEmpty(this.sPort)) {
      const v = parseCount(this.sPort);
      if (!(v <= 65535)) return this.#fail('SL_PROXY_BAD_VALUE', `server port ${JSON.stringify(this.sPort)} is not a port number`);
      port = v;
    }
    if (port !== undefined) e.dst_port = port;
    if (scheme !== undefined) e.prx_scheme = scheme;
    if (host !== undefined) e.prx_host = host;
    if (path !== undefined) e.prx_path = path;
    if (query !== undefined) e.prx_query = query;
    if (!isEmpty(this.extension)) e.prx_extension = this.extension;
    // Spot's fulluri: host + path (when longer than "/") + query.
    const full = (host ?? '') + (path !== undefined && path.length > 1 ? path : '') + (query !== undefined ? `?${query}` : '');
    if (full !== '') e.prx_uri = full;

    if (!isEmpty(this.status)) {
      const v = parseCount(this.status);
      if (!(v <= 999)) return this.#fail('SL_PROXY_BAD_VALUE', `status ${JSON.stringify(this.status)} is not an HTTP status code`);
      e.prx_code = v;
    }
    if (!isEmpty(this.action)) e.prx_action = this.action;
    if (!isEmpty(this.filterResult)) e.prx_filter_result = this.filterResult;
    if (!isEmpty(this.filterRule)) e.prx_filter_rule = this.filterRule;
    if (!isEmpty(this.category)) e.prx_category = this.category;
    if (!isEmpty(this.referrer)) e.prx_referrer = this.referrer;
    if (!isEmpty(this.browser)) e.prx_browser = this.browser;
    if (!isEmpty(this.ctype)) e.prx_type = this.ctype;
    if (!isEmpty(this.authGroup)) e.prx_auth_group = this.authGroup;
    if (!isEmpty(this.exception)) e.prx_exception_id = this.exception;
    if (!isEmpty(this.hierarchy)) e.prx_hierarchy = this.hierarchy;
    if (!isEmpty(this.supplier)) e.prx_supplier = this.supplier;
    if (!isEmpty(this.site)) e.prx_site = this.site;
    if (!isEmpty(this.virus)) e.prx_virus_id = this.virus;
    if (!isEmpty(this.appName)) e.prx_app_name = this.appName;
    if (!isEmpty(this.appOp)) e.prx_app_operation = this.appOp;
    if (!isEmpty(this.httpVersion)) e.prx_http_version = this.httpVersion;
    if (!isEmpty(this.inBytes)) {
      const v = parseCount(this.inBytes);
      if (Number.isNaN(v)) return this.#fail('SL_PROXY_BAD_VALUE', `sc-bytes ${JSON.stringify(this.inBytes)} is not a byte count`);
      e.in_bytes = v;
    }
    if (!isEmpty(this.outBytes)) {
      const v = parseCount(this.outBytes);
      if (Number.isNaN(v)) return this.#fail('SL_PROXY_BAD_VALUE', `cs-bytes ${JSON.stringify(this.outBytes)} is not a byte count`);
      e.out_bytes = v;
    }
    if (!isEmpty(this.dvcHost)) e.dvc_host = this.dvcHost;
    if (this.attrs !== undefined) e.additional_attrs = this.attrs;
    return e;
  }
}
