/**
 * The ground truth the simulator produces before it is written in wire formats: connections as an exporter sees
 * them (one direction each), DNS lookups as a sensor at the resolver sees them, and requests as the proxy logs
 * them. Planted attacks carry a label naming the attack instance.
 */

export interface Label {
  /** Attack type: port-scan, host-scan, beaconing, dns-tunnel, dga, exfiltration, lateral-movement, bad-user-agent. */
  readonly attack: string;
  /** Id of the planted attack instance. */
  readonly id: string;
}

/** One direction of a connection. */
export interface FlowActivity {
  readonly start: number;
  readonly end: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly proto: number;
  readonly packets: number;
  readonly bytes: number;
  /** Cumulative TCP flags (FIN 1, SYN 2, RST 4, PSH 8, ACK 16). */
  readonly tcpFlags: number;
  readonly tos: number;
  readonly inputIf: number;
  readonly outputIf: number;
  readonly label?: Label;
}

export interface DnsAnswer {
  readonly type: number;
  readonly data: string;
  readonly ttl: number;
}

/** A query and its response. */
export interface DnsActivity {
  readonly time: number;
  readonly client: string;
  readonly clientPort: number;
  readonly resolver: string;
  readonly id: number;
  readonly name: string;
  readonly qtype: number;
  readonly rcode: number;
  readonly answers: readonly DnsAnswer[];
  readonly rttMs: number;
  readonly label?: Label;
}

/** A request through the web proxy. */
export interface ProxyActivity {
  readonly time: number;
  readonly durationMs: number;
  readonly client: string;
  readonly user: string;
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly action: string;
  readonly filterResult: 'OBSERVED' | 'PROXIED' | 'DENIED';
  readonly category: string;
  readonly referer: string;
  readonly userAgent: string;
  readonly contentType: string;
  /** Bytes server -> client, client -> server. */
  readonly scBytes: number;
  readonly csBytes: number;
  readonly serverIp: string;
  readonly label?: Label;
}

/** Where activities go (the writers, the labels file, counters). */
export interface ActivitySink {
  flow(f: FlowActivity): void;
  dns(d: DnsActivity): void;
  proxy(p: ProxyActivity): void;
}
