import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventFixtures } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { FIXTURES, ROOT, cli, pipeline, tempFile, workDir } from './helpers.js';

const ndjson = (n: number) => EventFixtures.mixed(n).map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('sightline (the command)', () => {
  it('explains itself: --help, per-command help, exit codes, version', () => {
    const h = cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('run <pipeline.yaml>');
    expect(cli(['run', '--help']).stdout).toContain('Exit codes: 0 done');
    expect(cli(['help', 'exit-codes']).stdout).toContain('130  the run was interrupted');
    expect(cli(['--version']).stdout.trim()).toBe('0.1.0');
    const bad = cli(['frobnicate']);
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect(cli(['run']).code).toBe(EXIT.USAGE);
    expect(cli(['run', 'x.yaml', '--no-such-flag']).code).toBe(EXIT.USAGE);
  });

  it('runs the README sample: exit 0, outputs written and listed', () => {
    const out = workDir('sample-');
    const r = cli(['run', 'examples/sample/sample.pipeline.yaml', '--output', out, '--progress', 'lines']);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('completed');
    expect(r.stdout).toMatch(/delivered +220,000 events, 300 alerts/);
    const runDir = join(out, readdirSync(out).find((d) => d.startsWith('20'))!);
    for (const f of ['events/flow-0000.ndjson', 'events/dns-0000.ndjson', 'alerts/flow_results.csv', 'alerts/dns.ndjson', 'summary.json']) {
      expect(existsSync(join(runDir, f)), f).toBe(true);
      expect(r.stdout).toContain(f.startsWith('summary') ? 'summary.json' : join(runDir, f));
    }
    expect(readdirSync(join(runDir, 'events')).some((f) => f.endsWith('.inprogress'))).toBe(false);
    // Spot's result files: tab separated, no header, ascending score.
    const spot = readFileSync(join(runDir, 'alerts/flow_results.csv'), 'utf8').trim().split('\n');
    expect(spot[0]!.split('\t')).toHaveLength(18);
    const scores = spot.map((l) => Number(l.split('\t')[17]));
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    // The planted rare-port flows are the top alerts.
    expect(spot.slice(0, 5).every((l) => ['4444', '31337', '6667', '1337'].includes(l.split('\t')[11]!))).toBe(true);
    expect(r.stderr).toContain('progress:');
  });

  it('bad config: one clear message with path and line, exit 3', () => {
    const dir = workDir();
    const p = pipeline(dir, 'name: t\nsinks:\n  - use: file\n    deliver: sometimes\n');
    const r = cli(['run', p]);
    expect(r.code).toBe(EXIT.CONFIG);
    expect(r.stderr).toContain('sinks[0].deliver (line 4): must be one of "events", "alerts", "both"');
    expect(r.stderr).toContain('[SL_CONFIG_INVALID]');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(cli(['run', join(dir, 'nope.yaml')]).code).toBe(EXIT.CONFIG);
  });

  it('unknown plugin: names the step and line, lists what is known, exit 4', () => {
    const dir = workDir();
    const r = cli(['run', pipeline(dir, 'name: t\nsinks:\n  - use: file\n  - use: elasticsearch-sink\n')]);
    expect(r.code).toBe(EXIT.PLUGIN);
    expect(r.stderr).toContain('sinks[1].use (line 4)');
    expect(r.stderr).toContain('plugin "elasticsearch-sink" is not built in');
    expect(r.stderr).toContain('Known sinks: console, elastic, file, memory, splunk');
    expect(r.stderr).toContain('[SL_PLUGIN_NOT_FOUND]');
  });

  it('a plugin built for an incompatible core: refused with both versions named, exit 4', () => {
    const dir = workDir();
    const r = cli(['run', pipeline(dir, `name: t\nplugins: [${join(FIXTURES, 'plugins/future-plugin')}]\nsinks:\n  - use: future-sink\n`)]);
    expect(r.code).toBe(EXIT.PLUGIN);
    expect(r.stderr).toContain('plugin "future-sink" (sightline-plugin-future@3.0.0) supports @sightline/core ^9.0.0, but the running core is 0.1.0');
    expect(r.stderr).toContain('[SL_PLUGIN_INCOMPATIBLE]');
  });

  it('bad plugin settings: every problem with its path, exit 4', () => {
    const dir = workDir();
    const r = cli(['run', pipeline(dir, 'name: t\nsinks:\n  - use: file\n    config:\n      format: xml\n      rotate: { max_bytes: lots }\n')]);
    expect(r.code).toBe(EXIT.PLUGIN);
    expect(r.stderr).toContain('sinks[0].config.format (line 5): must be one of "ndjson", "csv"');
    expect(r.stderr).toContain('sinks[0].config.rotate.max_bytes (line 6): is not a valid value here');
  });

  it('a plugin that emits malformed events: the run finishes, they are quarantined, one clear message, exit 8', () => {
    const dir = workDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(30));
    const r = cli(['run', pipeline(dir, `name: t\noutput: out\nplugins: [${join(FIXTURES, 'plugins/bad-events')}]\ninputs: [{ type: file, path: in.ndjson }]\nenrichers: [{ use: bad-events }]\nsinks: [{ use: file }]\n`)]);
    expect(r.code).toBe(EXIT.CONTRACT);
    expect(r.stdout).toContain('PLUGIN CONTRACT VIOLATION: step "bad-events" (plugin "bad-events"), 10 times');
    expect(r.stdout).toContain('src_port must be <= 65535');
    expect(r.stdout).toContain('delivered   20 events');
    expect(r.stdout).toMatch(/quarantine\/plugin\.ndjson \(10\)/);
  });

  it('an unwritable output folder: one clear message naming it, exit 6', () => {
    const dir = workDir();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = cli(['run', pipeline(dir, 'name: t\nsinks: [{ use: file }]\n'), '--output', join(blocker, 'out')]);
    expect(r.code).toBe(EXIT.OUTPUT);
    expect(r.stderr).toContain(`cannot write the run's output under ${join(blocker, 'out')}`);
    expect(r.stderr).toContain('[SL_OUTPUT_UNWRITABLE]');
  });

  it('events a sink could not deliver: dead-lettered with the reason, exit 7', () => {
    const dir = workDir();
    writeFileSync(join(dir, 'in.ndjson'), ndjson(12));
    const r = cli(['run', pipeline(dir, "name: t\noutput: out\ninputs: [{ type: file, path: in.ndjson }]\nsinks: [{ use: memory, config: { fail: { mode: failure, times: 1 } } }]\n"), '--log-level', 'silent']);
    expect(r.code).toBe(EXIT.UNDELIVERED);
    expect(r.stdout).toContain('DEAD-LETTERED 12 events');
    expect(r.stdout).toMatch(/dead-letter\/memory\.ndjson \(12\)/);
  });

  it('a missing input stops the run before anything is written, exit 5', () => {
    const dir = workDir();
    const r = cli(['run', pipeline(dir, 'name: t\noutput: out\ninputs: [{ type: file, path: "flows/*.pcap" }]\nsinks: [{ use: file }]\n')]);
    expect(r.code).toBe(EXIT.INPUT);
    expect(r.stderr).toContain('no file matches flows/*.pcap');
    expect(existsSync(join(dir, 'out')) ? readdirSync(join(dir, 'out')).filter((d) => d.startsWith('20')) : []).toEqual([]);
  });

  it('validate: says what would run, or what is wrong', () => {
    const ok = cli(['validate', 'examples/sample/sample.pipeline.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('is valid: pipeline "sample"');
    expect(ok.stdout).toMatch(/sinks +events \(file\), spot-results \(file\), alerts \(file\)/);
    const dir = workDir();
    expect(cli(['validate', pipeline(dir, 'name: t\nmodels: [{ use: file }]\n')]).stderr).toContain('"file" is a sink plugin, but it is listed under models');
  });

  it('plugins: lists built-ins and installed third-party plugins with versions', () => {
    const r = cli(['plugins']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/file +sink +0\.1\.0 +\^0\.1\.0 +built-in \(@sightline\/sink-file\)/);
    expect(r.stdout).toMatch(/port-tags +enricher +1\.0\.0 +\^0\.1\.0 +sightline-plugin-port-tags@1\.0\.0/);
    const json = JSON.parse(cli(['plugins', '--json']).stdout) as { core: string; plugins: { name: string }[] };
    expect(json.plugins.map((p) => p.name)).toContain('rarity');
  });
});

describe('sightline decode', () => {
  it('decodes a file to NDJSON on stdout and reports what it could not decode', () => {
    const file = tempFile('in.ndjson', `${ndjson(4)}not an event\n`);
    const r = cli(['decode', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    expect(r.stderr).toContain('with odm-ndjson: 4 events, 1 records could not be decoded (SL_DECODE_MALFORMED ×1)');
    expect(r.stderr).toContain('first: line 5');
  });

  it('writes CSV in Spot\'s columns for one kind, and the bad records to a quarantine file', () => {
    const file = tempFile('in.ndjson', `${ndjson(9)}{"broken":\n`);
    const q = `${file}.quarantine`;
    const r = cli(['decode', file, '--format', 'csv', '--columns', 'spot', '--kind', 'flow', '--quarantine', q]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]!.split('\t').slice(0, 3)).toEqual(['treceived', 'tryear', 'trmonth']);
    expect(rows).toHaveLength(4);
    expect(JSON.parse(readFileSync(q, 'utf8').trim())).toMatchObject({ code: 'SL_DECODE_MALFORMED', line: 10 });
  });

  it('reads stdin', () => {
    const r = cli(['decode', '-'], { input: ndjson(3) });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('says when nothing recognises the input, or it does not exist: exit 5', () => {
    const r = cli(['decode', tempFile('x.bin', Buffer.from([0, 1, 2, 3]))]);
    expect(r.code).toBe(EXIT.INPUT);
    expect(r.stderr).toContain('no decoder recognised');
    expect(cli(['decode', join(ROOT, 'nope.pcap')]).code).toBe(EXIT.INPUT);
    expect(cli(['decode', 'x', '--decoder', 'nonesuch']).code).toBe(EXIT.PLUGIN);
  });
});

describe('a third-party plugin', () => {
  it('is loaded from its package by name, runs in a pipeline, and its effect reaches the output', () => {
    const out = workDir('third-');
    const r = cli(['run', 'examples/third-party/pipeline.yaml', '--output', out, '--progress', 'off']);
    expect(r.code).toBe(0);
    const runDir = join(out, readdirSync(out).find((d) => d.startsWith('20'))!);
    const events = readFileSync(join(runDir, 'events/flow.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dst_port: number; dst_tags?: string[] });
    expect(events).toHaveLength(2000);
    for (const e of events) if (e.dst_port === 443) expect(e.dst_tags).toEqual(['service:https']);
    expect(events.some((e) => e.dst_tags?.includes('service:dns'))).toBe(true);
  });
});

describe('sightline simulate', () => {
  it('writes the wire formats and the ground truth, and says which attacks it planted', () => {
    const out = workDir('sim-');
    const r = cli(['simulate', '--hosts', '12', '--days', '0.2', '--seed', '3', '--attacks', 'port-scan=0.1,exfiltration,dga', '--proxy', 'proxysg,squid', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['flows-v9.pcap', 'dns.pcap', 'proxysg.log', 'squid-access.log', 'labels.ndjson', 'network.json', 'top-domains.csv', 'simulation.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stdout).toMatch(/port-scan-1 +victim 10\.10\.0\.\d+ +2026-01-05T02:15/);
    expect(r.stdout).toMatch(/dga-3 +NOT PLANTED: starts at 2026-01-05T10:30/);
    expect(cli(['simulate', '--attacks', 'ddos']).stderr).toContain('unknown attack "ddos"');
  });
});
