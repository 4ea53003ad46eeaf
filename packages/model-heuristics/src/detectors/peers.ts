/**
 * One client's traffic to one destination service (a server address and port, or a proxy host): bytes each
 * way, and the start times of its connections for the beaconing test. Continuations of one long connection
 * (records the exporter cut at its active timeout) are one connection, not a beat.
 */
export class Peer {
  conns = 0;
  out = 0;
  back = 0;
  times: Float64Array | undefined;
  beats = 0;
  /** Beats seen after `times` was full (not analysed; said in evidence). */
  overflow = 0;
  lastBeat = Number.NEGATIVE_INFINITY;
  lastPort = -1;
  lastEnd = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;
  readonly examples: string[] = [];

  /** A record in the request direction: a connection (or its continuation) starting at `start`. */
  request(start: number, end: number, clientPort: number, bytes: number, proto: number, eventId: string, limits: PeerLimits): void {
    this.out += bytes;
    if (start < this.first) this.first = start;
    if (end > this.last) this.last = end;
    const continuation = clientPort > 0 && clientPort === this.lastPort && start <= this.lastEnd + (proto === 6 ? 60_000 : 1000);
    this.lastPort = clientPort;
    if (end > this.lastEnd) this.lastEnd = end;
    if (continuation) return;
    this.conns++;
    if (this.examples.length < limits.examples) this.examples.push(eventId);
    if (Math.abs(start - this.lastBeat) < 1000) return; // parallel connections of one beat
    this.lastBeat = start;
    if (this.beats >= limits.maxBeats) {
      this.overflow++;
      return;
    }
    if (this.times === undefined) this.times = new Float64Array(8);
    else if (this.beats === this.times.length) {
      const grown = new Float64Array(Math.min(limits.maxBeats, this.times.length * 2));
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.beats++] = start;
  }

  /** A record in the answer direction. */
  answer(bytes: number, start: number, end: number): void {
    this.back += bytes;
    if (start < this.first) this.first = start;
    if (end > this.last) this.last = end;
  }

  /** How much there is to lose by evicting it: connections, plus one per MB sent. */
  get activity(): number {
    return this.conns + this.out / 1e6;
  }

  get bytes(): number {
    return 160 + (this.times?.byteLength ?? 0) + this.examples.length * 64;
  }
}

export interface PeerLimits {
  readonly maxPeers: number;
  readonly maxBeats: number;
  readonly examples: number;
}

/** A client's peers, bounded: when full, the less active half is evicted (counted, and said in evidence). */
export class PeerTable {
  readonly peers = new Map<string, Peer>();
  evicted = 0;

  get(key: string, limits: PeerLimits): Peer {
    let p = this.peers.get(key);
    if (p === undefined) {
      if (this.peers.size >= limits.maxPeers) this.#compact();
      this.peers.set(key, (p = new Peer()));
    }
    return p;
  }

  #compact(): void {
    const activity = [...this.peers.values()].map((p) => p.activity).sort((a, b) => a - b);
    const cut = activity[Math.floor(activity.length / 2)]!;
    for (const [k, p] of this.peers) {
      if (p.activity <= cut) {
        this.peers.delete(k);
        this.evicted++;
      }
    }
  }

  get bytes(): number {
    let b = 64;
    for (const [k, p] of this.peers) b += 80 + k.length * 2 + p.bytes;
    return b;
  }
}

/**
 * How many distinct internal clients talk to each destination (its audience): a shared service has many, a C2
 * or a drop site has one. Up to 8 clients are told apart per destination; bounded in destinations (when full,
 * those with one client are forgotten, and an unknown destination counts as rare).
 */
export class Audiences {
  readonly #map = new Map<string, number[]>();
  readonly #cap: number;
  forgotten = 0;

  constructor(cap: number) {
    this.#cap = cap;
  }

  add(destination: string, clientHash: number): void {
    let a = this.#map.get(destination);
    if (a === undefined) {
      if (this.#map.size >= this.#cap) this.#compact();
      this.#map.set(destination, (a = [clientHash]));
      return;
    }
    if (a.length < 8 && !a.includes(clientHash)) a.push(clientHash);
  }

  /** Distinct clients seen (8 means "8 or more"). */
  count(destination: string): number {
    return this.#map.get(destination)?.length ?? 0;
  }

  get size(): number {
    return this.#map.size;
  }

  #compact(): void {
    for (const [k, a] of this.#map) {
      if (a.length <= 1) {
        this.#map.delete(k);
        this.forgotten++;
      }
    }
    if (this.#map.size >= this.#cap) {
      // Everything is shared: forget the older half.
      let i = 0;
      const half = this.#map.size / 2;
      for (const k of this.#map.keys()) {
        if (i++ >= half) break;
        this.#map.delete(k);
        this.forgotten++;
      }
    }
  }

  get bytes(): number {
    let b = 64;
    for (const [k, a] of this.#map) b += 90 + k.length * 2 + a.length * 8;
    return b;
  }
}
