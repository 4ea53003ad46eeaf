// Words per second for Spot's flow, DNS and proxy featurizers, over the built dist (run `npm run build` first):
//   node packages/model-lda/bench/words.bench.mjs [events=2000000]
// Events are generated in memory (seeded). The peer is a direct transliteration of Spot's Scala (split on '.',
// groupBy-style entropy with a Map, floating-point logs, arrays joined with '_'), run on the same events, so the
// ratio shows what the allocation-free paths buy.
import { createDnsFeaturizer, createFlowFeaturizer, createProxyFeaturizer } from '../dist/index.js';

const N = Number(process.argv[2] ?? 2_000_000);
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const T0 = Date.UTC(2024, 0, 1);
const ips = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`);
const protos = [6, 6, 6, 17, 17, 1, 47, 58];
const ports = [0, 22, 53, 80, 123, 443, 445, 993, 1024, 3389, 8080, 50000, 51515, 60000];

const flows = Array.from({ length: N }, (_, i) => ({
  event_id: String(i),
  event_kind: 'flow',
  event_time: T0 + Math.floor(rnd() * 86_400_000),
  src_ip: pick(ips),
  dst_ip: pick(ips),
  src_port: rnd() < 0.5 ? pick(ports) : 1025 + Math.floor(rnd() * 60000),
  dst_port: pick(ports),
  n_proto: pick(protos),
  in_bytes: Math.floor(rnd() ** 3 * 1e7),
  flow_in_packets: Math.floor(rnd() ** 3 * 1e4),
}));

const bases = ['example.com', 'google.com', 'bbc.co.uk', 'amazon.com.mx', 'cdn.cloudflare.net', 'corp.internal', 'apache.org', 'example.xyz'];
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const label = (n) => Array.from({ length: n }, () => pick(alphabet)).join('');
const names = Array.from({ length: 20000 }, () => (rnd() < 0.6 ? `www.${pick(bases)}` : `${label(4 + Math.floor(rnd() * 28))}.${pick(bases)}`));
const dns = Array.from({ length: N }, (_, i) => {
  const name = pick(names);
  return {
    event_id: String(i),
    event_kind: 'dns',
    event_time: T0 + Math.floor(rnd() * 86_400_000),
    dns_message_type: 'response',
    src_ip: '10.0.0.53',
    dst_ip: pick(ips),
    dns_query: name,
    dns_type: pick([1, 1, 28, 16, 5]),
    dns_class: 1,
    dns_response_code: pick([0, 0, 0, 3]),
    dns_answers: [{ name, type: 1, class: 1 }],
    dns_len: 60 + Math.floor(rnd() * 400),
  };
});

// Worst case for the name cache: every name distinct (DGA, tunnelling). Same event shape as above; names
// flattened as a decoder's would be.
const dnsUnique = dns.slice(0, Math.min(N, 1_000_000)).map((e, i) => {
  const name = JSON.parse(JSON.stringify(`${label(8)}${i}.${pick(bases)}`));
  return {
    event_id: e.event_id,
    event_kind: 'dns',
    event_time: e.event_time,
    dns_message_type: 'response',
    src_ip: e.src_ip,
    dst_ip: e.dst_ip,
    dns_query: name,
    dns_type: e.dns_type,
    dns_class: 1,
    dns_response_code: e.dns_response_code,
    dns_answers: [{ name, type: 1, class: 1 }],
    dns_len: e.dns_len,
  };
});

const agents = Array.from({ length: 300 }, (_, i) => `Mozilla/5.0 agent-${i}`);
const proxyN = Math.min(N, 1_000_000);
const proxies = Array.from({ length: proxyN }, (_, i) => {
  const host = pick(names);
  const uri = `${host}/${label(5 + Math.floor(rnd() * 60))}?q=${label(Math.floor(rnd() * 20))}`;
  return {
    event_id: String(i),
    event_kind: 'proxy',
    event_time: T0 + Math.floor(rnd() * 86_400_000),
    src_ip: pick(ips),
    prx_host: host,
    prx_method: pick(['GET', 'GET', 'POST', 'CONNECT']),
    prx_uri: uri,
    prx_type: pick(['text/html', 'image/png', 'application/json']),
    prx_browser: pick(agents),
    prx_code: pick([200, 200, 302, 404]),
  };
});

// ---- the peer: Spot's Scala, transliterated ----
const log2i = (x) => (x === 0 ? 0 : Math.trunc(Math.log10(x) / Math.log10(2)));
const ceilLog2 = (x) => Math.ceil(Math.log10(x) / Math.log10(2));
const CUTS = [0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.2, 4.5, 4.8, 5.1, 5.4, Infinity];
const peerEntropy = (v) => {
  if (v.length === 0) return 0;
  const m = new Map();
  for (const c of v) m.set(c, (m.get(c) ?? 0) + 1);
  let h = 0;
  for (const k of m.values()) {
    const p = k / v.length;
    h += (-p * Math.log10(p)) / Math.log10(2);
  }
  return h;
};
const PROTO = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 58: 'ICMP6' };
function peerFlow(e) {
  const hour = new Date(e.event_time).getUTCHours();
  const sp = e.src_port, dp = e.dst_port, proto = PROTO[e.n_proto] ?? String(e.n_proto);
  const tail = [proto, hour, ceilLog2(e.in_bytes + 1), ceilLog2(e.flow_in_packets + 1)];
  let key, srcMark = false, dstMark = false;
  if (sp === 0 && dp === 0) key = 0;
  else if (dp === 0) (key = sp), (srcMark = true);
  else if (sp === 0) (key = dp), (dstMark = true);
  else if (sp <= 1024 && dp <= 1024) key = 111111;
  else if (sp <= 1024) (key = sp), (srcMark = true);
  else if (dp <= 1024) (key = dp), (dstMark = true);
  else key = 333333;
  const base = [key, ...tail].join('_');
  return { docs: [e.src_ip, e.dst_ip], words: [(srcMark ? '-1_' : '') + base, (dstMark ? '-1_' : '') + base] };
}
const CC = new Set('uk br mx jp de fr'.split(' '));
const TLD = new Set(['com', 'org', 'net', 'int', 'edu', 'gov', 'mil']);
function peerDns(e) {
  const name = e.dns_answers[0].name;
  let parts = name.split('.');
  const n = parts.length;
  let domain = 'None', sub = 'None';
  if (n >= 2 && (CC.has(parts[n - 1]) || TLD.has(parts[n - 1]))) {
    if (CC.has(parts[parts.length - 1])) parts = parts.slice(0, -1);
    if (TLD.has(parts[parts.length - 1])) parts = parts.slice(0, -1);
    if (parts.length > 0) {
      domain = parts[parts.length - 1];
      if (parts.length > 1) sub = parts.slice(0, -1).join('.');
    }
  }
  const subLen = sub === 'None' ? 0 : sub.length;
  const ent = sub === 'None' ? 0 : peerEntropy(sub);
  const hour = new Date(e.event_time).getUTCHours();
  const word = [domain === 'google' ? 1 : 0, log2i(e.dns_len), hour, log2i(subLen), CUTS.findIndex((c) => ent <= c), log2i(n), e.dns_type, e.dns_response_code].join('_');
  return { docs: [e.dst_ip], words: [word] };
}

function time(label, events, fn) {
  let sink = 0;
  // Warm up on a slice, then measure the whole set.
  for (let i = 0; i < Math.min(events.length, 200_000); i++) sink += fn(events[i])?.words.length ?? 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) sink += fn(events[i])?.words.length ?? 0;
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const rate = events.length / s;
  console.log(`${label.padEnd(28)} ${(rate / 1e6).toFixed(2).padStart(6)} M events/s  (${events.length} events, ${s.toFixed(2)} s, ${sink} words)`);
  return rate;
}

const flowF = createFlowFeaturizer();
const dnsF = createDnsFeaturizer({ topDomains: new Set(['google.com']) });
const dnsPsl = createDnsFeaturizer({ topDomains: new Set(['google.com']), public_suffix: true });
const proxyF = createProxyFeaturizer();
const pass = proxyF.createPass();
for (const e of proxies) pass.observe(e);
const learned = pass.finish();

console.log(`node ${process.version}, one thread`);
const f = time('flow  (spot-flow)', flows, (e) => flowF.words(e, undefined));
const fp = time('flow  (Spot transliterated)', flows, peerFlow);
const d = time('dns   (spot-dns)', dns, (e) => dnsF.words(e, undefined));
const dp = time('dns   (Spot transliterated)', dns, peerDns);
time('dns   (public_suffix)', dns, (e) => dnsPsl.words(e, undefined));
time('dns   (every name distinct)', dnsUnique, (e) => dnsF.words(e, undefined));
time('proxy (spot-proxy)', proxies, (e) => proxyF.words(e, learned));
console.log(`ratio flow ${(f / fp).toFixed(2)}x, dns ${(d / dp).toFixed(2)}x over the transliteration`);
