import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type OdmEvent, formatDuration, loadPipelineFile } from '@sightline/core';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { evaluateAlerts, loadGroundTruth, simulate } from '@sightline/simulator';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';
import { ProgressRenderer } from '../progress.js';
import { formatReport } from '../report.js';

export const DEMO_HELP = `Usage: sightline demo [options]

Shows Sightline doing its whole job with no server and no data of your own: simulates a day of an enterprise
network with planted attacks (NetFlow v9, DNS capture, ProxySG log), writes a pipeline file for it, runs that
pipeline (decode, enrich, models, files), and reports what it found, including which planted attacks are among
the top alerts. Everything lands in one folder; rerun the pipeline yourself with \`sightline run\`.

Options:
  -o, --out <dir>    folder for the simulated input, the pipeline file and the run (default ./sightline-demo)
      --hosts <n>    workstations to simulate (default 120)
      --seed <n>     seed (default 1)
      --top <n>      alerts per window and kind (default 100)
  -h, --help         this help
`;

/** The plugins the demo uses when they are installed, by role. */
const WANTED = {
  flows: 'netflow',
  dns: 'dns',
  proxy: 'proxy',
  models: ['lda', 'heuristics'],
  context: ['network-context', 'domain-facts', 'risk'],
};

/** Zones and the asset inventory of the simulated network, as the CSV files network-context reads. */
function writeContextFiles(networkJson: string, dir: string): void {
  const net = JSON.parse(readFileSync(networkJson, 'utf8')) as {
    zones: { cidr: string; zone: string }[];
    inventory: { ip: string; host: string; owner: string; criticality: number; tags: string }[];
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'zones.csv'), `network,zone\n${net.zones.map((z) => `${z.cidr},${z.zone}`).join('\n')}\n`);
  writeFileSync(join(dir, 'assets.csv'), `ip,host,owner,criticality,tags\n${net.inventory.map((a) => `${a.ip},${a.host},${a.owner},${a.criticality},${a.tags}`).join('\n')}\n`);
}

function demoPipeline(available: ReadonlySet<string>, top: number): { yaml: string; notes: string[] } {
  const notes: string[] = [];
  const inputs: string[] = [];
  const decoders: string[] = [];
  for (const [file, decoder] of [
    ['input/flows-v9.pcap', WANTED.flows],
    ['input/dns.pcap', WANTED.dns],
    ['input/proxysg.log', WANTED.proxy],
  ] as const) {
    if (available.has(decoder)) {
      inputs.push(`  - { type: file, path: ${file}, decoder: ${decoder} }`);
      decoders.push(`  - { use: ${decoder} }`);
    } else notes.push(`the "${decoder}" decoder is not installed: ${file} is not read`);
  }
  // Context: the simulated network's zones and asset inventory (written beside the input), domain facts and a
  // risk priority when enrich-context is installed; otherwise a small lookup table with the same intent.
  const enrichers = WANTED.context.every((e) => available.has(e))
    ? [
        '  - use: network-context',
        '    config: { internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], zone_files: [input/context/zones.csv], asset_files: [input/context/assets.csv] }',
        '  - { use: domain-facts, config: { top_domains: input/top-domains.csv } }',
        '  - use: risk',
      ]
    : [
        '  - use: map',
        '    name: zones',
        '    config:',
        '      lookups:',
        '        - { field: dst_ip, table: { "10.20.0.53": { dst_zone: servers, dst_host: dns-1, dst_criticality: 4 }, "10.20.0.8": { dst_zone: servers, dst_host: proxy-1, dst_criticality: 4 }, "10.20.0.30": { dst_zone: servers, dst_host: db-1, dst_criticality: 5 } } }',
      ];
  if (enrichers[0] === '  - use: map') notes.push(`the context enrichers (${WANTED.context.join(', ')}) are not installed: a small lookup table stands in`);
  const models = WANTED.models.filter((m) => available.has(m));
  if (models.length === 0) models.push('rarity');
  for (const m of WANTED.models) if (!available.has(m)) notes.push(`the "${m}" model is not installed`);
  const yaml = [
    '# Written by `sightline demo`: the pipeline it ran. Run it again with `sightline run <this file>`.',
    'name: demo',
    'output: runs',
    'inputs:',
    ...(inputs.length === 0 ? ['  []'] : inputs),
    'decoders:',
    ...(decoders.length === 0 ? ['  []'] : decoders),
    'enrichers:',
    ...enrichers,
    'models:',
    ...models.map((m) =>
      m === 'heuristics'
        ? `  - { use: ${m}, top_n: ${top}, config: { top_domains: { path: input/top-domains.csv } } }`
        : m === 'lda'
          ? `  - { use: ${m}, top_n: ${top}, config: { workers: 2, words: { public_suffix: true, top_domains: { path: input/top-domains.csv } } } }`
          : `  - { use: ${m}, top_n: ${top} }`,
    ),
    'sinks:',
    '  - { use: file, name: events, config: { format: ndjson, rotate: { max_bytes: 256MiB } } }',
    '  - { use: file, name: alerts, deliver: alerts, config: { format: ndjson, path: "alerts/{kind}" } }',
    '  - { use: file, name: spot-results, deliver: alerts, config: { format: csv, columns: spot, path: "alerts/{kind}_results" } }',
    '',
  ].join('\n');
  return { yaml, notes };
}

function readAlerts(runDir: string): OdmEvent[] {
  const dir = join(runDir, 'alerts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as OdmEvent),
    );
}

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', short: 'o', default: 'sightline-demo' },
      hosts: { type: 'string', default: '120' },
      seed: { type: 'string', default: '1' },
      top: { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return EXIT.OK;
  }
  const hosts = Number(values.hosts);
  const seed = Number(values.seed);
  const top = Number(values.top);
  if (!Number.isInteger(hosts) || hosts < 5) throw new UsageError('--hosts must be a whole number of at least 5');
  if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
  if (!Number.isInteger(top) || top < 1) throw new UsageError('--top must be a positive whole number');
  const out = resolve(io.cwd, values.out);
  const began = Date.now();

  io.stderr.write(`Simulating one day of ${hosts} workstations with eight planted attacks…\n`);
  const sim = await simulate({ seed, days: 1, workstations: hosts, outDir: join(out, 'input'), flows: 'v9', dns: 'pcap', proxy: ['proxysg'] });
  const simSeconds = (Date.now() - began) / 1000;

  const registry = builtinRegistry();
  const available = new Set(registry.list().map((p) => p.manifest.name));
  const { yaml, notes } = demoPipeline(available, top);
  writeContextFiles(sim.files['network']!, join(out, 'input', 'context'));
  const pipelineFile = join(out, 'demo.pipeline.yaml');
  writeFileSync(pipelineFile, yaml);
  for (const n of notes) io.stderr.write(`note: ${n}\n`);

  const spec = loadPipelineFile(pipelineFile, { env: io.env });
  const renderer = new ProgressRenderer(io.stderr, 'auto');
  const runner = new LocalRunner({
    spec,
    registry,
    logger: new StreamLogger({ level: 'warn', write: (l) => renderer.log(l) }),
    progressIntervalMs: renderer.intervalMs,
    onProgress: (p) => renderer.update(p),
    pluginSearchDirs: [spec.baseDir, io.cwd, CLI_DIR],
  });
  const summary = await runner.run();
  renderer.done();

  const c = sim.counts;
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(`Simulated ${n(c.flowRecords)} flow records, ${n(c.dnsMessages)} DNS messages and ${n(c.proxyLines)} proxy requests in ${simSeconds.toFixed(1)}s (${join(out, 'input')}).`);
  io.stdout.write(`${lines.join('\n')}\n`);
  io.stdout.write(formatReport(summary));

  const truth = loadGroundTruth(sim.files['labels']!);
  const evaluation = evaluateAlerts(truth, readAlerts(summary.runDir));
  const found = evaluation.findings.filter((f) => f.found);
  io.stdout.write(`\nPlanted attacks found among the top ${top} alerts per kind: ${found.length} of ${evaluation.findings.length}\n`);
  for (const f of evaluation.findings) {
    io.stdout.write(
      `  ${f.found ? 'FOUND  ' : 'missed '} ${f.id.padEnd(20)} victim ${f.victim.padEnd(13)}${f.found ? ` ${n(f.alerts)} alert${f.alerts === 1 ? '' : 's'}, best rank #${f.bestRank} (${f.bestKind}, ${f.bestModel})` : ''}\n`,
    );
  }
  io.stdout.write(`  ${(evaluation.precision * 100).toFixed(1)}% of ${n(evaluation.alerts)} alerts belong to a planted attack.\n`);
  io.stdout.write(`\nDemo finished in ${formatDuration(Date.now() - began)}. Pipeline: ${pipelineFile}\n`);
  return summary.violations.length > 0 ? EXIT.CONTRACT : EXIT.OK;
}
