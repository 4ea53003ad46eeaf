import type { ActivitySink, Label } from './activity.js';
import type { Host, Network } from './network.js';
import { Rng } from './rng.js';
import { type Traffic, exchange } from './traffic.js';

export const ATTACK_TYPES = ['port-scan', 'host-scan', 'beaconing', 'dns-tunnel', 'dga', 'exfiltration', 'lateral-movement', 'bad-user-agent'] as const;
export type AttackType = (typeof ATTACK_TYPES)[number];

export interface AttackSpec {
  readonly type: AttackType;
  /** Scales how much the attack does (probes, queries, bytes, beacons). 1 = the documented default. */
  readonly intensity: number;
  /** Hours after the simulation start when it begins (default: chosen per type). */
  readonly atHour?: number;
  /** Internal address of the compromised host (default: a workstation picked from the seed). */
  readonly victim?: string;
}

/** A planted attack instance as written to the labels file. */
export interface AttackInstance {
  readonly id: string;
  readonly type: AttackType;
  readonly victim: string;
  readonly start: number;
  readonly end: number;
  readonly description: string;
  /** Addresses and names the attack involves beyond the victim (targets, C2, domains). */
  readonly indicators: readonly string[];
}

const MIN = 60_000;
const HOUR = 3_600_000;

/** Default start (hours after the simulation start) and what intensity 1 means, per type. */
const DEFAULTS: Record<AttackType, { atHour: number; what: string }> = {
  'port-scan': { atHour: 2.25, what: '1000 TCP ports of one server probed with SYNs in 5 minutes' },
  'host-scan': { atHour: 3.5, what: '250 workstations probed on 445 and 3389 in 10 minutes' },
  beaconing: { atHour: 9, what: 'a C2 check-in every 60 s ±10 % jitter for 8 hours (with missed beats)' },
  'dns-tunnel': { atHour: 14, what: '1500 TXT queries with long encoded labels under one domain in an hour' },
  dga: { atHour: 10.5, what: '400 random-looking domains in 15 minutes, 97 % NXDOMAIN' },
  exfiltration: { atHour: 1.5, what: '1.5 GB out to a rare external host over 40 minutes at night' },
  'lateral-movement': { atHour: 16, what: 'SMB, RDP and WinRM from one workstation to 15 hosts and 2 servers in 20 minutes' },
  'bad-user-agent': { atHour: 11, what: '60 POST uploads through the proxy with a script user agent to a rare site' },
};

/** A planted attack: decides its plan up front, then emits what falls into each simulated minute. */
abstract class Attack {
  protected readonly rng: Rng;
  protected readonly label: Label;
  #instance: AttackInstance | undefined;

  constructor(
    readonly spec: AttackSpec,
    readonly index: number,
    protected readonly net: Network,
    protected readonly traffic: Traffic,
    protected readonly victim: Host,
    readonly start: number,
    seed: number,
  ) {
    this.rng = new Rng(seed, 0xa77ac + index);
    this.label = { attack: spec.type, id: `${spec.type}-${index + 1}` };
  }

  /** Plans the attack (after construction, so subclasses' fields exist). */
  init(): this {
    const plan = this.plan(this.start);
    const s = this.spec;
    this.#instance = { id: this.label.id, type: s.type, victim: this.victim.ip, start: this.start, end: plan.end, description: `${DEFAULTS[s.type].what}${s.intensity === 1 ? '' : ` (intensity ${s.intensity})`}`, indicators: plan.indicators };
    return this;
  }

  get instance(): AttackInstance {
    if (this.#instance === undefined) throw new Error('attack not initialised');
    return this.#instance;
  }

  protected abstract plan(start: number): { end: number; indicators: string[] };
  abstract minute(minute: number, sink: ActivitySink): void;

  protected inMinute(t: number, minute: number): boolean {
    return t >= minute && t < minute + MIN;
  }
}

/** Evenly spread times with jitter: n events over [start, start + span). */
function spread(rng: Rng, start: number, span: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(start + ((i + rng.next()) * span) / n)).sort((a, b) => a - b);
}

class PortScan extends Attack {
  #times: number[] = [];
  #target = '';
  protected plan(start: number) {
    this.#target = this.net.services.dbServers[0]!;
    this.#times = spread(this.rng, start, 5 * MIN, Math.round(1000 * this.spec.intensity));
    return { end: start + 5 * MIN, indicators: [this.#target] };
  }
  minute(minute: number, sink: ActivitySink): void {
    this.#times.forEach((t, i) => {
      if (!this.inMinute(t, minute)) return;
      const port = i + 1;
      const open = port === 1433 || port === 22 || port === 445;
      sink.flow({ start: t, end: t, src: this.victim.ip, dst: this.#target, srcPort: 40000 + (i % 20000), dstPort: port, proto: 6, packets: 1, bytes: 44, tcpFlags: 0x02, tos: 0, inputIf: this.victim.ifIndex, outputIf: 4, label: this.label });
      sink.flow({ start: t + 1, end: t + 1, src: this.#target, dst: this.victim.ip, srcPort: port, dstPort: 40000 + (i % 20000), proto: 6, packets: 1, bytes: open ? 44 : 40, tcpFlags: open ? 0x12 : 0x14, tos: 0, inputIf: 4, outputIf: this.victim.ifIndex, label: this.label });
    });
  }
}

class HostScan extends Attack {
  #probes: { t: number; dst: string; port: number }[] = [];
  protected plan(start: number) {
    const n = Math.round(250 * this.spec.intensity);
    const times = spread(this.rng, start, 10 * MIN, n * 2);
    const hosts = this.net.workstations.filter((h) => h.ip !== this.victim.ip);
    for (let i = 0; i < n; i++) {
      const dst = i < hosts.length ? hosts[i]!.ip : `10.10.${Math.floor(i / 250) + 40}.${(i % 250) + 5}`;
      this.#probes.push({ t: times[2 * i]!, dst, port: 445 }, { t: times[2 * i + 1]!, dst, port: 3389 });
    }
    return { end: start + 10 * MIN, indicators: ['10.10.0.0/16 :445 :3389'] };
  }
  minute(minute: number, sink: ActivitySink): void {
    for (const p of this.#probes) {
      if (!this.inMinute(p.t, minute)) continue;
      const sp = 50000 + (p.t % 10000);
      sink.flow({ start: p.t, end: p.t + 1000, src: this.victim.ip, dst: p.dst, srcPort: sp, dstPort: p.port, proto: 6, packets: 2, bytes: 88, tcpFlags: 0x02, tos: 0, inputIf: this.victim.ifIndex, outputIf: 11, label: this.label });
    }
  }
}

class Beaconing extends Attack {
  #beats: number[] = [];
  #c2 = '203.0.113.66';
  #domain = 'sync-telemetry-update.xyz';
  protected plan(start: number) {
    const period = 60_000 / Math.max(0.1, this.spec.intensity);
    const end = start + 8 * HOUR;
    for (let t = start; t < end; t += period * (1 + 0.2 * (this.rng.next() - 0.5))) if (!this.rng.chance(0.03)) this.#beats.push(Math.floor(t));
    return { end, indicators: [this.#c2, this.#domain] };
  }
  minute(minute: number, sink: ActivitySink): void {
    this.#beats.forEach((t, i) => {
      if (!this.inMinute(t, minute)) return;
      if (i % 10 === 0) this.traffic.lookup(t - 30, this.victim, this.#domain, 1, [{ type: 1, data: this.#c2, ttl: 600 }], 0, sink, this.label);
      exchange(sink, this.rng, { start: t, durationMs: 180 + this.rng.int(0, 120), client: this.victim.ip, server: this.#c2, clientPort: this.traffic.ephemeral(), serverPort: 443, proto: 6, up: 380 + this.rng.int(0, 90), down: 260 + this.rng.int(0, 60), ifIn: this.victim.ifIndex, ifOut: 1, label: this.label });
    });
  }
}

class DnsTunnel extends Attack {
  #times: number[] = [];
  #domain = 'cloud-data-sync.xyz';
  protected plan(start: number) {
    this.#times = spread(this.rng, start, HOUR, Math.round(1500 * this.spec.intensity));
    return { end: start + HOUR, indicators: [this.#domain] };
  }
  minute(minute: number, sink: ActivitySink): void {
    this.#times.forEach((t, i) => {
      if (!this.inMinute(t, minute)) return;
      const chunk = this.rng.token(52, 'abcdefghijklmnopqrstuvwxyz234567');
      const name = `${chunk.slice(0, 26)}.${chunk.slice(26)}.${i.toString(36)}.t.${this.#domain}`;
      this.traffic.lookup(t, this.victim, name, 16, [{ type: 16, data: this.rng.token(120, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), ttl: 0 }], 0, sink, this.label);
    });
  }
}

class Dga extends Attack {
  #queries: { t: number; name: string; resolves: boolean }[] = [];
  protected plan(start: number) {
    const n = Math.round(400 * this.spec.intensity);
    const times = spread(this.rng, start, 15 * MIN, n);
    const tlds = ['com', 'net', 'org', 'info', 'biz', 'ru', 'top'];
    for (let i = 0; i < n; i++) {
      const name = `${this.rng.token(this.rng.int(12, 22), 'abcdefghijklmnopqrstuvwxyz')}.${this.rng.pick(tlds)}`;
      this.#queries.push({ t: times[i]!, name, resolves: this.rng.chance(0.03) });
    }
    return { end: start + 15 * MIN, indicators: this.#queries.filter((q) => q.resolves).map((q) => q.name) };
  }
  minute(minute: number, sink: ActivitySink): void {
    for (const q of this.#queries) {
      if (!this.inMinute(q.t, minute)) continue;
      this.traffic.lookup(q.t, this.victim, q.name, 1, q.resolves ? [{ type: 1, data: `203.0.113.${this.rng.int(100, 140)}`, ttl: 300 }] : [], q.resolves ? 0 : 3, sink, this.label);
    }
  }
}

class Exfiltration extends Attack {
  #start = 0;
  #dest = '203.0.113.99';
  protected plan(start: number) {
    this.#start = start;
    return { end: start + 40 * MIN, indicators: [this.#dest] };
  }
  minute(minute: number, sink: ActivitySink): void {
    if (!this.inMinute(this.#start, minute)) return;
    const bytes = Math.round(1.5e9 * this.spec.intensity);
    exchange(sink, this.rng, { start: this.#start, durationMs: 40 * MIN, client: this.victim.ip, server: this.#dest, clientPort: this.traffic.ephemeral(), serverPort: 443, proto: 6, up: bytes, down: Math.round(bytes / 80), ifIn: this.victim.ifIndex, ifOut: 1, label: this.label });
  }
}

class LateralMovement extends Attack {
  #steps: { t: number; dst: string; port: number }[] = [];
  protected plan(start: number) {
    const peers = this.net.workstations.filter((h) => h.ip !== this.victim.ip);
    const n = Math.max(1, Math.round(15 * this.spec.intensity));
    const targets = [...Array.from({ length: n }, () => this.rng.pick(peers).ip), this.net.services.fileServers[1]!, this.net.services.dbServers[1]!];
    const times = spread(this.rng, start, 20 * MIN, targets.length * 2);
    targets.forEach((dst, i) => {
      this.#steps.push({ t: times[2 * i]!, dst, port: 445 }, { t: times[2 * i + 1]!, dst, port: i % 2 === 0 ? 3389 : 5985 });
    });
    return { end: start + 20 * MIN, indicators: [...new Set(targets)] };
  }
  minute(minute: number, sink: ActivitySink): void {
    for (const s of this.#steps) {
      if (!this.inMinute(s.t, minute)) continue;
      exchange(sink, this.rng, { start: s.t, durationMs: s.port === 3389 ? 4 * MIN : 8000, client: this.victim.ip, server: s.dst, clientPort: this.traffic.ephemeral(), serverPort: s.port, proto: 6, up: this.rng.int(20_000, 400_000), down: this.rng.int(30_000, 900_000), ifIn: this.victim.ifIndex, ifOut: 11, label: this.label });
    }
  }
}

class BadUserAgent extends Attack {
  #times: number[] = [];
  #host = 'paste-share-files.xyz';
  protected plan(start: number) {
    this.#times = spread(this.rng, start, 3 * HOUR, Math.round(60 * this.spec.intensity));
    return { end: start + 3 * HOUR, indicators: [this.#host, 'python-requests/2.31.0'] };
  }
  minute(minute: number, sink: ActivitySink): void {
    for (const t of this.#times) {
      if (!this.inMinute(t, minute)) continue;
      this.traffic.request(t, this.victim, this.#host, 'Uncategorized', '/api/upload', 'POST', 'application/json', 'python-requests/2.31.0', sink, this.label, {
        status: 200,
        csBytes: this.rng.int(200_000, 2_000_000),
        scBytes: this.rng.int(80, 300),
        serverIp: '203.0.113.77',
      });
    }
  }
}

const CLASSES: Record<AttackType, new (spec: AttackSpec, index: number, net: Network, traffic: Traffic, victim: Host, start: number, seed: number) => Attack> = {
  'port-scan': PortScan,
  'host-scan': HostScan,
  beaconing: Beaconing,
  'dns-tunnel': DnsTunnel,
  dga: Dga,
  exfiltration: Exfiltration,
  'lateral-movement': LateralMovement,
  'bad-user-agent': BadUserAgent,
};

export type { Attack };

/** Plans the configured attacks: each gets a victim (configured, or a distinct workstation from the seed) and a start. */
export function planAttacks(specs: readonly AttackSpec[], net: Network, traffic: Traffic, start: number, seed: number): Attack[] {
  const rng = new Rng(seed, 0xbad);
  const used = new Set<string>();
  return specs.map((spec, index) => {
    let victim = spec.victim === undefined ? undefined : net.workstations.find((h) => h.ip === spec.victim);
    if (spec.victim !== undefined && victim === undefined) throw new RangeError(`attack ${spec.type}: victim ${spec.victim} is not a simulated workstation`);
    while (victim === undefined || (spec.victim === undefined && used.has(victim.ip) && used.size < net.workstations.length)) victim = rng.pick(net.workstations);
    used.add(victim.ip);
    const at = start + (spec.atHour ?? DEFAULTS[spec.type].atHour) * HOUR;
    return new CLASSES[spec.type](spec, index, net, traffic, victim, at, seed).init();
  });
}

export function describeAttack(type: AttackType): string {
  return DEFAULTS[type].what;
}
