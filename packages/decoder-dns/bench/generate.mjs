// Writes a large pcap of DNS traffic for the benchmark with the project's own writers: a few thousand distinct
// queries and responses (A, AAAA, CNAME chains, MX, TXT, NS/SOA authorities, NXDOMAIN, EDNS with cookies, long
// tunnelling-style names), Ethernet/IPv4/UDP port 53, unfragmented (so that every peer can read every packet),
// replicated with shifted times and transaction ids up to the requested number of messages.
import { closeSync, openSync, writeSync } from 'node:fs';
import { pcapFile, udpFrame } from '@sightline/capture';
import { encodeMessage, rdata } from '../dist/index.js';

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['mail', 'www', 'api', 'cdn', 'static', 'login', 'img', 'video', 'news', 'shop', 'cloud', 'edge', 'auth', 'files', 'docs'];
const DOMAINS = ['example.com', 'example.net', 'corp.example.org', 'google.com', 'cloudfront.net', 'akamaiedge.net', 'tunnel.example.xyz'];

/** The distinct exchanges: [query frame, response frame] pairs (as payloads plus addresses). */
function exchanges(count, rand) {
  const out = [];
  const pick = (a) => a[Math.floor(rand() * a.length)];
  for (let i = 0; i < count; i++) {
    const client = `10.${1 + (i % 20)}.${Math.floor(rand() * 250)}.${1 + Math.floor(rand() * 250)}`;
    const server = pick(['10.0.0.53', '192.0.2.53', '8.8.8.8']);
    const kind = rand();
    const domain = pick(DOMAINS);
    let name = `${pick(WORDS)}.${domain}`;
    if (kind > 0.9) name = `${Array.from({ length: 2 + Math.floor(rand() * 3) }, () => Math.floor(rand() * 2 ** 48).toString(36)).join('.')}.${domain}`;
    const type = kind < 0.55 ? 1 : kind < 0.75 ? 28 : kind < 0.82 ? 15 : kind < 0.9 ? 16 : 1;
    const id = Math.floor(rand() * 65536);
    const cookie = Uint8Array.from({ length: 8 }, () => Math.floor(rand() * 256));
    const edns = rand() < 0.6 ? { udpSize: 1232, options: [{ code: 10, data: cookie }] } : undefined;
    const q = encodeMessage({ id, flags: ['RD'], questions: [{ name, type }], ...(edns === undefined ? {} : { edns }) });
    const answers = [];
    const nx = rand() < 0.08;
    if (!nx) {
      let owner = name;
      if (rand() < 0.3) {
        const target = `${pick(WORDS)}.edge.${pick(DOMAINS)}`;
        answers.push({ name: owner, type: 5, ttl: 300, rdata: rdata.name(target) });
        owner = target;
      }
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        if (type === 1) answers.push({ name: owner, type: 1, ttl: 60 + k, rdata: rdata.a(`203.0.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`) });
        else if (type === 28) answers.push({ name: owner, type: 28, ttl: 60, rdata: rdata.aaaa(`2001:db8:${(k + 1).toString(16)}::${Math.floor(rand() * 65535).toString(16)}`) });
        else if (type === 15) answers.push({ name: owner, type: 15, ttl: 3600, rdata: rdata.mx(10 * (k + 1), `mx${k}.${domain}`) });
        else answers.push({ name: owner, type: 16, ttl: 30, rdata: rdata.txt(`v=spf1 include:_spf.${domain} ~all`, Math.floor(rand() * 1e12).toString(36)) });
      }
    }
    const authorities = nx
      ? [{ name: domain, type: 6, ttl: 900, rdata: rdata.soa(`ns1.${domain}`, `hostmaster.${domain}`, 2024010101, 7200, 3600, 1209600, 300) }]
      : rand() < 0.3
        ? [{ name: domain, type: 2, ttl: 86400, rdata: rdata.name(`ns1.${domain}`) }, { name: domain, type: 2, ttl: 86400, rdata: rdata.name(`ns2.${domain}`) }]
        : [];
    const r = encodeMessage({ id, response: true, flags: ['RD', 'RA'], rcode: nx ? 3 : 0, questions: [{ name, type }], answers, authorities, ...(edns === undefined ? {} : { edns }) });
    const sport = 1024 + Math.floor(rand() * 60000);
    out.push({ client, server, sport, q, r });
  }
  return out;
}

/** Writes `messages` DNS messages (queries and responses alternating) to `path`; returns the frame count. */
export function generateDnsPcap(path, messages, seed = 7) {
  const rand = prng(seed);
  const base = exchanges(2000, rand);
  const fd = openSync(path, 'w');
  writeSync(fd, pcapFile([]));
  const t0 = Date.UTC(2026, 0, 5, 8, 0, 0);
  let written = 0;
  let replica = 0;
  while (written < messages) {
    const records = [];
    for (let i = 0; i < base.length && written < messages; i++) {
      const x = base[i];
      for (const [payload, fromClient] of [[x.q, true], [x.r, false]]) {
        if (written >= messages) break;
        const p = Uint8Array.from(payload);
        // Replicas differ: ids XORed with the replica number.
        const id = ((p[0] << 8) | p[1]) ^ (replica & 0xffff);
        p[0] = id >> 8;
        p[1] = id & 255;
        const frame = udpFrame(fromClient ? { src: x.client, dst: x.server, srcPort: x.sport, dstPort: 53, payload: p } : { src: x.server, dst: x.client, srcPort: 53, dstPort: x.sport, payload: p });
        records.push({ timeMs: t0 + replica * 60_000 + i * 7 + (fromClient ? 0 : 3) + 0.123, data: frame });
        written++;
      }
    }
    const file = pcapFile(records);
    writeSync(fd, file, 24);
    replica++;
  }
  closeSync(fd);
  return written;
}
