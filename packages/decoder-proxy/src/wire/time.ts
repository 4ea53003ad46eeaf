/**
 * Date and time fields of proxy logs, read from their characters (no regular expression, no Date parsing on the
 * hot path). Every parser returns NaN for a value it cannot read; callers turn that into a coded issue.
 */

const DAY_MS = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Reads `n` decimal digits at `i`, or -1. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(s, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const dim = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= dim;
}

/** `YYYY-MM-DD` (or `YYYY/MM/DD`) -> epoch ms of that day's midnight UTC. */
export function parseYmd(s: string): number {
  if (s.length !== 10) return NaN;
  const sep = s.charCodeAt(4);
  if ((sep !== 45 && sep !== 47) || s.charCodeAt(7) !== sep) return NaN;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 0 || m < 0 || d < 0 || !validDay(y, m, d)) return NaN;
  return Date.UTC(y, m - 1, d);
}

/** `HH:MM:SS` with an optional fraction (`.363`, `.123456`) -> ms since midnight. One-digit hours are accepted. */
export function parseHms(s: string): number {
  const n = s.length;
  const hl = s.charCodeAt(1) === 58 ? 1 : 2;
  if (n < hl + 6 || s.charCodeAt(hl) !== 58 || s.charCodeAt(hl + 3) !== 58) return NaN;
  const h = digits(s, 0, hl);
  const mi = digits(s, hl + 1, 2);
  const se = digits(s, hl + 4, 2);
  if (h < 0 || mi < 0 || se < 0 || h > 23 || mi > 59 || se > 60) return NaN;
  let ms = 0;
  let i = hl + 6;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 || i + 1 === n) return NaN;
    let scale = 100;
    for (i++; i < n; i++) {
      const d = digit(s, i);
      if (d < 0) return NaN;
      ms += d * scale;
      scale /= 10;
    }
    ms = Math.floor(ms + 1e-9);
  }
  return ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

function monthOf(s: string, i: number): number {
  const name = s.slice(i, i + 3).toLowerCase();
  return MONTHS.indexOf(name) + 1;
}

/** `+hhmm`, `-hh:mm`, `+hh` -> minutes east of UTC, or NaN. */
export function parseOffset(s: string): number {
  const t = s.trim();
  const sign = t.charCodeAt(0) === 45 ? -1 : t.charCodeAt(0) === 43 ? 1 : 0;
  if (sign === 0) return NaN;
  const body = t.slice(1).replace(':', '');
  if (body.length !== 4 && body.length !== 2) return NaN;
  const h = digits(body, 0, 2);
  const m = body.length === 4 ? digits(body, 2, 2) : 0;
  if (h < 0 || m < 0 || h > 14 || m > 59) return NaN;
  return sign * (h * 60 + m);
}

/**
 * NCSA / Squid `%tl` times and ProxySG `gmttime`/`localtime`: `[10/Oct/2000:13:55:36 -0700]`,
 * `10/Oct/2000:13:55:36 +0000`, `[10/10/2000:13:55:36 GMT]` (brackets optional) -> UTC epoch ms. A time without
 * an offset is taken as UTC.
 */
export function parseClfTime(raw: string): number {
  let s = raw;
  if (s.charCodeAt(0) === 91) s = s.slice(1);
  if (s.charCodeAt(s.length - 1) === 93) s = s.slice(0, -1);
  const a = s.indexOf('/');
  const b = s.indexOf('/', a + 1);
  if (a < 1 || a > 2 || b < 0) return NaN;
  const d = digits(s, 0, a);
  const m = b - a - 1 === 3 ? monthOf(s, a + 1) : digits(s, a + 1, b - a - 1);
  const y = digits(s, b + 1, 4);
  if (d < 0 || m < 1 || y < 0 || !validDay(y, m, d) || s.charCodeAt(b + 5) !== 58) return NaN;
  const space = s.indexOf(' ', b + 6);
  const tod = parseHms(space < 0 ? s.slice(b + 6) : s.slice(b + 6, space));
  if (Number.isNaN(tod)) return NaN;
  let offset = 0;
  if (space >= 0) {
    const zone = s.slice(space + 1);
    if (zone !== 'GMT' && zone !== 'UTC' && zone !== 'Z') offset = parseOffset(zone);
  }
  if (Number.isNaN(offset)) return NaN;
  return Date.UTC(y, m - 1, d) + tod - offset * 60_000;
}

/**
 * The `#Date:`/`#Start-Date:` directive value: `2002-05-02 17:42:15` or `28/Jun/2017 07:28:59` -> the day
 * (epoch ms of midnight UTC) and the full time, or undefined.
 */
export function parseDirectiveDate(raw: string): { day: number; time: number } | undefined {
  const s = raw.trim();
  const space = s.indexOf(' ');
  const datePart = space < 0 ? s : s.slice(0, space);
  const timePart = space < 0 ? '00:00:00' : s.slice(space + 1).trim();
  let day = parseYmd(datePart);
  if (Number.isNaN(day)) {
    const p = datePart.split('/');
    if (p.length === 3 && p[1]!.length === 3) {
      const d = Number(p[0]);
      const m = monthOf(p[1]!, 0);
      const y = Number(p[2]);
      if (Number.isInteger(d) && Number.isInteger(y) && validDay(y, m, d)) day = Date.UTC(y, m - 1, d);
    }
  }
  const tod = parseHms(timePart);
  if (Number.isNaN(day) || Number.isNaN(tod)) return undefined;
  return { day, time: day + tod };
}

/** Seconds since the epoch with an optional fraction (`1157689312.049`) -> ms, or NaN. */
export function parseEpochSeconds(s: string): number {
  const n = s.length;
  if (n === 0 || n > 24) return NaN;
  let i = 0;
  let sec = 0;
  for (; i < n; i++) {
    const d = digit(s, i);
    if (d < 0) break;
    sec = sec * 10 + d;
  }
  if (i === 0) return NaN;
  let ms = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 || i + 1 === n) return NaN;
    let scale = 100;
    for (i++; i < n; i++) {
      const d = digit(s, i);
      if (d < 0) return NaN;
      ms += d * scale;
      scale /= 10;
    }
  }
  return sec * 1000 + Math.floor(ms + 1e-9);
}

/** Turns a local wall-clock time (as if it were UTC) into UTC epoch ms. */
export type LocalToUtc = (localMs: number) => number;

/**
 * A time zone from the config: `UTC`, a fixed offset (`+02:00`, `-0800`) or an IANA zone (`Europe/Paris`, with
 * its daylight-saving rules). Returns undefined for a name the runtime does not know.
 */
export function timeZone(name: string): LocalToUtc | undefined {
  if (name === 'UTC' || name === 'Z' || name === 'GMT') return (ms) => ms;
  const fixed = parseOffset(name);
  if (!Number.isNaN(fixed)) return (ms) => ms - fixed * 60_000;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
  // Offset of the zone at a UTC instant, cached per hour (offsets change on the hour or half hour at most).
  const cache = new Map<number, number>();
  const offsetAt = (utcMs: number): number => {
    const key = Math.floor(utcMs / 1_800_000);
    let off = cache.get(key);
    if (off === undefined) {
      const parts = format.formatToParts(new Date(key * 1_800_000));
      const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
      const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
      off = asUtc - key * 1_800_000;
      if (cache.size > 4096) cache.clear();
      cache.set(key, off);
    }
    return off;
  };
  return (local) => {
    // Two steps settle the offset for times away from a transition; in a gap or overlap the earlier offset wins.
    const first = local - offsetAt(local);
    return local - offsetAt(first);
  };
}

export { DAY_MS };
