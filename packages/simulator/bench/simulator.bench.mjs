// Benchmark: events generated per second, per format, and resident memory over a long run (it must stay flat:
// the simulator streams). Defaults finish in about a minute; the scale check is
//   SIGHTLINE_BENCH_FLOWS=10000000 npm run bench -w @sightline/simulator
// There is no off-the-shelf peer that writes these formats from a network model, so no ratio is printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../dist/index.js';

const target = Number(process.env.SIGHTLINE_BENCH_FLOWS ?? 1_000_000);
const hosts = 200;
const flowsPerHostDay = 1600; // measured: ~323k flow records per day for 200 workstations
const days = Math.max(0.25, target / (hosts * flowsPerHostDay));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function run(name, opts) {
  const dir = mkdtempSync(join(tmpdir(), 'sl-simbench-'));
  global.gc?.();
  const samples = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss() / 2 ** 20), 250);
  const t0 = performance.now();
  const r = await simulate({ seed: 1, workstations: hosts, outDir: dir, ...opts });
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  rmSync(dir, { recursive: true, force: true });
  const third = Math.max(1, Math.floor(samples.length / 3));
  const early = Math.max(...samples.slice(0, third));
  const late = Math.max(...samples.slice(-third));
  return { name, s, r, early, late };
}

console.log(`simulator benchmark: ${hosts} workstations, Node ${process.version}`);
const flows = await run('NetFlow v9 export packets (pcap)', { days, dns: 'none', proxy: [] });
console.log(`${flows.name.padEnd(40)} ${fmt(flows.r.counts.flowRecords / flows.s).padStart(10)} flow records/s  (${fmt(flows.r.counts.flowRecords)} records, ${days.toFixed(1)} days, ${flows.s.toFixed(1)} s)  RSS early ${flows.early.toFixed(0)} MiB, late ${flows.late.toFixed(0)} MiB`);
const ipfix = await run('IPFIX export packets (pcap)', { days: Math.min(days, 2), flows: 'ipfix', dns: 'none', proxy: [] });
console.log(`${ipfix.name.padEnd(40)} ${fmt(ipfix.r.counts.flowRecords / ipfix.s).padStart(10)} flow records/s`);
const dns = await run('DNS messages (pcap)', { days: Math.min(days, 4), flows: 'none', proxy: [] });
console.log(`${dns.name.padEnd(40)} ${fmt(dns.r.counts.dnsMessages / dns.s).padStart(10)} DNS messages/s  (traffic model included)`);
const proxy = await run('ProxySG + Squid lines', { days: Math.min(days, 4), flows: 'none', dns: 'none', proxy: ['proxysg', 'squid'] });
console.log(`${proxy.name.padEnd(40)} ${fmt(proxy.r.counts.proxyLines / proxy.s).padStart(10)} requests/s (each written in both formats)`);
