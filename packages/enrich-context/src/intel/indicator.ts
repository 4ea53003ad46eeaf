import { type Network, parseNetwork } from '../ip/network.js';

export type IndicatorType = 'ip' | 'cidr' | 'domain' | 'url';

/** An indicator ready for the index: its kind and the normalised key it is matched by. */
export type ParsedIndicator =
  | { readonly type: 'ip' | 'cidr'; readonly net: Network; readonly text: string }
  | { readonly type: 'domain' | 'url'; readonly key: string; readonly text: string };

const DOMAIN = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Lower-case, without a trailing dot; undefined when it is not a host name. */
export function normalizeDomain(name: string): string | undefined {
  let d = name.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  if (d.startsWith('*.')) d = d.slice(2);
  if (d === '' || d.length > 253 || !DOMAIN.test(d)) return undefined;
  return d;
}

/**
 * The form URLs are matched in: no scheme, no user info, no fragment, host lower-case without a default port
 * (`HTTP://Evil.example:80/a?b` -> `evil.example/a?b`); this is also the shape of proxy `prx_uri` (Spot's
 * `fulluri`: host + path + query). A bare host gets a `/` path.
 */
export function normalizeUrl(url: string): string {
  let u = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(u);
  if (scheme !== null) u = u.slice(scheme[0].length);
  const hash = u.indexOf('#');
  if (hash >= 0) u = u.slice(0, hash);
  let slash = u.search(/[/?]/);
  if (slash < 0) slash = u.length;
  let host = u.slice(0, slash);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  host = host.toLowerCase().replace(/:(80|443)$/, '');
  if (host.endsWith('.')) host = host.slice(0, -1);
  let rest = u.slice(slash);
  if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
  return host + rest;
}

/** Reads an indicator of any type from its text; a string says why it is none. */
export function parseIndicator(text: string, hint?: string): ParsedIndicator | string {
  const t = text.trim();
  if (t === '') return 'empty indicator';
  const type = hint?.trim().toLowerCase();
  if (type === 'url' || type === 'uri' || /^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return { type: 'url', key: normalizeUrl(t), text: t };
  if (type === undefined || type === '' || type === 'ip' || type === 'ipv4' || type === 'ipv6' || type === 'ip-dst' || type === 'ip-src' || type === 'cidr' || type === 'ipv4-addr' || type === 'ipv6-addr') {
    const n = parseNetwork(t);
    if (typeof n !== 'string') {
      const single = n.family === 4 ? n.start === n.end : n.start === n.end;
      return { type: single ? 'ip' : 'cidr', net: n, text: t };
    }
    if (type !== undefined && type !== '') return `"${t}" is not an IP address or CIDR (${n})`;
  }
  if (type === undefined || type === '' || type === 'domain' || type === 'hostname' || type === 'fqdn' || type === 'domain-name') {
    if (t.includes('/') && (type === undefined || type === '')) {
      const key = normalizeUrl(t);
      const host = key.slice(0, key.indexOf('/'));
      if (normalizeDomain(host.replace(/:\d+$/, '')) !== undefined || typeof parseNetwork(host) !== 'string') return { type: 'url', key, text: t };
      return `"${t}" is not an IP address, CIDR, domain or URL`;
    }
    const d = normalizeDomain(t);
    if (d !== undefined && (d.includes('.') || type !== undefined)) return { type: 'domain', key: d, text: t };
    return `"${t}" is not an IP address, CIDR, domain or URL`;
  }
  return `unknown indicator type "${hint}" (use ip, cidr, domain or url)`;
}
