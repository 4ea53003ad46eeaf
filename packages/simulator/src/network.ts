import { USER_AGENTS } from './catalog.js';
import { Rng, Zipf } from './rng.js';

/** A simulated host: what it is, where it is, and (for workstations) who uses it when. */
export interface Host {
  readonly ip: string;
  readonly name: string;
  readonly role: 'workstation' | 'server' | 'dmz';
  readonly user: string;
  /** Workday presence in hours UTC; a night-owl works late. */
  readonly dayStart: number;
  readonly dayEnd: number;
  readonly userAgent: string;
  /** How busy the user is (multiplies their rates). */
  readonly activity: number;
  readonly ifIndex: number;
}

export interface Services {
  readonly exporter: string;
  readonly collector: string;
  readonly resolver: string;
  readonly proxy: string;
  readonly proxyPort: number;
  readonly domainControllers: readonly string[];
  readonly fileServers: readonly string[];
  readonly dbServers: readonly string[];
  readonly appServers: readonly string[];
  readonly mailServer: string;
  readonly dmzWeb: readonly string[];
  readonly dmzMail: string;
  readonly domain: string;
}

export interface Network {
  readonly workstations: readonly Host[];
  readonly services: Services;
  /** Internal networks (for enrichment configs): CIDR -> zone. */
  readonly zones: readonly { readonly cidr: string; readonly zone: string }[];
  readonly inventory: readonly { readonly ip: string; readonly host: string; readonly owner: string; readonly criticality: number; readonly tags: string }[];
}

export const ORG_DOMAIN = 'corp.example.com';

/** Builds the enterprise: workstations with users and schedules, servers, a DMZ. Deterministic for a seed. */
export function buildNetwork(workstations: number, seed: number): Network {
  const rng = new Rng(seed, 0x1e7);
  const ua = new Zipf(USER_AGENTS.length - 3, 1.2); // browsers only; system agents are used by background jobs
  const hosts: Host[] = [];
  for (let i = 0; i < workstations; i++) {
    const nightOwl = rng.chance(0.05);
    const start = nightOwl ? rng.int(11, 14) : 7 + rng.next() * 3;
    hosts.push({
      ip: `10.10.${Math.floor(i / 250)}.${(i % 250) + 5}`,
      name: `ws-${String(i).padStart(4, '0')}`,
      role: 'workstation',
      user: `user${String(i).padStart(4, '0')}`,
      dayStart: start,
      dayEnd: start + (nightOwl ? 10 : 8 + rng.next() * 2),
      userAgent: USER_AGENTS[ua.draw(rng)]!,
      activity: rng.lognormal(1, 0.5),
      ifIndex: 10 + (i % 8),
    });
  }
  const services: Services = {
    exporter: '10.0.0.1',
    collector: '10.0.0.100',
    resolver: '10.20.0.53',
    proxy: '10.20.0.8',
    proxyPort: 8080,
    domainControllers: ['10.20.0.10', '10.20.0.11'],
    fileServers: ['10.20.0.20', '10.20.0.21'],
    dbServers: ['10.20.0.30', '10.20.0.31'],
    appServers: ['10.20.0.40', '10.20.0.41', '10.20.0.42', '10.20.0.43'],
    mailServer: '10.20.0.25',
    dmzWeb: ['172.16.0.10', '172.16.0.11'],
    dmzMail: '172.16.0.25',
    domain: ORG_DOMAIN,
  };
  const server = (ip: string, host: string, criticality: number, tags: string) => ({ ip, host, owner: 'it-operations', criticality, tags });
  return {
    workstations: hosts,
    services,
    zones: [
      { cidr: '10.10.0.0/16', zone: 'workstations' },
      { cidr: '10.20.0.0/16', zone: 'servers' },
      { cidr: '10.0.0.0/24', zone: 'network' },
      { cidr: '172.16.0.0/24', zone: 'dmz' },
    ],
    inventory: [
      server(services.resolver, 'dns-1', 4, 'dns'),
      server(services.proxy, 'proxy-1', 4, 'proxy'),
      ...services.domainControllers.map((ip, i) => server(ip, `dc-${i + 1}`, 5, 'ad;kerberos;ldap')),
      ...services.fileServers.map((ip, i) => server(ip, `files-${i + 1}`, 4, 'smb')),
      ...services.dbServers.map((ip, i) => server(ip, `db-${i + 1}`, 5, 'database;pii')),
      ...services.appServers.map((ip, i) => server(ip, `app-${i + 1}`, 3, 'app')),
      server(services.mailServer, 'mail-1', 4, 'mail'),
      ...services.dmzWeb.map((ip, i) => server(ip, `www-${i + 1}`, 4, 'web;internet-facing')),
      server(services.dmzMail, 'mx-1', 3, 'smtp;internet-facing'),
      ...hosts.map((h) => ({ ip: h.ip, host: h.name, owner: h.user, criticality: 1, tags: 'workstation' })),
    ],
  };
}

/** How present a user is at this hour (0..1): ramps at the edges of the workday, a lunch dip, nothing at weekends. */
export function presence(host: Host, hourOfDay: number, weekday: boolean): number {
  if (!weekday) return 0.02;
  const edge = (x: number): number => Math.min(1, Math.max(0, x));
  const ramp = Math.min(edge(hourOfDay - host.dayStart + 0.5), edge(host.dayEnd - hourOfDay + 0.5));
  const lunch = Math.abs(hourOfDay - 12.5) < 0.5 ? 0.4 : 1;
  return ramp * lunch;
}
