import { PROXYSG_MAIN_FIELDS, SPOT_FIELDS } from './wire/layouts.js';

/**
 * Realistic proxy logs made from a seed, for tests and benchmarks: the project's own fixtures (no captured data
 * is needed to run them). Hosts, paths, query strings, user agents, categories and status codes are drawn from
 * lists shaped like what a corporate ProxySG sees; the same seed gives the same bytes.
 */
export type GeneratedFormat = 'proxysg-elff' | 'spot' | 'squid' | 'combined' | 'iis';

export interface GenerateOptions {
  readonly format: GeneratedFormat;
  readonly lines: number;
  readonly seed?: number;
  /** First record's time, UTC epoch ms. */
  readonly start?: number;
  /** ELFF only: write a new #Fields header (another field order) after this many records. */
  readonly headerChangeEvery?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = [
  'www.google.com', 'fonts.gstatic.com', 'outlook.office365.com', 'login.microsoftonline.com', 'teams.microsoft.com', 'www.bing.com',
  'pixel.tapad.com', 'x.bidswitch.net', 'token.rubiconproject.com', 'ads.pubmatic.com', 'securepubads.g.doubleclick.net', 'www.cnn.com',
  'edition.cnn.com', 'cdn.jsdelivr.net', 'github.com', 'api.github.com', 'objects.githubusercontent.com', 'registry.npmjs.org',
  'update.googleapis.com', 'ctldl.windowsupdate.com', 'settings-win.data.microsoft.com', 'www.linkedin.com', 'media.licdn.com',
  'slack.com', 'files.slack.com', 'zoom.us', 'a.vidoomy.com', 'rules.quantcount.com', 'aax-eu.amazon-adsystem.com', 's3.amazonaws.com',
  'www.wikipedia.org', 'en.wikipedia.org', 'upload.wikimedia.org', 'news.ycombinator.com', 'www.reddit.com', 'i.redd.it',
  'xk3q9v2m7lp0.example-cdn.net', 'r4nd0m-c2-tr4ck3r.biz', 'dl.dropboxusercontent.com', 'drive.google.com',
];
const CATEGORIES = ['Technology/Internet', 'Web Ads/Analytics', 'Search Engines/Portals', 'Business/Economy', 'News', 'Social Networking', 'Content Servers', 'Software Downloads', 'Email', 'Uncategorized', 'Suspicious'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Microsoft-CryptoAPI/10.0',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
  'curl/8.14.1',
  'python-requests/2.31.0',
  'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.71',
  'Go-http-client/1.1',
];
const PATH_WORDS = ['api', 'v1', 'v2', 'static', 'assets', 'js', 'css', 'img', 'sync', 'collect', 'pixel', 'login', 'oauth2', 'authorize', 'token', 'users', 'search', 'news', 'update', 'download', 'cdn', 'media', 'content', 'khaos.json', 'gtag', 'idsync'];
const EXTENSIONS = ['', '', '', '.js', '.css', '.png', '.gif', '.json', '.html', '.cab', '.exe'];
const TYPES = ['text/html', 'application/javascript', 'application/json', 'image/gif', 'image/png', 'text/css', 'application/octet-stream', '-'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'CONNECT', 'HEAD', 'PUT', 'OPTIONS'];
const STATUSES = [200, 200, 200, 200, 200, 204, 301, 302, 302, 304, 403, 404, 407, 500, 503];
const ACTIONS = ['TCP_NC_MISS', 'TCP_MISS', 'TCP_HIT', 'TCP_TUNNELED', 'TCP_DENIED', 'TCP_AUTH_REDIRECT', 'TCP_ACCELERATED', 'TCP_REFRESH_MISS'];
const USERS = ['aeinstein', 'mcurie', 'ilovelace', 'aturing', 'ghopper', '-', '-', 'CORP\\svc_backup', 'nbohr', 'lmeitner'];

interface Record {
  time: number;
  taken: number;
  client: string;
  user: string;
  group: string;
  status: number;
  action: string;
  method: string;
  scheme: string;
  host: string;
  port: number;
  path: string;
  query: string;
  ext: string;
  agent: string;
  referer: string;
  type: string;
  category: string;
  filter: string;
  server: string;
  scBytes: number;
  csBytes: number;
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}

function record(rand: () => number, time: number): Record {
  const method = pick(rand, METHODS);
  const host = pick(rand, HOSTS);
  const connect = method === 'CONNECT';
  const depth = 1 + Math.floor(rand() * 4);
  let path = '';
  for (let i = 0; i < depth; i++) path += `/${pick(rand, PATH_WORDS)}`;
  const ext = connect ? '' : pick(rand, EXTENSIONS);
  path = connect ? '/' : path + ext;
  let query = '-';
  if (!connect && rand() < 0.55) {
    const n = 1 + Math.floor(rand() * 5);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`${pick(rand, ['id', 'uid', 'partner_id', 'gdpr', 'cb', 'v', 'q', 'session', 'redirect_uri'])}=${rand() < 0.3 ? `https%3A%2F%2F${pick(rand, HOSTS)}%2F${hex(rand, 8)}` : hex(rand, 4 + Math.floor(rand() * 28))}`);
    query = `?${parts.join('&')}`;
  }
  const status = connect ? 200 : pick(rand, STATUSES);
  return {
    time,
    taken: Math.floor(rand() * rand() * 5000),
    client: `10.${Math.floor(rand() * 4) + 80}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`,
    user: pick(rand, USERS),
    group: rand() < 0.7 ? '-' : pick(rand, ['"CORP\\Domain Users"', 'Finance', 'Engineering']),
    status,
    action: connect ? 'TCP_TUNNELED' : status === 407 ? 'TCP_AUTH_REDIRECT' : status === 403 ? 'TCP_DENIED' : pick(rand, ACTIONS),
    method,
    scheme: connect ? 'tcp' : rand() < 0.85 ? 'https' : 'http',
    host,
    port: connect || rand() < 0.85 ? 443 : 80,
    path,
    query,
    ext: ext === '' ? '-' : ext.slice(1),
    agent: rand() < 0.08 ? '-' : pick(rand, AGENTS),
    referer: rand() < 0.5 ? '-' : `https://${pick(rand, HOSTS)}/`,
    type: connect ? '-' : pick(rand, TYPES),
    category: pick(rand, CATEGORIES),
    filter: status === 403 ? 'DENIED' : rand() < 0.9 ? 'OBSERVED' : 'PROXIED',
    server: `81.2.69.${140 + Math.floor(rand() * 10)}`,
    scBytes: Math.floor(rand() * rand() * 200000),
    csBytes: 200 + Math.floor(rand() * 2000),
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const ymd = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const hms = (t: number): string => {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const quote = (s: string): string => (s === '-' ? '-' : `"${s.replace(/"/g, '""')}"`);

/** The value of ELFF field `name` for a record, as ProxySG writes it. */
function elffValue(r: Record, name: string): string {
  switch (name) {
    case 'date': return ymd(r.time);
    case 'time': return hms(r.time);
    case 'time-taken': return String(r.taken);
    case 'c-ip': return r.client;
    case 'cs-username': return r.user;
    case 'cs-auth-group': return r.group;
    case 'x-exception-id': return r.status === 403 ? 'policy_denied' : '-';
    case 'sc-filter-result': return r.filter;
    case 'cs-categories': return quote(r.category);
    case 'cs(Referer)': return r.referer;
    case 'sc-status': return String(r.status);
    case 's-action': return r.action;
    case 'cs-method': return r.method;
    case 'rs(Content-Type)': return r.type;
    case 'cs-uri-scheme': return r.scheme;
    case 'cs-host': return r.host;
    case 'cs-uri-port': return String(r.port);
    case 'cs-uri-path': return r.path;
    case 'cs-uri-query': return r.query;
    case 'cs-uri-extension': return r.ext;
    case 'cs(User-Agent)': return quote(r.agent);
    case 's-ip': return r.server;
    case 'sc-bytes': return String(r.scBytes);
    case 'cs-bytes': return String(r.csBytes);
    case 's-supplier-name': return r.host;
    default: return '-';
  }
}

const ELFF_HEADER = (fields: readonly string[], start: number): string[] => [
  '#Software: SGOS 7.3.9.1',
  '#Version: 1.0',
  `#Start-Date: ${ymd(start)} ${hms(start)}`,
  `#Date: ${ymd(start)} ${hms(start)}`,
  `#Fields: ${fields.join(' ')}`,
  '#Remark: 4911005231 "proxy-01" "10.0.0.5" "main"',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Lines of a generated log, header lines included (no line ends). */
export function* generateProxyLog(options: GenerateOptions): Generator<string> {
  const rand = mulberry32(options.seed ?? 1);
  const start = options.start ?? Date.UTC(2026, 0, 5, 8, 0, 0);
  // The second header reorders fields, as an appliance does after its access-log format is edited.
  const alt = [...PROXYSG_MAIN_FIELDS.slice(0, 4), ...[...PROXYSG_MAIN_FIELDS.slice(4)].reverse()];
  let fields = PROXYSG_MAIN_FIELDS;
  let time = start;
  if (options.format === 'proxysg-elff') yield* ELFF_HEADER(fields, start);
  if (options.format === 'iis') {
    yield '#Software: Microsoft Internet Information Services 10.0';
    yield '#Version: 1.0';
    yield `#Date: ${ymd(start)} ${hms(start)}`;
    yield '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
  }
  for (let i = 0; i < options.lines; i++) {
    time += Math.floor(rand() * 40);
    const r = record(rand, time);
    switch (options.format) {
      case 'proxysg-elff':
        if (options.headerChangeEvery !== undefined && i > 0 && i % options.headerChangeEvery === 0) {
          fields = fields === PROXYSG_MAIN_FIELDS ? alt : PROXYSG_MAIN_FIELDS;
          yield* ELFF_HEADER(fields, time);
        }
        yield fields.map((f) => elffValue(r, f)).join(' ');
        break;
      case 'spot':
        yield SPOT_FIELDS.map((f) => elffValue(r, f)).join(' ');
        break;
      case 'squid': {
        const url = r.method === 'CONNECT' ? `${r.host}:${r.port}` : `${r.scheme}://${r.host}${r.path}${r.query === '-' ? '' : r.query}`;
        const user = r.user.includes('\\') ? r.user.replace('\\', '%5C') : r.user;
        yield `${Math.floor(r.time / 1000)}.${pad(r.time % 1000, 3)} ${String(r.taken).padStart(6)} ${r.client} ${r.action}/${r.status} ${r.scBytes} ${r.method} ${url} ${user} ${r.action === 'TCP_HIT' ? 'NONE/-' : `HIER_DIRECT/${r.server}`} ${r.type}`;
        break;
      }
      case 'combined': {
        const d = new Date(r.time);
        const when = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(r.time)} +0000`;
        const target = r.method === 'CONNECT' ? `${r.host}:${r.port}` : `${r.scheme}://${r.host}${r.path}${r.query === '-' ? '' : r.query}`;
        yield `${r.client} - ${r.user.includes('\\') ? '-' : r.user} [${when}] "${r.method} ${target} HTTP/1.1" ${r.status} ${r.scBytes} "${r.referer}" "${r.agent}" ${r.action}:HIER_DIRECT`;
        break;
      }
      case 'iis':
        yield `${ymd(r.time)} ${hms(r.time)} ${r.server} ${r.method} ${r.path} ${r.query === '-' ? '-' : r.query.slice(1)} ${r.port} ${r.user.includes('\\') ? '-' : r.user} ${r.client} ${r.agent === '-' ? '-' : r.agent.replace(/ /g, '+')} ${r.referer} ${r.status} 0 0 ${r.taken}`;
        break;
    }
  }
}

/** A whole generated log as text (each line ends with `\n`). */
export function generateProxyLogText(options: GenerateOptions): string {
  let out = '';
  for (const line of generateProxyLog(options)) out += `${line}\n`;
  return out;
}
