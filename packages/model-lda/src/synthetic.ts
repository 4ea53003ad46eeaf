import { type ModelWindow, type OdmEvent, assignEventId } from '@sightline/core';

/**
 * Synthetic days with a known answer, for the detection tests and the benchmarks (and for users who want to see
 * what the model makes of a day before pointing it at theirs).
 */

/** A small deterministic generator (sfc32) so corpora are the same on every run. */
export function rng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export const DAY = Date.UTC(2026, 0, 5);
const HOUR = 3600_000;

interface Service {
  readonly port: number;
  readonly proto: number;
  /** log2 of typical bytes. */
  readonly size: number;
}

const SERVICES: readonly Service[] = [
  { port: 443, proto: 6, size: 14 },
  { port: 80, proto: 6, size: 12 },
  { port: 53, proto: 17, size: 7 },
  { port: 445, proto: 6, size: 16 },
  { port: 389, proto: 6, size: 10 },
  { port: 123, proto: 17, size: 6 },
  { port: 22, proto: 6, size: 13 },
  { port: 3389, proto: 6, size: 18 },
  { port: 8080, proto: 6, size: 11 },
  { port: 25, proto: 6, size: 15 },
  { port: 1433, proto: 6, size: 17 },
  { port: 88, proto: 6, size: 9 },
];

interface Profile {
  readonly services: readonly number[];
  /** Cumulative weights over `services`. */
  readonly weights: readonly number[];
  readonly dayOnly: boolean;
}

export interface PlantedCorpus {
  readonly window: ModelWindow;
  /** event ids of the planted events. */
  readonly planted: ReadonlySet<string>;
  readonly count: number;
}

/**
 * A synthetic day of flows with a known answer: `hosts` internal hosts each keep to a few services (drawn from
 * a role: workstations by day, servers around the clock) and talk to a pool of servers; `plants` events break
 * their host's habits, in three ways: words nobody else uses (a port never seen, at night, with a large
 * transfer); common words out of place (a workstation using a server-only service of the corpus at an hour it is
 * never active); and a host's own usual service and server at night with a transfer hundreds of times its usual
 * size (only the time and volume are new, so a per-host port rarity does not see it). Events are generated on every `batches()` call, never held in memory.
 */
export function plantedFlows(options: { events: number; hosts: number; plants: number; seed: number }): PlantedCorpus {
  const { events, hosts, plants, seed } = options;
  const r = rng(seed);
  const profiles: Profile[] = [];
  for (let h = 0; h < hosts; h++) {
    const server = r() < 0.1;
    const n = 2 + Math.floor(r() * 3);
    const services: number[] = [];
    while (services.length < n) {
      // Roles: workstations mostly web, DNS, files; servers anything.
      const s = server ? Math.floor(r() * SERVICES.length) : [0, 1, 2, 3, 4, 5, 8, 11][Math.floor(r() * 8)]!;
      if (!services.includes(s)) services.push(s);
    }
    let acc = 0;
    const weights = services.map((_, i) => (acc += 1 / (i + 1)));
    profiles.push({ services, weights: weights.map((w) => w / acc), dayOnly: !server });
  }
  // Plants: which positions in the stream, and what they are.
  const plantAt = new Map<number, number>();
  while (plantAt.size < plants) plantAt.set(Math.floor(r() * events), plantAt.size);
  const planted = new Set<string>();
  const workstations = profiles.map((p, h) => (p.dayOnly ? h : -1)).filter((h) => h >= 0);
  // Address strings made once: building them per event would cost more than the model's own work per event.
  const hostIp = Array.from({ length: hosts }, (_, h) => `10.${h >> 16}.${(h >> 8) & 255}.${h & 255}`);
  const serverIp = Array.from({ length: 256 }, (_, i) => `10.1.0.${i}`);
  const make = (i: number, g: () => number): OdmEvent => {
    const plant = plantAt.get(i);
    let host = Math.floor(g() * hosts);
    const sport = 1025 + Math.floor(g() * 60000);
    let service: Service;
    let dst: string;
    let hour: number;
    let bytes: number;
    if (plant === undefined) {
      const p = profiles[host]!;
      const u = g();
      let s = 0;
      while (p.weights[s]! < u) s++;
      service = SERVICES[p.services[s]!]!;
      dst = serverIp[(p.services[s]! * 7 + (host % 5)) & 255]!;
      // Office hours, with some maintenance and stragglers at any hour.
      hour = g() < 0.92 ? 8 + Math.floor(g() * 10) : Math.floor(g() * 24);
      bytes = Math.floor(2 ** (service.size + g()));
    } else if (plant % 3 === 0) {
      // A service nobody uses (telnet, tftp, rexec, rsync…), at night, with a large transfer, to the outside.
      service = { port: [23, 69, 512, 873, 135][plant % 5]!, proto: 6, size: 0 };
      dst = `203.0.113.${plant & 255}`;
      hour = 1 + (plant % 4);
      bytes = 2 ** (20 + ((plant >> 1) % 6)) + plant;
    } else if (plant % 3 === 2) {
      // A workstation's own usual service and server, but at night and with a transfer hundreds of times its usual
      // size (staging data for exfiltration): nothing about the port is new, only when and how much.
      host = workstations[(plant * 7) % workstations.length]!;
      const p = profiles[host]!;
      service = SERVICES[p.services[0]!]!;
      dst = `10.1.0.${(p.services[0]! * 7 + (host % 5)) & 255}`;
      const n = Math.floor(plant / 3);
      hour = 1 + (n % 4);
      bytes = Math.floor(2 ** (service.size + 8 + (Math.floor(n / 4) % 3)));
    } else {
      // A workstation using a server-only service of the corpus (ssh, smtp) to one of its servers, at night.
      host = workstations[plant % workstations.length]!;
      const s = plant % 4 < 2 ? 6 : 9;
      service = SERVICES[s]!;
      dst = `10.1.0.${(s * 7 + (host % 5)) & 255}`;
      hour = (plant >> 1) % 5;
      bytes = Math.floor(2 ** (service.size + 0.5 + ((plant >> 2) % 3)));
    }
    const src = hostIp[host]!;
    const event = assignEventId(
      {
        event_kind: 'flow' as const,
        event_time: DAY + hour * HOUR + Math.floor(g() * HOUR),
        src_ip: src,
        dst_ip: dst,
        src_port: sport,
        dst_port: service.port,
        n_proto: service.proto,
        in_bytes: bytes,
        flow_in_packets: Math.max(1, Math.floor(bytes / 900)),
      },
      i,
    ) as OdmEvent;
    if (plant !== undefined) planted.add(event.event_id);
    return event;
  };
  const batchSize = 4096;
  const window: ModelWindow = {
    start: DAY,
    end: DAY + 24 * HOUR,
    count: events,
    async *batches() {
      const g = rng(seed * 31 + 1);
      for (let i = 0; i < events; i += batchSize) {
        const batch: OdmEvent[] = [];
        for (let j = i; j < Math.min(events, i + batchSize); j++) batch.push(make(j, g));
        yield batch;
      }
    },
  };
  return { window, planted, count: events };
}
