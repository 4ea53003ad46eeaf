// Records/s decoded to open-data-model flow events (with event ids), NetFlow v5, v9 and IPFIX, side by side with
// npm node-netflowv9 (the Node peer a user would pick) on the same packets in the same run; prints the ratio.
// Both run in-process on packets already in memory (no socket), one core. Rates are records per CPU-second of
// this process (user + system), so that other load on a shared machine does not count against either side;
// wall-clock rates are printed too. Usage: npm run bench -w @sightline/decoder-netflow
// [-- --packets N --runs R]
import { createRequire } from 'node:module';
import { FlowCollector, InMemoryTemplateStore, NetflowDecoder } from '../dist/index.js';
import { ipfixPackets, v5Packets, v9Packets } from './packets.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PACKETS = arg('packets', 20000);
const RUNS = arg('runs', 5);
const SECS = 1_700_000_000;

const require = createRequire(import.meta.url);
let NetFlowV9;
try {
  NetFlowV9 = require('node-netflowv9');
} catch {
  console.warn('node-netflowv9 is not installed (npm install -w @sightline/decoder-netflow): peer column skipped');
}

function ours(packets) {
  const collector = new FlowCollector({ store: new InMemoryTemplateStore(0), ttlMs: 0, pendingMaxBytes: 4 << 20, pendingMaxAgeMs: 600_000, keepRaw: false });
  let records = 0;
  let events = [];
  const issues = [];
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < packets.length; i++) {
    collector.decodePacket(packets[i], { exporter: '192.0.2.1:2055', dvcIp: '192.0.2.1', dvcPort: 2055, receivedAt: SECS * 1000 + i, ordinal: i, source: 'bench', offset: undefined }, events, issues);
    if (events.length >= 1000) {
      records += events.length;
      events = [];
    }
  }
  records += events.length;
  const s = cpuSeconds(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (issues.length > 0) throw new Error(`ours reported ${issues.length} issues: ${issues[0].message}`);
  return { records, s, wall };
}

/** The same packets through the plugin's decode() on a datagram source, as the runtime's udp input feeds it. */
async function plugin(packets) {
  const decoder = new NetflowDecoder({ store: new InMemoryTemplateStore(0), ttlMs: 0, pendingMaxBytes: 4 << 20, pendingMaxAgeMs: 600_000 }, 'netflow');
  const source = {
    name: 'bench',
    framing: 'datagram',
    async *chunks() {
      for (let i = 0; i < packets.length; i++) yield { bytes: packets[i], offset: i, receivedAt: SECS * 1000 + i, peer: { address: '192.0.2.1', port: 2055 } };
    },
  };
  const ctx = { batchSize: 1000, keepRaw: false, signal: new AbortController().signal };
  let records = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for await (const b of decoder.decode(source, ctx)) records += b.events.length;
  const s = cpuSeconds(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { records, s, wall };
}

function peer(packets) {
  if (NetFlowV9 === undefined) return undefined;
  const nf = NetFlowV9({ cb: () => {} });
  const rinfo = { address: '192.0.2.1', port: 2055, family: 'IPv4', size: 0 };
  let records = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < packets.length; i++) {
    rinfo.size = packets[i].length;
    const o = nf.nfPktDecode(packets[i], rinfo);
    if (o !== undefined && o.flows !== undefined) records += o.flows.length;
  }
  const s = cpuSeconds(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { records, s, wall };
}

const cpuSeconds = (c0) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`);

const inputs = [
  ['NetFlow v5 (30 records/packet)', v5Packets(PACKETS, SECS)],
  ['NetFlow v9 (24 records/packet, template every 20 packets)', v9Packets(PACKETS, SECS, 24, 20)],
  ['NetFlow v9 (24 records/packet, template in every packet)', v9Packets(PACKETS, SECS, 24, 1)],
  ['IPFIX (20 records/packet, template every 20 packets)', ipfixPackets(PACKETS, SECS, 20, 20)],
];

console.log(`decoder-netflow benchmark: ${PACKETS} packets per input, median of ${RUNS} runs (after 1 warm-up), Node ${process.version}`);
console.log(`${'input'.padEnd(60)} ${'records'.padStart(8)} ${'ours rec/cpu-s'.padStart(15)} ${'peer rec/cpu-s'.padStart(15)} ${'ratio'.padStart(7)}  ${'ours wall'.padStart(10)} ${'peer wall'.padStart(10)}`);
for (const [name, packets] of inputs) {
  ours(packets);
  peer(packets);
  const o = [];
  const p = [];
  const ow = [];
  const pw = [];
  let records = 0;
  let peerRecords = 0;
  for (let r = 0; r < RUNS; r++) {
    const a = ours(packets);
    records = a.records;
    o.push(a.records / a.s);
    ow.push(a.records / a.wall);
    const b = peer(packets);
    if (b !== undefined) {
      peerRecords = b.records;
      p.push(b.records / b.s);
      pw.push(b.records / b.wall);
    }
  }
  const ourRate = median(o);
  const peerRate = p.length > 0 && peerRecords > 0 ? median(p) : undefined;
  const peerText = peerRate === undefined ? (NetFlowV9 === undefined ? 'n/a' : `0 (${peerRecords} rec)`) : fmt(peerRate);
  console.log(`${name.padEnd(60)} ${String(records).padStart(8)} ${fmt(ourRate).padStart(15)} ${peerText.padStart(15)} ${(peerRate === undefined ? '-' : `${(ourRate / peerRate).toFixed(1)}x`).padStart(7)}  ${fmt(median(ow)).padStart(10)} ${(pw.length > 0 && peerRecords > 0 ? fmt(median(pw)) : '-').padStart(10)}`);
}
{
  const packets = inputs[1][1];
  await plugin(packets);
  const runs = [];
  let records = 0;
  for (let r = 0; r < RUNS; r++) {
    const a = await plugin(packets);
    records = a.records;
    runs.push(a.records / a.s);
  }
  console.log(`${'NetFlow v9 through NetflowDecoder.decode (datagram source)'.padEnd(60)} ${String(records).padStart(8)} ${fmt(median(runs)).padStart(15)}`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (inputs in memory included). node-netflowv9 has no IPFIX: it decodes 0 records of that input.`);
