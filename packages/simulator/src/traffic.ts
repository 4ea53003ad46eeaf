import type { ActivitySink, DnsAnswer, FlowActivity, Label } from './activity.js';
import { PATHS, SITES, SUBHOSTS, USER_AGENTS, externalAddress } from './catalog.js';
import { type Host, type Network, presence } from './network.js';
import { Rng, Zipf } from './rng.js';

/** How busy the network is. Rates are per host per hour at full presence. */
export interface TrafficRates {
  readonly webSessions: number;
  readonly fileShare: number;
  readonly directory: number;
  readonly mail: number;
  readonly internalDns: number;
  /** Database queries per application server per hour. */
  readonly database: number;
  /** Inbound HTTPS connections per DMZ web server per hour. */
  readonly dmzWeb: number;
  readonly dmzMail: number;
  /** Probability that a web lookup misses the client's DNS cache. */
  readonly dnsMiss: number;
}

export const DEFAULT_RATES: TrafficRates = {
  webSessions: 16,
  fileShare: 4,
  directory: 3,
  mail: 6,
  internalDns: 2,
  database: 300,
  dmzWeb: 400,
  dmzMail: 30,
  dnsMiss: 0.35,
};

const TCP_FULL = 0x1b; // FIN PSH ACK SYN: a complete exchange
const HOUR = 3_600_000;

/** Emits both directions of a TCP or UDP exchange, with packets and bytes that fit the sizes. */
export function exchange(
  sink: ActivitySink,
  rng: Rng,
  o: { start: number; durationMs: number; client: string; server: string; clientPort: number; serverPort: number; proto: number; up: number; down: number; ifIn: number; ifOut: number; label?: Label | undefined },
): void {
  const end = o.start + Math.max(1, Math.round(o.durationMs));
  const mss = 1380;
  const pkts = (bytes: number): number => Math.max(o.proto === 6 ? 3 : 1, Math.ceil(bytes / (mss * (0.6 + 0.4 * rng.next()))));
  const upPackets = pkts(o.up);
  const downPackets = pkts(o.down);
  const flags = o.proto === 6 ? TCP_FULL : 0;
  const base = { proto: o.proto, tos: 0, ...(o.label === undefined ? {} : { label: o.label }) };
  sink.flow({ ...base, start: o.start, end, src: o.client, dst: o.server, srcPort: o.clientPort, dstPort: o.serverPort, packets: upPackets, bytes: o.up + upPackets * 40, tcpFlags: flags, inputIf: o.ifIn, outputIf: o.ifOut });
  if (o.down > 0) {
    const rs = o.start + Math.min(5, Math.round(o.durationMs / 10));
    sink.flow({ ...base, start: rs, end, src: o.server, dst: o.client, srcPort: o.serverPort, dstPort: o.clientPort, packets: downPackets, bytes: o.down + downPackets * 40, tcpFlags: flags, inputIf: o.ifOut, outputIf: o.ifIn });
  }
}

/**
 * The network's ordinary life, a minute at a time: users browse through the proxy (with DNS lookups), use file
 * shares, the directory and mail during their working hours; application servers query databases; the DMZ takes
 * inbound traffic; background agents check for updates. Deterministic for a seed.
 */
export class Traffic {
  readonly #net: Network;
  readonly #rates: TrafficRates;
  readonly #rng: Rng;
  readonly #sites = new Zipf(SITES.length, 1.05);
  readonly #paths = new Zipf(PATHS.length, 0.8);
  #port = 49152;

  constructor(net: Network, rates: TrafficRates, seed: number) {
    this.#net = net;
    this.#rates = rates;
    this.#rng = new Rng(seed, 0x7a11);
  }

  #ephemeral(): number {
    this.#port = this.#port >= 65000 ? 49152 : this.#port + 1 + (this.#rng.u32() & 7);
    return this.#port;
  }

  /** Emits everything that starts within [minute, minute + 60 s). */
  minute(minute: number, sink: ActivitySink): void {
    const r = this.#rng;
    const d = new Date(minute);
    const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
    const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
    const at = (): number => minute + Math.floor(r.next() * 60_000);
    const rate = this.#rates;
    const s = this.#net.services;
    for (const h of this.#net.workstations) {
      const p = presence(h, hour, weekday) * h.activity;
      const on = p > 0.05 || ((h.ip.charCodeAt(h.ip.length - 1) + d.getUTCDate()) % 3 === 0); // some machines stay on overnight
      for (let k = r.poisson((rate.webSessions * p) / 60); k > 0; k--) this.webSession(at(), h, sink);
      for (let k = r.poisson((rate.fileShare * p) / 60); k > 0; k--) {
        exchange(sink, r, { start: at(), durationMs: r.lognormal(800, 1), client: h.ip, server: r.pick(s.fileServers), clientPort: this.#ephemeral(), serverPort: 445, proto: 6, up: Math.round(r.lognormal(4000, 1.2)), down: Math.round(r.lognormal(60000, 1.8)), ifIn: h.ifIndex, ifOut: 2 });
      }
      for (let k = r.poisson((rate.directory * p) / 60); k > 0; k--) {
        const dc = r.pick(s.domainControllers);
        const t = at();
        exchange(sink, r, { start: t, durationMs: r.lognormal(30, 0.6), client: h.ip, server: dc, clientPort: this.#ephemeral(), serverPort: 88, proto: 6, up: Math.round(r.lognormal(1400, 0.3)), down: Math.round(r.lognormal(1500, 0.3)), ifIn: h.ifIndex, ifOut: 2 });
        exchange(sink, r, { start: t + 40, durationMs: r.lognormal(60, 0.6), client: h.ip, server: dc, clientPort: this.#ephemeral(), serverPort: 389, proto: 6, up: Math.round(r.lognormal(600, 0.4)), down: Math.round(r.lognormal(3000, 0.8)), ifIn: h.ifIndex, ifOut: 2 });
      }
      for (let k = r.poisson((rate.mail * p) / 60); k > 0; k--) {
        exchange(sink, r, { start: at(), durationMs: r.lognormal(400, 0.8), client: h.ip, server: s.mailServer, clientPort: this.#ephemeral(), serverPort: 993, proto: 6, up: Math.round(r.lognormal(900, 0.6)), down: Math.round(r.lognormal(9000, 1.5)), ifIn: h.ifIndex, ifOut: 2 });
      }
      for (let k = r.poisson((rate.internalDns * p) / 60); k > 0; k--) {
        const name = `${r.pick(['files-1', 'files-2', 'dc-1', 'mail-1', 'intranet', 'wiki', 'print-2'])}.${s.domain}`;
        this.lookup(at(), h, name, 1, [{ type: 1, data: `10.20.0.${r.int(10, 60)}`, ttl: 3600 }], 0, sink);
      }
      if (on && minute % HOUR === (hashHost(h) % 60) * 60_000) {
        // Hourly: NTP to a domain controller, and the update agent through the proxy.
        exchange(sink, r, { start: at(), durationMs: 20, client: h.ip, server: s.domainControllers[0]!, clientPort: 123, serverPort: 123, proto: 17, up: 48, down: 48, ifIn: h.ifIndex, ifOut: 2 });
        if (r.chance(0.5)) this.request(at(), h, 'fe2.update.microsoft.com', 'Technology/Internet', '/v6/ClientWebService/client.asmx', 'POST', 'text/xml', USER_AGENTS[6]!, sink);
      }
      if (on && p < 0.05) {
        // Machines left on overnight: telemetry and certificate checks look names up now and then.
        for (let k = r.poisson(3 / 60); k > 0; k--) this.lookup(at(), h, r.pick(['settings-win.data.microsoft.com', 'ctldl.windowsupdate.com', 'ocsp.digicert.com', 'time.windows.com']), 1, undefined, 0, sink);
      }
    }
    // Application servers and their databases.
    for (const app of s.appServers) {
      for (let k = r.poisson(rate.database / 60); k > 0; k--) {
        const db = r.pick(s.dbServers);
        exchange(sink, r, { start: at(), durationMs: r.lognormal(15, 0.7), client: app, server: db, clientPort: this.#ephemeral(), serverPort: db.endsWith('.30') ? 1433 : 5432, proto: 6, up: Math.round(r.lognormal(700, 0.6)), down: Math.round(r.lognormal(5000, 1.4)), ifIn: 3, ifOut: 4 });
      }
    }
    // The DMZ: customers on the web servers, mail from the internet.
    const diurnal = 0.5 + 0.5 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
    for (const web of s.dmzWeb) {
      for (let k = r.poisson((rate.dmzWeb * diurnal) / 60); k > 0; k--) {
        const client = r.chance(0.5) ? `192.0.2.${r.int(1, 254)}` : `198.51.100.${r.int(1, 254)}`;
        exchange(sink, r, { start: at(), durationMs: r.lognormal(900, 1), client, server: web, clientPort: r.int(1025, 65535), serverPort: 443, proto: 6, up: Math.round(r.lognormal(1800, 0.8)), down: Math.round(r.lognormal(40000, 1.5)), ifIn: 1, ifOut: 5 });
      }
    }
    for (let k = r.poisson(rate.dmzMail / 60); k > 0; k--) {
      exchange(sink, r, { start: at(), durationMs: r.lognormal(2000, 0.8), client: externalAddress(`mta${r.int(1, 400)}`), server: s.dmzMail, clientPort: r.int(1025, 65535), serverPort: 25, proto: 6, up: Math.round(r.lognormal(30000, 1.5)), down: Math.round(r.lognormal(1200, 0.3)), ifIn: 1, ifOut: 5 });
    }
  }

  /**
   * A browsing session: maybe a DNS lookup, then requests to a popular site through the proxy over one kept-alive
   * connection (client to proxy), which the proxy serves over its own connection to the site.
   */
  webSession(t: number, h: Host, sink: ActivitySink): void {
    const r = this.#rng;
    const s = this.#net.services;
    const site = SITES[this.#sites.draw(r)]!;
    const host = site.domain.split('.').length > 2 ? site.domain : `${r.pick(SUBHOSTS)}.${site.domain}`;
    if (r.chance(this.#rates.dnsMiss)) this.lookup(t, h, host, r.chance(0.15) ? 28 : 1, undefined, 0, sink);
    const requests = 1 + Math.floor(r.exp(2.5));
    let up = 0;
    let down = 0;
    let last = t + 150;
    let https = true;
    for (let i = 0; i < requests; i++) {
      const page = PATHS[this.#paths.draw(r)]!;
      const sent = this.request(last, h, host, site.category, page.path, r.chance(0.93) ? 'GET' : 'POST', page.type, h.userAgent, sink, undefined, { flows: false });
      up += sent.csBytes;
      down += sent.scBytes;
      https = sent.https;
      last += sent.durationMs + r.int(20, 900);
    }
    const duration = last - t;
    const serverIp = externalAddress(host);
    exchange(sink, r, { start: t, durationMs: duration, client: h.ip, server: s.proxy, clientPort: this.#ephemeral(), serverPort: s.proxyPort, proto: 6, up: up + 300 * requests, down: down + 200 * requests, ifIn: h.ifIndex, ifOut: 2 });
    exchange(sink, r, { start: t + 150, durationMs: Math.max(1, duration - 150), client: s.proxy, server: serverIp, clientPort: this.#ephemeral(), serverPort: https ? 443 : 80, proto: 6, up: up + 250 * requests, down: down + 150 * requests, ifIn: 2, ifOut: 1 });
  }

  /** One request through the proxy, with the flows it causes (client to proxy, proxy to server). */
  request(
    t: number,
    h: Host,
    host: string,
    category: string,
    path: string,
    method: string,
    contentType: string,
    userAgent: string,
    sink: ActivitySink,
    label?: Label,
    overrides: { status?: number; scBytes?: number; csBytes?: number; serverIp?: string; flows?: boolean } = {},
  ): { csBytes: number; scBytes: number; durationMs: number; https: boolean } {
    const r = this.#rng;
    const s = this.#net.services;
    const status = overrides.status ?? (r.chance(0.82) ? 200 : r.pick([304, 304, 302, 404, 403, 500]));
    const https = r.chance(0.85);
    const scBytes = overrides.scBytes ?? (status === 304 ? r.int(150, 400) : Math.round(r.lognormal(contentType.startsWith('video') ? 400000 : 12000, 1.3)));
    const csBytes = overrides.csBytes ?? Math.round(method === 'POST' ? r.lognormal(3000, 1.2) : r.lognormal(450, 0.3));
    const duration = Math.round(r.lognormal(120, 1) + scBytes / 5000);
    const serverIp = overrides.serverIp ?? externalAddress(host);
    const query = path === '/search' ? `q=${r.token(r.int(3, 12))}` : path.startsWith('/api') && r.chance(0.5) ? `page=${r.int(1, 20)}` : '';
    sink.proxy({
      time: t,
      durationMs: duration,
      client: h.ip,
      user: h.user,
      method,
      scheme: https ? 'https' : 'http',
      host,
      port: https ? 443 : 80,
      path,
      query,
      status,
      action: status === 304 ? 'TCP_HIT' : 'TCP_NC_MISS',
      filterResult: 'OBSERVED',
      category,
      referer: path === '/' ? '-' : `https://${host}/`,
      userAgent,
      contentType,
      scBytes,
      csBytes,
      serverIp,
      ...(label === undefined ? {} : { label }),
    });
    if (overrides.flows !== false) {
      exchange(sink, r, { start: t, durationMs: duration, client: h.ip, server: s.proxy, clientPort: this.#ephemeral(), serverPort: s.proxyPort, proto: 6, up: csBytes + 300, down: scBytes + 200, ifIn: h.ifIndex, ifOut: 2, label });
      exchange(sink, r, { start: t + 3, durationMs: Math.max(1, duration - 5), client: s.proxy, server: serverIp, clientPort: this.#ephemeral(), serverPort: https ? 443 : 80, proto: 6, up: csBytes + 250, down: scBytes + 150, ifIn: 2, ifOut: 1, label });
    }
    return { csBytes, scBytes, durationMs: duration, https };
  }

  /** A DNS lookup by a host at the resolver, answered (or not: rcode), with the resolver's recursion flow on a miss. */
  lookup(t: number, h: { ip: string; ifIndex: number }, name: string, qtype: number, answers: readonly DnsAnswer[] | undefined, rcode: number, sink: ActivitySink, label?: Label): void {
    const r = this.#rng;
    const s = this.#net.services;
    const ans: DnsAnswer[] = answers !== undefined ? [...answers] : [];
    if (answers === undefined && rcode === 0) {
      if (r.chance(0.3)) {
        const target = `${name.split('.').slice(-2).join('.')}.edgekey.net`;
        ans.push({ type: 5, data: target, ttl: 300 });
      }
      ans.push(qtype === 28 ? { type: 28, data: `2001:db8:${(externalAddress(name).split('.')[2]! as string)}::${r.int(1, 255).toString(16)}`, ttl: 300 } : { type: 1, data: externalAddress(name), ttl: r.pick([60, 300, 3600]) });
    }
    const rtt = r.chance(0.6) ? r.lognormal(0.4, 0.4) : r.lognormal(25, 0.8);
    const clientPort = this.#ephemeral();
    sink.dns({ time: t, client: h.ip, clientPort, resolver: s.resolver, id: r.int(0, 65535), name, qtype, rcode, answers: ans, rttMs: rtt, ...(label === undefined ? {} : { label }) });
    exchange(sink, r, { start: t, durationMs: rtt, client: h.ip, server: s.resolver, clientPort, serverPort: 53, proto: 17, up: 40 + name.length, down: 60 + name.length + ans.length * 16, ifIn: h.ifIndex, ifOut: 2, label });
    if (rtt > 2 && !name.endsWith(s.domain)) {
      exchange(sink, r, { start: t + 1, durationMs: rtt - 1, client: s.resolver, server: externalAddress(`ns.${name.split('.').slice(-2).join('.')}`), clientPort: this.#ephemeral(), serverPort: 53, proto: 17, up: 40 + name.length, down: 80 + name.length, ifIn: 2, ifOut: 1, label });
    }
  }

  get rng(): Rng {
    return this.#rng;
  }

  ephemeral(): number {
    return this.#ephemeral();
  }
}

function hashHost(h: Host): number {
  let x = 0;
  for (let i = 0; i < h.ip.length; i++) x = (x * 31 + h.ip.charCodeAt(i)) >>> 0;
  return x;
}
