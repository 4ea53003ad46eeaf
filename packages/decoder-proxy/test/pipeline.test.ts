import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type MemorySink, type ProxyEvent, PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { describe, expect, it } from 'vitest';
import { generateProxyLogText } from '../src/index.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

async function runPipeline(dir: string, config: Record<string, unknown>) {
  const registry = new PluginRegistry();
  for (const m of referenceManifests) registry.register(m);
  const logs: string[] = [];
  // The package is loaded by path, the way a pipeline file names a plugin package that is not built in.
  const spec = parsePipelineConfig({ name: 'proxy-test', output: 'out', plugins: [PACKAGE_DIR], sinks: [{ use: 'memory' }], ...config }, { baseDir: dir });
  const runner = new LocalRunner({ spec, registry, logger: new StreamLogger({ level: 'warn', write: (l) => logs.push(l) }) });
  const summary = await runner.run();
  const sink = runner.pipeline!.sinks.find((s) => s.spec.name === 'memory')!.instance as MemorySink;
  return { summary, events: [...sink.events.values()] as ProxyEvent[], logs };
}

const readNdjson = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the proxy decoder in a pipeline', () => {
  it('reads a folder of gzip and plain logs in several formats, picking itself by sniffing, and quarantines bad lines with file and line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-proxy-'));
    mkdirSync(join(dir, 'logs'));
    const elff = generateProxyLogText({ format: 'proxysg-elff', lines: 300, headerChangeEvery: 100, seed: 21 }).split('\n');
    elff.splice(10, 0, 'garbage that is not a record'); // line 11
    elff.splice(20, 0, `${elff[19]!} "unterminated`); // line 21
    writeFileSync(join(dir, 'logs', 'sg-main.log.gz'), gzipSync(elff.join('\n')));
    writeFileSync(join(dir, 'logs', 'squid-access.log'), generateProxyLogText({ format: 'squid', lines: 200, seed: 22 }));
    writeFileSync(join(dir, 'logs', 'iis.log'), generateProxyLogText({ format: 'iis', lines: 50, seed: 23 }));
    const { summary, events } = await runPipeline(dir, { inputs: [{ type: 'directory', path: 'logs' }] });
    expect(summary.status).toBe('completed');
    const byFile = Object.fromEntries(summary.inputs.map((i) => [i.name.split('/').pop(), [i.decoder, i.events, i.issues]]));
    expect(byFile).toEqual({ 'sg-main.log.gz': ['proxy', 300, 2], 'squid-access.log': ['proxy', 200, 0], 'iis.log': ['proxy', 50, 0] });
    expect(events).toHaveLength(550);
    const q = readNdjson(join(summary.runDir, 'quarantine', 'decode.ndjson'));
    expect(q.map((r) => [String(r['source']).split('/').pop(), r['line'], r['code'], r['plugin']])).toEqual([
      ['sg-main.log.gz', 11, 'SL_PROXY_FIELD_COUNT', 'proxy'],
      ['sg-main.log.gz', 21, 'SL_PROXY_BAD_QUOTING', 'proxy'],
    ]);
    expect(q[0]!['raw']).toBe('garbage that is not a record');
  });

  it('follows a watched folder: logs that appear later (gzip included) are decoded once each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-proxy-'));
    writeFileSync(join(dir, 'a.log'), generateProxyLogText({ format: 'proxysg-elff', lines: 30, seed: 31 }));
    const registry = new PluginRegistry();
    for (const m of referenceManifests) registry.register(m);
    const controller = new AbortController();
    const spec = parsePipelineConfig(
      { name: 'proxy-watch', output: 'out', plugins: [PACKAGE_DIR], inputs: [{ type: 'directory', path: '.', pattern: '*.log*', watch: true, poll: '50ms', settle: '100ms' }], sinks: [{ use: 'memory' }] },
      { baseDir: dir },
    );
    const runner = new LocalRunner({ spec, registry, logger: new StreamLogger({ level: 'error', write: () => undefined }), signal: controller.signal });
    const done = runner.run();
    const delivered = () => (runner.pipeline?.sinks.find((x) => x.spec.name === 'memory')?.instance as MemorySink | undefined)?.events.size ?? 0;
    const until = async (n: number) => {
      for (const deadline = Date.now() + 30_000; delivered() < n && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    };
    await until(30);
    writeFileSync(join(dir, 'b.log.gz'), gzipSync(generateProxyLogText({ format: 'squid', lines: 20, seed: 32 })));
    await until(50);
    controller.abort();
    const summary = await done;
    expect(summary.inputs.map((i) => [i.name.split('/').pop(), i.events])).toEqual([
      ['a.log', 30],
      ['b.log.gz', 20],
    ]);
  });

  it('uses a named step with a custom Squid logformat for the input that names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-proxy-'));
    writeFileSync(join(dir, 'custom.log'), '1773416922.391 104 10.105.21.199 58938 TCP_MISS/200 904 GET http://example.com/ "curl/8.14.1"\n');
    const { events, summary } = await runPipeline(dir, {
      inputs: [{ type: 'file', path: 'custom.log', decoder: 'squid-custom' }],
      decoders: [{ use: 'proxy', name: 'squid-custom', config: { format: 'squid', logformat: '%ts.%03tu %tr %>a %>p %Ss/%03>Hs %<st %rm %ru "%{User-Agent}>h"' } }],
    });
    expect(summary.inputs[0]).toMatchObject({ decoder: 'squid-custom', events: 1, issues: 0 });
    expect(events[0]).toMatchObject({ src_ip: '10.105.21.199', src_port: 58938, prx_browser: 'curl/8.14.1', prx_code: 200, in_bytes: 904 });
  });
});
