import { type DnsEvent, type EventKind, type FlowEvent, type InputSource, type OdmEvent, type ProxyEvent, assignEventId } from '@sightline/core';

/**
 * A seeded generator of open-data-model events with the shape of an enterprise network (services with their
 * usual ports and volumes, a day/night rhythm, a popular-site skew) and optional planted anomalies. It feeds the
 * sample pipeline and the benchmarks at any scale without holding anything in memory: events are produced as
 * NDJSON bytes while the consumer pulls. The wire-format simulator (NetFlow, pcap, proxy logs) is
 * @sightline/simulator; this is the framework's own load generator.
 */
export interface SyntheticSpec {
  readonly kind: EventKind;
  readonly events: number;
  readonly seed: number;
  readonly start: number;
  readonly spanMs: number;
  readonly hosts: number;
  /** Planted rare events, spread evenly; each carries `additional_attrs.planted`. */
  readonly anomalies: number;
}

function prng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Minute-of-day CDF of a working-day rhythm: quiet nights, a peak after lunch.
const MINUTE_CDF = (() => {
  const w = new Float64Array(1440);
  let sum = 0;
  for (let m = 0; m < 1440; m++) {
    const h = m / 60;
    sum += 0.15 + Math.exp(-(((h - 13) / 3.5) ** 2)) + 0.4 * Math.exp(-(((h - 9.5) / 1.5) ** 2));
    w[m] = sum;
  }
  for (let m = 0; m < 1440; m++) w[m]! /= sum;
  return w;
})();

function minuteOfDay(u: number): number {
  let lo = 0;
  let hi = 1439;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (MINUTE_CDF[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DAY = 86_400_000;

interface Service {
  readonly port: number;
  readonly proto: number;
  readonly weight: number;
  readonly internal: boolean;
  readonly bytes: number; // median bytes client -> server
}

const SERVICES: readonly Service[] = [
  { port: 443, proto: 6, weight: 55, internal: false, bytes: 2400 },
  { port: 80, proto: 6, weight: 12, internal: false, bytes: 900 },
  { port: 53, proto: 17, weight: 15, internal: true, bytes: 70 },
  { port: 445, proto: 6, weight: 5, internal: true, bytes: 6000 },
  { port: 389, proto: 6, weight: 3, internal: true, bytes: 800 },
  { port: 123, proto: 17, weight: 2, internal: false, bytes: 76 },
  { port: 22, proto: 6, weight: 2, internal: true, bytes: 3000 },
  { port: 993, proto: 6, weight: 2, internal: false, bytes: 1500 },
  { port: 8080, proto: 6, weight: 4, internal: false, bytes: 1200 },
];
const SERVICE_CDF = (() => {
  const total = SERVICES.reduce((n, s) => n + s.weight, 0);
  let acc = 0;
  return SERVICES.map((s) => (acc += s.weight / total));
})();

const SITES = Array.from({ length: 300 }, (_, i) => (i < 40 ? `www.site${i}.example.com` : `cdn${i}.content${i % 37}.example.net`));
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Microsoft-CryptoAPI/10.0',
  'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50',
];

function internalHost(i: number): string {
  return `10.1.${Math.floor(i / 250)}.${(i % 250) + 2}`;
}

function externalHost(r: () => number): string {
  const nets = ['198.51.100', '203.0.113', '192.0.2'];
  return `${nets[Math.floor(r() * 3)]}.${1 + Math.floor(r() * 254)}`;
}

/** Zipf-like pick in [0, n): small indexes far more often. */
function zipf(r: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * r() ** 3));
}

function lognormal(r: () => number, median: number): number {
  const u = Math.max(1e-12, r());
  const v = r();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(40, Math.round(median * Math.exp(0.9 * z)));
}

/** The events, in time order. */
export function* syntheticEvents(spec: SyntheticSpec): Generator<OdmEvent> {
  const r = prng(spec.seed);
  const days = Math.max(1, Math.round(spec.spanMs / DAY));
  const plantEvery = spec.anomalies > 0 ? Math.floor(spec.events / (spec.anomalies + 1)) : 0;
  const spanMs = Math.max(1, spec.spanMs);
  for (let i = 0; i < spec.events; i++) {
    // Time: progress through the span, bent by the day's rhythm.
    const x = (i + r()) / spec.events;
    const dayIndex = Math.min(days - 1, Math.floor(x * days));
    const inDay = x * days - dayIndex;
    const minute = minuteOfDay(inDay);
    const time = Math.min(spec.start + spanMs - 1, spec.start + dayIndex * DAY + minute * 60_000 + Math.floor(r() * 60_000));
    const host = internalHost(zipf(r, spec.hosts));
    const planted = plantEvery > 0 && i % plantEvery === plantEvery - 1 && i / plantEvery <= spec.anomalies;
    let e: OdmEvent;
    if (spec.kind === 'flow') e = flow(r, time, host, planted, spec);
    else if (spec.kind === 'dns') e = dns(r, time, host, planted);
    else e = proxy(r, time, host, planted);
    yield assignEventId(e, i);
  }
}

function flow(r: () => number, time: number, host: string, planted: boolean, spec: SyntheticSpec): FlowEvent {
  if (planted) {
    const bytes = 20_000_000 + Math.floor(r() * 50_000_000);
    // At night when the span covers whole days (the rare hour is part of what makes it stand out).
    const night = spec.spanMs >= DAY ? spec.start + Math.floor((time - spec.start) / DAY) * DAY + (2 * 60 + Math.floor(r() * 120)) * 60_000 : time;
    return {
      event_id: '',
      event_kind: 'flow',
      event_time: night,
      begin_time: night - 600_000,
      end_time: night,
      duration: 600_000,
      dvc_ip: '10.0.0.1',
      src_ip: host,
      dst_ip: `203.0.113.${200 + Math.floor(r() * 50)}`,
      src_port: 49152 + Math.floor(r() * 16000),
      dst_port: [4444, 31337, 6667, 1337][Math.floor(r() * 4)]!,
      n_proto: 6,
      in_bytes: bytes,
      flow_in_packets: Math.ceil(bytes / 1400),
      net_flags: 0x1b,
      flow_version: 9,
      additional_attrs: { planted: 'rare-port-exfiltration' },
    };
  }
  let s = 0;
  const u = r();
  while (SERVICE_CDF[s]! < u) s++;
  const svc = SERVICES[s]!;
  const dst = svc.port === 53 ? '10.0.0.53' : svc.internal ? `10.0.0.${10 + Math.floor(r() * 20)}` : externalHost(r);
  const bytes = lognormal(r, svc.bytes);
  const duration = svc.proto === 17 ? Math.floor(r() * 50) : Math.floor(lognormal(r, 2000));
  return {
    event_id: '',
    event_kind: 'flow',
    event_time: time,
    begin_time: time - duration,
    end_time: time,
    duration,
    dvc_ip: '10.0.0.1',
    src_ip: host,
    dst_ip: dst,
    src_port: 49152 + Math.floor(r() * 16000),
    dst_port: svc.port,
    n_proto: svc.proto,
    in_bytes: bytes,
    flow_in_packets: Math.max(1, Math.round(bytes / (300 + r() * 1100))),
    ...(svc.proto === 6 ? { net_flags: 0x1b } : {}),
    flow_version: 9,
  };
}

function dns(r: () => number, time: number, host: string, planted: boolean): DnsEvent {
  const id = Math.floor(r() * 65536);
  if (planted) {
    let label = '';
    for (let k = 0; k < 48; k++) label += 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(r() * 32)];
    return {
      event_id: '',
      event_kind: 'dns',
      event_time: time,
      src_ip: '10.0.0.53',
      dst_ip: host,
      src_port: 53,
      dst_port: 49152 + Math.floor(r() * 16000),
      n_proto: 17,
      dns_message_type: 'response',
      dns_id: id,
      dns_flags: ['RD', 'RA'],
      dns_query: `${label}.t.exfil-tunnel.example.org`,
      dns_type: 16,
      dns_class: 1,
      dns_response_code: 0,
      dns_answers: [{ name: `${label}.t.exfil-tunnel.example.org`, type: 16, class: 1, ttl: 0, data: `"${label.slice(0, 16)}"` }],
      dns_len: 180 + Math.floor(r() * 60),
      additional_attrs: { planted: 'dns-tunnel' },
    };
  }
  const site = SITES[zipf(r, SITES.length)]!;
  const nx = r() < 0.02;
  return {
    event_id: '',
    event_kind: 'dns',
    event_time: time,
    src_ip: '10.0.0.53',
    dst_ip: host,
    src_port: 53,
    dst_port: 49152 + Math.floor(r() * 16000),
    n_proto: 17,
    dns_message_type: 'response',
    dns_id: id,
    dns_flags: ['RD', 'RA'],
    dns_query: site,
    dns_type: r() < 0.8 ? 1 : 28,
    dns_class: 1,
    dns_response_code: nx ? 3 : 0,
    ...(nx ? {} : { dns_answers: [{ name: site, type: 1, class: 1, ttl: 300, data: externalHost(r) }] }),
    dns_len: 80 + Math.floor(r() * 40),
  };
}

function proxy(r: () => number, time: number, host: string, planted: boolean): ProxyEvent {
  if (planted) {
    const ip = externalHost(r);
    return {
      event_id: '',
      event_kind: 'proxy',
      event_time: time,
      duration: 5000 + Math.floor(r() * 5000),
      src_ip: host,
      dst_ip: ip,
      dst_port: 8443,
      prx_method: 'POST',
      prx_scheme: 'https',
      prx_host: ip,
      prx_path: '/upload.php',
      prx_uri: `${ip}/upload.php`,
      prx_code: 200,
      prx_action: 'TCP_TUNNELED',
      prx_filter_result: 'OBSERVED',
      prx_browser: 'python-requests/2.31',
      prx_type: 'application/octet-stream',
      in_bytes: 300,
      out_bytes: 5_000_000 + Math.floor(r() * 20_000_000),
      additional_attrs: { planted: 'raw-ip-upload' },
    };
  }
  const site = SITES[zipf(r, SITES.length)]!;
  const path = `/${['index.html', 'static/app.js', 'api/v1/items', 'img/logo.png', 'search'][Math.floor(r() * 5)]}`;
  const query = path === '/search' ? `q=${Math.floor(r() * 1e6).toString(36)}` : '';
  const code = r() < 0.85 ? 200 : r() < 0.6 ? 304 : 404;
  return {
    event_id: '',
    event_kind: 'proxy',
    event_time: time,
    duration: lognormal(r, 120),
    src_ip: host,
    dst_ip: externalHost(r),
    dst_port: 443,
    prx_method: r() < 0.9 ? 'GET' : 'POST',
    prx_scheme: 'https',
    prx_host: site,
    prx_path: path,
    ...(query === '' ? {} : { prx_query: query }),
    prx_uri: `${site}${path}${query === '' ? '' : `?${query}`}`,
    prx_code: code,
    prx_action: 'TCP_MISS',
    prx_filter_result: 'OBSERVED',
    prx_category: 'Technology/Internet',
    prx_browser: USER_AGENTS[zipf(r, USER_AGENTS.length)]!,
    prx_type: path.endsWith('.js') ? 'application/javascript' : path.endsWith('.png') ? 'image/png' : 'text/html',
    in_bytes: lognormal(r, 8000),
    out_bytes: lognormal(r, 600),
  };
}

/** The generator as an NDJSON input source (read by the `odm-ndjson` decoder), produced as it is pulled. */
export function syntheticSource(spec: SyntheticSpec, name = `synthetic:${spec.kind}:${spec.events}`): InputSource {
  return {
    name,
    framing: 'stream',
    async *chunks() {
      let text = '';
      let offset = 0;
      for (const e of syntheticEvents(spec)) {
        text += `${JSON.stringify(e)}\n`;
        if (text.length >= 256 * 1024) {
          const bytes = Buffer.from(text);
          yield { bytes, offset };
          offset += bytes.length;
          text = '';
        }
      }
      if (text.length > 0) yield { bytes: Buffer.from(text), offset };
    },
  };
}
