/** The parts of a logged URI. Every part is optional: proxies log absolute URIs, authorities and bare paths. */
export interface UriParts {
  scheme: string | undefined;
  host: string | undefined;
  port: number | undefined;
  path: string | undefined;
  /** Without the leading `?`. */
  query: string | undefined;
}

const HOSTLIKE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function setPathQuery(out: UriParts, rest: string): void {
  const q = rest.indexOf('?');
  if (q < 0) {
    out.path = rest === '' ? undefined : rest;
    out.query = undefined;
  } else {
    out.path = q === 0 ? undefined : rest.slice(0, q);
    out.query = q + 1 < rest.length ? rest.slice(q + 1) : undefined;
  }
}

/** `host`, `host:port`, `[v6]:port` -> host and port (port NaN when present but not a port). */
function setAuthority(out: UriParts, authority: string): void {
  let a = authority;
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(at + 1); // user info is not part of the host
  let host = a;
  let port: number | undefined;
  if (a.charCodeAt(0) === 91) {
    const close = a.indexOf(']');
    host = close < 0 ? a : a.slice(1, close);
    if (close >= 0 && a.charCodeAt(close + 1) === 58) port = portOf(a.slice(close + 2));
  } else {
    const colon = a.lastIndexOf(':');
    if (colon >= 0 && a.indexOf(':') === colon) {
      host = a.slice(0, colon);
      port = colon + 1 < a.length ? portOf(a.slice(colon + 1)) : undefined;
    }
  }
  out.host = host === '' ? undefined : host;
  out.port = port;
}

function portOf(s: string): number {
  if (s.length === 0 || s.length > 5) return NaN;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v <= 65535 ? v : NaN;
}

/**
 * Splits a logged URI into `out`: absolute (`http://host:8080/p?q`, `cache_object://localhost/counters`),
 * authority form (`login.yahoo.com:443`, what CONNECT logs), origin form (`/path?q`) and the scheme-less
 * `host/path` some exports write (`www.example.com/page.php`). A port that is not a number leaves `port` NaN.
 */
export function splitUri(uri: string, out: UriParts): UriParts {
  out.scheme = undefined;
  out.host = undefined;
  out.port = undefined;
  out.path = undefined;
  out.query = undefined;
  if (uri.charCodeAt(0) === 47) {
    setPathQuery(out, uri);
    return out;
  }
  const sep = uri.indexOf('://');
  if (sep > 0) {
    out.scheme = uri.slice(0, sep);
    let rest = uri.slice(sep + 3).trimStart();
    const slash = rest.search(/[/?]/);
    setAuthority(out, slash < 0 ? rest : rest.slice(0, slash));
    rest = slash < 0 ? '' : rest.slice(slash);
    setPathQuery(out, rest);
    return out;
  }
  const slash = uri.indexOf('/');
  const head = slash < 0 ? uri : uri.slice(0, slash);
  if (slash < 0 || HOSTLIKE.test(head.replace(/:\d+$/, ''))) {
    setAuthority(out, head);
    if (slash >= 0) setPathQuery(out, uri.slice(slash));
    return out;
  }
  setPathQuery(out, uri);
  return out;
}
