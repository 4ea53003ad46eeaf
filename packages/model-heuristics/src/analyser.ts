import { type DnsEvent, type FlowEvent, type OdmEvent, type ProxyEvent, dnsClient } from '@sightline/core';
import { detectBeacons, type BeaconSkips } from './detectors/beaconing.js';
import type { DetectContext } from './detectors/context.js';
import { detectDga } from './detectors/dga.js';
import { DnsClient, type DnsLimits } from './detectors/dns-state.js';
import { detectTunnels, type TunnelSkips } from './detectors/dns-tunnel.js';
import { detectExfiltration, hostBaseline } from './detectors/exfiltration.js';
import { Audiences, PeerTable, type PeerLimits } from './detectors/peers.js';
import { ScanState, type ScanLimits, detectScans } from './detectors/scanning.js';
import { DomainSplitter, type NameParts, entropy, longestLabel, longestLabelOf } from './features/domains.js';
import { type FlowFacts, newFlowFacts, readFlow } from './features/flow-facts.js';
import type { NgramModel } from './features/ngram.js';
import type { Finding } from './findings.js';
import type { Settings } from './settings.js';
import { DistinctCounter } from './sketch/distinct.js';
import { hash32 } from './sketch/hash.js';

/** Popular domains and the n-gram model of normal names (built once per model instance). */
export interface Knowledge {
  readonly ngram: NgramModel | undefined;
  readonly listed: ReadonlySet<string>;
}

class HostState {
  scan: ScanState | undefined;
  flowPeers: PeerTable | undefined;
  webPeers: PeerTable | undefined;
  dns: DnsClient | undefined;

  get bytes(): number {
    return 96 + (this.scan?.bytes ?? 0) + (this.flowPeers?.bytes ?? 0) + (this.webPeers?.bytes ?? 0) + (this.dns?.bytes ?? 0);
  }
}

/** What the window pass counted, for describe() and the benchmark. */
export interface WindowStats {
  events: { flow: number; dns: number; proxy: number };
  /** Events without the fields a detector needs (no addresses, no query name). */
  unusable: number;
  hostsTracked: number;
  /** Events of hosts beyond `limits.max_hosts` (counted, not analysed). */
  untrackedEvents: number;
  peersEvicted: number;
  domainsEvicted: number;
  destinationsForgotten: number;
  /** Estimated bytes held by the per-host counters at the end of the pass, and per tracked host. */
  memoryBytes: number;
  memoryBytesPerHost: number;
  /** Estimated bytes of the shared tables (audiences of destinations and domains, bounded by max_destinations). */
  sharedBytes: number;
  skipped: { beaconSharedDestination: number; beaconListedDomain: number; beaconLargeTransfers: number; tunnelSharedDomain: number; tunnelListedDomain: number };
}

const NAMES_CAP = 200_000;

/**
 * One pass over a window: every event updates a few bounded per-host counters (no event is kept), then the
 * detectors judge the counters. Memory grows with the hosts tracked (each bounded by the limits), never with
 * the events.
 */
export class WindowAnalyser {
  readonly #s: Settings;
  readonly #k: Knowledge;
  readonly #hosts = new Map<string, HostState>();
  readonly #splitter = new DomainSplitter();
  readonly #facts: FlowFacts = newFlowFacts();
  readonly #flowAudience: Audiences;
  readonly #webAudience: Audiences;
  readonly #dnsAudience: Audiences;
  readonly #names = new Map<string, string>();
  readonly #listedSeen = new Set<string>();
  readonly #verdicts = new Map<string, boolean>();
  readonly #scanLimits: ScanLimits;
  readonly #peerLimits: PeerLimits;
  readonly #dnsLimits: DnsLimits;
  readonly stats: WindowStats = {
    events: { flow: 0, dns: 0, proxy: 0 },
    unusable: 0,
    hostsTracked: 0,
    untrackedEvents: 0,
    peersEvicted: 0,
    domainsEvicted: 0,
    destinationsForgotten: 0,
    memoryBytes: 0,
    memoryBytesPerHost: 0,
    sharedBytes: 0,
    skipped: { beaconSharedDestination: 0, beaconListedDomain: 0, beaconLargeTransfers: 0, tunnelSharedDomain: 0, tunnelListedDomain: 0 },
  };

  constructor(settings: Settings, knowledge: Knowledge) {
    this.#s = settings;
    this.#k = knowledge;
    const l = settings.config.limits;
    const examples = Math.max(settings.config.alerts.examples, settings.config.alerts.per_finding);
    this.#flowAudience = new Audiences(l.max_destinations);
    this.#webAudience = new Audiences(l.max_destinations);
    this.#dnsAudience = new Audiences(l.max_destinations);
    this.#scanLimits = { maxTargets: l.max_targets_per_host, exact: l.exact_distinct, examples };
    this.#peerLimits = { maxPeers: l.max_peers_per_host, maxBeats: l.max_beats, examples };
    this.#dnsLimits = { maxDomains: l.max_domains_per_host, exact: l.exact_distinct, examples };
  }

  #host(ip: string): HostState | undefined {
    let h = this.#hosts.get(ip);
    if (h === undefined) {
      if (this.#hosts.size >= this.#s.config.limits.max_hosts) {
        this.stats.untrackedEvents++;
        return undefined;
      }
      this.#hosts.set(ip, (h = new HostState()));
    }
    return h;
  }

  /** Internal per the event's context marks when present and wanted, else per the configured ranges. */
  #internal(ip: string, mark: boolean | undefined): boolean {
    if (mark !== undefined && this.#s.config.use_event_context) return mark;
    return this.#s.internal.has(ip);
  }

  observe(batch: readonly OdmEvent[]): void {
    for (const e of batch) {
      if (e.event_kind === 'flow') this.#flow(e);
      else if (e.event_kind === 'dns') this.#dns(e);
      else if (e.event_kind === 'proxy') this.#proxy(e);
    }
  }

  #flow(e: FlowEvent): void {
    this.stats.events.flow++;
    const f = this.#facts;
    const d = this.#s.config.detectors;
    if (!readFlow(e, f, d.scanning.max_probe_packets, this.#s.ignoreUdp)) {
      this.stats.unusable++;
      return;
    }
    if (f.probe && d.scanning.enabled) {
      const h = this.#host(f.client);
      if (h !== undefined) (h.scan ??= new ScanState()).observe(f, e.event_id, f.start, this.#scanLimits);
    }
    if (!d.beaconing.enabled && !d.exfiltration.enabled) return;
    const clientInternal = this.#internal(f.client, f.forward ? e.src_internal : e.dst_internal);
    if (!clientInternal) return;
    const serverInternal = this.#internal(f.server, f.forward ? e.dst_internal : e.src_internal);
    if (serverInternal && !d.beaconing.include_internal) return;
    const h = this.#host(f.client);
    if (h === undefined) return;
    const peer = (h.flowPeers ??= new PeerTable()).get(`${f.server}|${f.serverPort}|${f.proto}`, this.#peerLimits);
    if (f.forward) {
      peer.request(f.start, f.end, f.clientPort, f.bytes, f.proto, e.event_id, this.#peerLimits);
      this.#flowAudience.add(f.server, hash32(f.client));
    } else peer.answer(f.bytes, f.start, f.end);
  }

  #parts(e: DnsEvent | ProxyEvent, name: string): NameParts {
    const reg = this.#s.config.use_event_context ? e.domain_registrable : undefined;
    if (reg === undefined || reg === '') return this.#splitter.split(name);
    const suffix = e.domain_suffix ?? this.#splitter.split(reg).suffix;
    const label = suffix !== '' && reg.endsWith(`.${suffix}`) ? reg.slice(0, reg.length - suffix.length - 1) : reg.split('.')[0]!;
    return { registrable: reg.toLowerCase(), label, suffix, subdomain: e.domain_subdomain ?? '' };
  }

  #noteListed(e: DnsEvent | ProxyEvent, registrable: string): void {
    const rank = e.domain_top_rank;
    if (rank !== undefined && rank <= this.#s.config.top_domains.max_rank && this.#listedSeen.size < NAMES_CAP) this.#listedSeen.add(registrable);
  }

  #dns(e: DnsEvent): void {
    this.stats.events.dns++;
    if (e.dns_message_type === 'query') return; // answers carry the response code; Spot read responses too
    const client = dnsClient(e);
    const name = e.dns_query;
    if (client === undefined || name === undefined || name === '') {
      this.stats.unusable++;
      return;
    }
    const parts = this.#parts(e, name);
    const reg = parts.registrable;
    if (reg === undefined) return; // single labels and addresses: no registrable domain to judge
    this.#noteListed(e, reg);
    const d = this.#s.config.detectors;
    const rcode = e.dns_response_code ?? -1;
    for (const a of e.dns_answers ?? []) {
      if ((a.type === 1 || a.type === 28) && typeof a.data === 'string' && this.#names.size < NAMES_CAP) this.#names.set(a.data, reg);
    }
    if (!d.dns_tunnel.enabled && !d.dga.enabled) return;
    const h = this.#host(client);
    if (h === undefined) return;
    const c = (h.dns ??= new DnsClient());
    c.responses++;
    if (e.dst_ip !== client) c.clientField = 'src_ip';
    this.#dnsAudience.add(reg, hash32(client));
    const t = e.event_time;
    if (d.dns_tunnel.enabled) {
      const s = c.domain(reg, this.#dnsLimits);
      s.queries++;
      if (t < s.first) s.first = t;
      if (t > s.last) s.last = t;
      if (s.examples.length < this.#dnsLimits.examples) s.examples.push(e.event_id);
      if (e.dns_type === 16 || e.dns_type === 10) s.txtNull++;
      if (rcode === 3) s.nx++;
      const sub = parts.subdomain;
      if (sub !== '') {
        (s.subs ??= new DistinctCounter(this.#dnsLimits.exact)).add(sub);
        s.withSub++;
        s.subLength += sub.length;
        s.subEntropy += this.#s.config.use_event_context && e.domain_entropy !== undefined ? e.domain_entropy : entropy(sub);
        const longest = longestLabel(sub);
        if (longest > s.maxLabel) s.maxLabel = longest;
        if (this.#k.ngram !== undefined && longest >= 8 && this.#k.ngram.isRandom(longestLabelOf(sub))) s.randomSubs++;
      }
    }
    if (d.dga.enabled && this.#k.ngram !== undefined) {
      if (rcode === 3) c.nxdomain(reg, this.#dnsLimits);
      if (parts.label.length >= d.dga.min_label_length && (rcode === 3 || rcode === 0)) {
        let random = this.#verdicts.get(reg);
        if (random === undefined) {
          random = this.#k.ngram.isRandom(parts.label);
          if (this.#verdicts.size >= NAMES_CAP) this.#verdicts.clear();
          this.#verdicts.set(reg, random);
        }
        if (random) c.random(reg, rcode, t, e.event_id, this.#dnsLimits);
      }
    }
  }

  #proxy(e: ProxyEvent): void {
    this.stats.events.proxy++;
    const d = this.#s.config.detectors;
    const client = e.src_ip;
    const host = (e.prx_host ?? e.dst_ip)?.toLowerCase();
    if (client === undefined || host === undefined || host === '') {
      this.stats.unusable++;
      return;
    }
    if (e.domain_registrable !== undefined) this.#noteListed(e, e.domain_registrable.toLowerCase());
    if (!d.beaconing.enabled && !d.exfiltration.enabled) return;
    if (!this.#internal(client, e.src_internal)) return;
    const h = this.#host(client);
    if (h === undefined) return;
    const peer = (h.webPeers ??= new PeerTable()).get(host, this.#peerLimits);
    const end = e.event_time;
    const start = end - (e.duration ?? 0);
    peer.request(start, end, 0, e.out_bytes ?? 0, 6, e.event_id, this.#peerLimits);
    peer.answer(e.in_bytes ?? 0, start, end);
    this.#webAudience.add(host, hash32(client));
  }

  #listed = (registrable: string | undefined): boolean => registrable !== undefined && (this.#k.listed.has(registrable) || this.#listedSeen.has(registrable));

  /** Runs the detectors over what the pass gathered. `baselines` are the hosts' exfiltration baselines from earlier windows. */
  detect(baselines: ReadonlyMap<string, number>): { findings: Finding[]; baselines: Map<string, number> } {
    const cfg = this.#s.config;
    const d = cfg.detectors;
    const ctx: DetectContext = {
      flowAudience: this.#flowAudience,
      webAudience: this.#webAudience,
      dnsAudience: this.#dnsAudience,
      nameOf: (ip) => this.#names.get(ip),
      listed: this.#listed,
      registrableOf: (name) => this.#splitter.split(name).registrable,
      examples: cfg.alerts.examples,
    };
    const findings: Finding[] = [];
    const beaconSkips: BeaconSkips = { shared: 0, listed: 0, large: 0 };
    const tunnelSkips: TunnelSkips = { shared: 0, listed: 0 };
    const next = new Map<string, number>();
    const dnsClients = new Map<string, DnsClient>();
    let memory = 0;
    for (const [ip, h] of this.#hosts) {
      memory += h.bytes + 80 + ip.length * 2;
      if (h.scan !== undefined && d.scanning.enabled) findings.push(...detectScans(ip, h.scan, d.scanning, cfg.alerts.examples));
      for (const [table, web] of [
        [h.flowPeers, false],
        [h.webPeers, true],
      ] as const) {
        if (table === undefined) continue;
        this.stats.peersEvicted += table.evicted;
        if (d.beaconing.enabled) findings.push(...detectBeacons(ip, table, web, this.#s.beacon, ctx, beaconSkips));
        const key = web ? `web ${ip}` : ip;
        const previous = baselines.get(key);
        const exfil = d.exfiltration.enabled ? detectExfiltration(ip, table, web, this.#s.exfil, ctx, previous) : [];
        findings.push(...exfil);
        // What the host sends to ordinary destinations, without what was just flagged (an attack is not a baseline).
        const own = hostBaseline(table, web, new Set(exfil.map((f) => (web ? String(f.fields['prx_host']) : f.destination ?? ''))));
        next.set(key, previous === undefined ? own : Math.round(0.5 * previous + 0.5 * own));
      }
      if (h.dns !== undefined) {
        this.stats.domainsEvicted += h.dns.evicted;
        dnsClients.set(ip, h.dns);
        if (d.dns_tunnel.enabled) findings.push(...detectTunnels(ip, h.dns, d.dns_tunnel, ctx, tunnelSkips));
      }
    }
    if (d.dga.enabled && this.#k.ngram !== undefined) {
      findings.push(...detectDga(dnsClients, d.dga, ctx, (reg) => {
        const p = this.#splitter.split(reg);
        return { label: p.label, suffix: p.suffix };
      }));
    }
    this.stats.sharedBytes = this.#flowAudience.bytes + this.#webAudience.bytes + this.#dnsAudience.bytes + this.#names.size * 120;
    this.stats.hostsTracked = this.#hosts.size;
    this.stats.destinationsForgotten = this.#flowAudience.forgotten + this.#webAudience.forgotten + this.#dnsAudience.forgotten;
    this.stats.memoryBytes = memory;
    this.stats.memoryBytesPerHost = this.#hosts.size === 0 ? 0 : Math.round(memory / this.#hosts.size);
    this.stats.skipped = {
      beaconSharedDestination: beaconSkips.shared,
      beaconListedDomain: beaconSkips.listed,
      beaconLargeTransfers: beaconSkips.large,
      tunnelSharedDomain: tunnelSkips.shared,
      tunnelListedDomain: tunnelSkips.listed,
    };
    // Baselines carried to the next window, bounded like the hosts.
    for (const [k, v] of baselines) if (!next.has(k) && next.size < cfg.limits.max_hosts) next.set(k, v);
    findings.sort((a, b) => b.score - a.score || a.pattern.localeCompare(b.pattern));
    return { findings, baselines: next };
  }
}
