import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '@sightline/core';
import { ATTACK_TYPES, type AttackSpec, type AttackType, DEFAULT_START, describeAttack, simulate } from '@sightline/simulator';
import { EXIT } from '../exit-codes.js';
import { type CliIo, UsageError } from '../io.js';

export const SIMULATE_HELP = `Usage: sightline simulate [options]

Simulates an enterprise network (workstations with users and working hours, servers, a DMZ, DNS, a web proxy)
and writes what Sightline's decoders read: NetFlow v9 or IPFIX export packets (pcap, optionally sent over UDP),
DNS traffic at the resolver (pcap/pcapng), ProxySG and Squid access logs. Attacks are planted with ground truth in
labels.ndjson. The same seed gives byte-identical files.

Options:
  -o, --out <dir>          where to write (default ./sightline-sim)
  -d, --days <n>           days to simulate, fractions allowed (default 1)
      --hosts <n>          workstations (default 150)
      --seed <n>           seed (default 1)
      --start <iso time>   first simulated moment (default 2026-01-05T00:00:00Z, a Monday)
      --attacks <list>     all (default), none, or a comma list of: ${ATTACK_TYPES.join(', ')}
                           each optionally with an intensity: dga=2,beaconing=0.5
      --flows <format>     v9 (default), ipfix or none
      --dns <format>       pcap (default), pcapng or none
      --proxy <formats>    proxysg (default), squid, proxysg,squid or none
      --odm                also write every event as open-data-model NDJSON (events.ndjson): what a perfect
                           decoder would produce, for testing models and decoders
      --rotate <duration>  one file per period for flows, DNS and proxy logs (e.g. 5m as nfcapd -t 300, 1h),
                           named by the period's start: flows-v9-20260105T0100Z.pcap
      --udp <host:port>    also send the export packets to a collector (e.g. 127.0.0.1:2055)
  -h, --help               this help

Attacks (intensity 1):
${ATTACK_TYPES.map((t) => `  ${t.padEnd(18)} ${describeAttack(t)}`).join('\n')}
`;

function parseAttacks(text: string): AttackSpec[] {
  if (text === 'none') return [];
  if (text === 'all') return ATTACK_TYPES.map((type) => ({ type, intensity: 1 }));
  return text.split(',').map((part) => {
    const [name, level] = part.split('=');
    if (!ATTACK_TYPES.includes(name as AttackType)) throw new UsageError(`unknown attack "${name}" (known: ${ATTACK_TYPES.join(', ')})`);
    const intensity = level === undefined ? 1 : Number(level);
    if (!Number.isFinite(intensity) || intensity <= 0) throw new UsageError(`attack ${name}: intensity must be a positive number`);
    return { type: name as AttackType, intensity };
  });
}

export async function simulateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', short: 'o', default: 'sightline-sim' },
      days: { type: 'string', short: 'd', default: '1' },
      hosts: { type: 'string', default: '150' },
      seed: { type: 'string', default: '1' },
      start: { type: 'string' },
      attacks: { type: 'string', default: 'all' },
      flows: { type: 'string', default: 'v9' },
      dns: { type: 'string', default: 'pcap' },
      proxy: { type: 'string', default: 'proxysg' },
      udp: { type: 'string' },
      rotate: { type: 'string' },
      odm: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SIMULATE_HELP);
    return EXIT.OK;
  }
  const days = Number(values.days);
  const hosts = Number(values.hosts);
  const seed = Number(values.seed);
  if (!(days > 0)) throw new UsageError('--days must be a positive number');
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 1_000_000) throw new UsageError('--hosts must be a whole number from 1 to 1000000');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
  if (!['v9', 'ipfix', 'none'].includes(values.flows)) throw new UsageError('--flows must be v9, ipfix or none');
  if (!['pcap', 'pcapng', 'none'].includes(values.dns)) throw new UsageError('--dns must be pcap, pcapng or none');
  const proxy = values.proxy === 'none' ? [] : values.proxy.split(',');
  if (proxy.some((p) => p !== 'proxysg' && p !== 'squid')) throw new UsageError('--proxy takes proxysg, squid, both (proxysg,squid) or none');
  const start = values.start === undefined ? DEFAULT_START : Date.parse(values.start);
  if (Number.isNaN(start)) throw new UsageError('--start must be an ISO time such as 2026-01-05T00:00:00Z');
  let udp: { host: string; port: number } | undefined;
  if (values.udp !== undefined) {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(values.udp);
    if (m === null) throw new UsageError('--udp takes host:port');
    udp = { host: m[1]!, port: Number(m[2]) };
  }
  let rotateMs: number | undefined;
  if (values.rotate !== undefined) {
    try {
      rotateMs = parseDuration(values.rotate);
    } catch {
      throw new UsageError(`--rotate takes a duration such as 5m or 1h, not "${values.rotate}"`);
    }
    if (rotateMs < 60_000 || rotateMs > 86_400_000) throw new UsageError('--rotate must be between 1m and 1d');
  }
  const outDir = resolve(io.cwd, values.out);
  const began = Date.now();
  const result = await simulate({
    seed,
    days,
    start,
    workstations: hosts,
    attacks: parseAttacks(values.attacks),
    outDir,
    flows: values.flows as 'v9',
    dns: values.dns as 'pcap',
    proxy: proxy as ('proxysg' | 'squid')[],
    odm: values.odm,
    ...(udp === undefined ? {} : { udp }),
    ...(rotateMs === undefined ? {} : { rotateMs }),
    onProgress: (p) => io.stderr.write(`\rsimulated ${formatDuration(p.simulatedMs)} of ${formatDuration(p.totalMs)}: ${p.flowRecords.toLocaleString('en-US')} flow records, ${p.dnsMessages.toLocaleString('en-US')} DNS messages, ${p.proxyLines.toLocaleString('en-US')} proxy lines   `),
  });
  io.stderr.write('\n');
  const c = result.counts;
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [
    `Simulated ${days} day${days === 1 ? '' : 's'} of ${hosts} workstations (seed ${seed}) in ${formatDuration(Date.now() - began)} into ${outDir}:`,
    `  ${n(c.flowRecords)} flow records in ${n(c.exportPackets)} ${values.flows} export packets, ${n(c.dnsMessages)} DNS messages, ${n(c.proxyLines)} proxy requests`,
    'Files:',
    ...Object.entries(result.files).map(([k, f]) => `  ${k.padEnd(11)} ${f}`),
    `Planted attacks (ground truth in labels.ndjson, ${n(c.labels)} labelled activities):`,
    ...result.attacks.map((a) => `  ${a.id.padEnd(20)} victim ${a.victim.padEnd(13)} ${new Date(a.start).toISOString().slice(0, 16)}  ${a.description}`),
    ...result.skippedAttacks.map((a) => `  ${a.id.padEnd(20)} NOT PLANTED: ${a.reason} (simulate more days or fewer attacks)`),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}
