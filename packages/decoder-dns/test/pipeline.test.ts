/**
 * The decoder in a real pipeline: loaded by package name from a pipeline config (`plugins:`), picked for a gzip
 * capture by sniffing, its events written as Apache Spot's CSV columns by the file sink, and its bad records kept in
 * the run's quarantine with their reason and bytes.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pcapFile, udpFrame } from '@sightline/capture';
import { PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { manifest as fileSink } from '@sightline/sink-file';
import { describe, expect, it } from 'vitest';
import { CLIENT, RESOLVER, T0, response, udpExchanges } from './fixtures.js';

describe('dns decoder in a pipeline', () => {
  it('is loaded by package name, claims a gzip capture by its content, writes Spot CSV rows and quarantines a bad message with its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-dns-pipe-'));
    const bad = Uint8Array.from([...response(9)].slice(0, 20)); // a response cut inside its question
    const frames = [...udpExchanges([1, 2, 3]), { timeMs: T0 + 100, data: udpFrame({ src: RESOLVER, dst: CLIENT, srcPort: 53, dstPort: 40009, payload: bad }) }];
    writeFileSync(join(dir, 'capture.pcap.gz'), gzipSync(pcapFile(frames)));
    const registry = new PluginRegistry();
    for (const m of [...referenceManifests, fileSink]) registry.register(m);
    const spec = parsePipelineConfig(
      {
        name: 'dns-e2e',
        output: 'out',
        plugins: ['@sightline/decoder-dns'],
        inputs: [{ type: 'file', path: 'capture.pcap.gz' }],
        sinks: [{ use: 'file', config: { format: 'csv', columns: 'spot', path: '{kind}' } }],
      },
      { baseDir: dir },
    );
    const logs: string[] = [];
    const runner = new LocalRunner({ spec, registry, logger: new StreamLogger({ level: 'warn', write: (l) => logs.push(l) }), pluginSearchDirs: [process.cwd()] });
    const summary = await runner.run();
    expect(summary.status).toBe('completed');
    expect(summary.inputs[0]).toMatchObject({ decoder: 'dns', events: 7, issues: 1 });
    const csvName = readdirSync(summary.runDir, { recursive: true }).map(String).find((f) => /dns.*\.csv(\.gz)?$/.test(f))!;
    const raw = readFileSync(join(summary.runDir, csvName));
    const rows = (csvName.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').trim().split('\n').map((l) => l.split('\t'));
    // Spot's columns: frame_time unix_tstamp frame_len ip_dst ip_src dns_qry_name dns_qry_class dns_qry_type dns_qry_rcode dns_a
    expect(rows).toHaveLength(7);
    const answer = rows.find((r) => r[9] === '192.0.2.80')!;
    expect(answer.slice(2)).toEqual([String(14 + 20 + 8 + response(1).length), CLIENT, RESOLVER, 'www.example.com', '0x00000001', '1', '0', '192.0.2.80']);
    const q = readFileSync(join(summary.runDir, 'quarantine', 'decode.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(q).toMatchObject([{ code: 'SL_DNS_PARTIAL', plugin: 'dns', source: join(dir, 'capture.pcap.gz'), raw_encoding: 'base64' }]);
    expect(Buffer.from(String(q[0]!['raw']), 'base64').equals(Buffer.from(bad))).toBe(true);
  });
});
