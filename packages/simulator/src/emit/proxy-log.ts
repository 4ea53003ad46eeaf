import type { ProxyActivity } from '../activity.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function dateTime(ms: number): [string, string] {
  const d = new Date(ms);
  return [`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`];
}

/** Quotes an ELFF field when it has spaces or quotes; `-` for empty. */
function elff(v: string | number): string {
  const s = String(v);
  if (s === '') return '-';
  return /[\s"]/.test(s) ? `"${s.replace(/"/g, "'")}"` : s;
}

/**
 * The ProxySG fields in the order of the bcreportermain_v1 access-log format (the 27 raw positions Apache Spot
 * parsed, apache-spot.md §3.4), announced in a #Fields directive.
 */
export const PROXYSG_FIELDS = [
  'date', 'time', 'time-taken', 'c-ip', 'cs-username', 'cs-auth-group', 'x-exception-id', 'sc-filter-result', 'cs-categories', 'cs(Referer)', 'sc-status', 's-action', 'cs-method', 'rs(Content-Type)',
  'cs-uri-scheme', 'cs-host', 'cs-uri-port', 'cs-uri-path', 'cs-uri-query', 'cs-uri-extension', 'cs(User-Agent)', 's-ip', 'sc-bytes', 'cs-bytes', 'x-virus-id', 'x-bluecoat-application-name', 'x-bluecoat-application-operation',
] as const;

export function proxySgHeader(start: number): string {
  const [date, time] = dateTime(start);
  return [
    '#Software: SGOS 7.3.16.1',
    '#Version: 1.0',
    `#Start-Date: ${date} ${time}`,
    `#Date: ${date} ${time}`,
    `#Fields: ${PROXYSG_FIELDS.join(' ')}`,
    '#Remark: 4506049991 "proxy-1" "10.20.0.8" "main"',
  ].join('\n') + '\n';
}

/** One ProxySG access-log line, stamped with the request's completion time. */
export function proxySgLine(p: ProxyActivity): string {
  const [date, time] = dateTime(p.time + p.durationMs);
  const dot = p.path.lastIndexOf('.');
  const ext = dot > p.path.lastIndexOf('/') ? p.path.slice(dot + 1) : '';
  return [
    date, time, p.durationMs, p.client, p.user, '-', '-', p.filterResult, elff(p.category), elff(p.referer), p.status, p.action, p.method, elff(p.contentType),
    p.scheme, p.host, p.port, p.path, p.query === '' ? '-' : elff(`?${p.query}`), ext === '' ? '-' : ext, elff(p.userAgent), p.serverIp, p.scBytes, p.csBytes, '-', '-', '-',
  ].map((v) => (typeof v === 'number' ? String(v) : v === '' ? '-' : v)).join(' ') + '\n';
}

/** One Squid native access.log line (`%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt`). */
export function squidLine(p: ProxyActivity): string {
  const end = p.time + p.durationMs;
  const ts = `${Math.floor(end / 1000)}.${pad(end % 1000, 3)}`;
  const action = p.action.replace('TCP_NC_MISS', 'TCP_MISS');
  const url = `${p.scheme}://${p.host}${(p.scheme === 'https' && p.port === 443) || (p.scheme === 'http' && p.port === 80) ? '' : `:${p.port}`}${p.path}${p.query === '' ? '' : `?${p.query}`}`;
  return `${ts} ${String(p.durationMs).padStart(6)} ${p.client} ${action}/${pad(p.status, 3)} ${p.scBytes} ${p.method} ${url} ${p.user} HIER_DIRECT/${p.serverIp} ${p.contentType}\n`;
}
