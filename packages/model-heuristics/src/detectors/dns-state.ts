import { DistinctCounter } from '../sketch/distinct.js';

/** One client's questions about one registrable domain (the tunnelling view). */
export class DomainStats {
  queries = 0;
  subs: DistinctCounter | undefined;
  withSub = 0;
  subLength = 0;
  subEntropy = 0;
  maxLabel = 0;
  /** Subdomains whose longest label looks random (n-gram model): encoded data rather than words. */
  randomSubs = 0;
  txtNull = 0;
  nx = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;
  readonly examples: string[] = [];

  get bytes(): number {
    return 140 + (this.subs?.bytes ?? 0) + this.examples.length * 64;
  }
}

export interface DnsLimits {
  readonly maxDomains: number;
  readonly exact: number;
  readonly examples: number;
}

/**
 * A DNS client's window: per registrable domain the tunnelling statistics (bounded; when full the least asked
 * half is evicted), and the DGA view: distinct NXDOMAIN domains, distinct random-looking ones (answered and
 * not), and a bounded sample of the random names (for the family and the evidence).
 */
export class DnsClient {
  readonly domains = new Map<string, DomainStats>();
  evicted = 0;
  responses = 0;
  /** Field that holds the client on this client's events (dst_ip for responses). */
  clientField: 'src_ip' | 'dst_ip' = 'dst_ip';
  nxDomains: DistinctCounter | undefined;
  randomNx: DistinctCounter | undefined;
  randomResolved: DistinctCounter | undefined;
  /** Random-looking registrable domains (up to the exact limit), with whether one resolved. */
  readonly randomNames = new Map<string, boolean>();
  readonly dgaExamples: string[] = [];
  firstRandom = Number.POSITIVE_INFINITY;
  lastRandom = 0;
  namesDropped = 0;

  domain(registrable: string, limits: DnsLimits): DomainStats {
    let d = this.domains.get(registrable);
    if (d === undefined) {
      if (this.domains.size >= limits.maxDomains) this.#compact();
      this.domains.set(registrable, (d = new DomainStats()));
    }
    return d;
  }

  #compact(): void {
    const q = [...this.domains.values()].map((d) => d.queries).sort((a, b) => a - b);
    const cut = q[Math.floor(q.length / 2)]!;
    for (const [k, d] of this.domains) {
      if (d.queries <= cut) {
        this.domains.delete(k);
        this.evicted++;
      }
    }
  }

  /** A random-looking name in an answer with response code `rcode`. */
  random(registrable: string, rcode: number, time: number, eventId: string, limits: DnsLimits): void {
    const nx = rcode === 3;
    if (nx) (this.randomNx ??= new DistinctCounter(limits.exact)).add(registrable);
    else if (rcode === 0) (this.randomResolved ??= new DistinctCounter(limits.exact)).add(registrable);
    const known = this.randomNames.get(registrable);
    if (known === undefined) {
      if (this.randomNames.size < limits.exact) this.randomNames.set(registrable, !nx);
      else this.namesDropped++;
    } else if (!nx && !known) this.randomNames.set(registrable, true);
    if (nx && this.dgaExamples.length < limits.examples) this.dgaExamples.push(eventId);
    if (time < this.firstRandom) this.firstRandom = time;
    if (time > this.lastRandom) this.lastRandom = time;
  }

  nxdomain(registrable: string, limits: DnsLimits): void {
    (this.nxDomains ??= new DistinctCounter(limits.exact)).add(registrable);
  }

  get bytes(): number {
    let b = 200 + (this.nxDomains?.bytes ?? 0) + (this.randomNx?.bytes ?? 0) + (this.randomResolved?.bytes ?? 0);
    for (const [k, d] of this.domains) b += 80 + k.length * 2 + d.bytes;
    for (const k of this.randomNames.keys()) b += 60 + k.length * 2;
    return b + this.dgaExamples.length * 64;
  }
}
