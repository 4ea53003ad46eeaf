// Benchmark: DNS messages/s from a large pcap decoded to open-data-model events by the dns decoder, side by side
// in the same run with the peers a user would otherwise pick (../shared/reference/decoder-peers.md):
//   - tshark -T fields with Apache Spot's field list (what Spot ran on every capture), output to /dev/null;
//   - the npm pair pcap-parser + dns-packet, one plain object per message.
// Each runs in its own process (peak RSS per tool), on the same file, warm page cache, rounds interleaved; the
// median of the rounds is reported with the ratios. Run with `npm run bench -w @sightline/decoder-dns`.
//
//   SIGHTLINE_BENCH_DNS_MESSAGES=2000000 SIGHTLINE_BENCH_ROUNDS=3 npm run bench -w @sightline/decoder-dns
//   SIGHTLINE_BENCH_TSHARK=0 … skips tshark (it takes minutes on large files)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDnsPcap } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.SIGHTLINE_BENCH_DNS_MESSAGES ?? 1_000_000);
const ROUNDS = Number(process.env.SIGHTLINE_BENCH_ROUNDS ?? 3);
const WITH_TSHARK = process.env.SIGHTLINE_BENCH_TSHARK !== '0' && spawnSync('sh', ['-c', 'command -v tshark']).status === 0;
const TIME = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0 ? '/usr/bin/time' : undefined;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'sightline-dns-bench-'));
const file = join(dir, 'dns-big.pcap');
try {
  const t0 = Date.now();
  const frames = generateDnsPcap(file, N);
  const size = statSync(file).size;
  console.log(`input: ${file}, ${fmt(frames)} frames (each one DNS message over UDP/53, Ethernet, IPv4), ${(size / 2 ** 20).toFixed(0)} MiB, generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  readFileSync(file); // warm the page cache

  /** Runs a node script that prints {events, seconds, cpuSeconds, maxRssMiB}. */
  const node = (script, extra = []) => {
    const out = execFileSync(process.execPath, [join(here, script), file, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop());
  };
  /** tshark with Spot's fields (apache-spot.md §3.3), wall and CPU time and peak RSS from /usr/bin/time. */
  const tshark = () => {
    const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=,', '-E', 'occurrence=f', '-e', 'frame.time', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'dns.resp.name', '-e', 'dns.resp.type', '-e', 'dns.resp.class', '-e', 'dns.flags.rcode', '-e', 'dns.a'];
    const started = process.hrtime.bigint();
    const r = TIME === undefined ? spawnSync('tshark', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' }) : spawnSync(TIME, ['-f', '%e %U %S %M', 'sh', '-c', `tshark "$@" > /dev/null`, 'tshark', ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const line = r.stderr.trim().split('\n').pop() ?? '';
    const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(line);
    return { events: frames, seconds: m ? Number(m[1]) : seconds, cpuSeconds: m ? Number(m[2]) + Number(m[3]) : NaN, maxRssMiB: m ? Number(m[4]) / 1024 : NaN };
  };

  const tools = [
    { name: 'sightline dns decoder → ODM events', run: () => node('run-ours.mjs') },
    { name: 'npm pcap-parser 0.2.1 + dns-packet 5.6.1 → objects', run: () => node('run-peer.mjs') },
    ...(WITH_TSHARK ? [{ name: "tshark -T fields (Spot's 10 fields)", run: tshark }] : []),
  ];
  const results = tools.map((t) => ({ ...t, runs: [] }));
  for (let r = 0; r < ROUNDS; r++) for (const t of results) t.runs.push(t.run());

  console.log(`\n${ROUNDS} rounds each, median (machine: ${process.env.SIGHTLINE_BENCH_MACHINE ?? 'not named; set SIGHTLINE_BENCH_MACHINE'}); messages/s by wall time of the decode loop (tshark: its whole process) and per CPU-second:`);
  const rows = results.map((t) => {
    const secs = median(t.runs.map((x) => x.seconds));
    const cpu = median(t.runs.map((x) => x.cpuSeconds));
    return { name: t.name, events: t.runs[0].events, secs, cpu, rate: t.runs[0].events / secs, cpuRate: t.runs[0].events / cpu, rss: median(t.runs.map((x) => x.maxRssMiB)), all: t.runs.map((x) => x.seconds.toFixed(2)).join(', ') };
  });
  for (const r of rows) console.log(`  ${r.name.padEnd(52)} ${fmt(r.events).padStart(10)} msgs  ${r.secs.toFixed(2).padStart(7)} s  ${fmt(r.rate).padStart(10)} msg/s  ${fmt(r.cpuRate).padStart(10)} msg/CPU-s  peak RSS ${r.rss.toFixed(0).padStart(5)} MiB  (runs ${r.all})`);
  const ours = rows[0];
  for (const peer of rows.slice(1)) console.log(`  ratio ours / ${peer.name}: ${(ours.rate / peer.rate).toFixed(1)}x by wall time, ${(ours.cpuRate / peer.cpuRate).toFixed(1)}x by CPU time`);
  if (rows[0].events !== frames || rows[1].events !== frames) console.log(`  NOTE: message counts differ from the ${fmt(frames)} frames: ours ${fmt(rows[0].events)}, npm pair ${fmt(rows[1].events)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
