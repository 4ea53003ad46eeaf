import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MemorySink, type OdmEvent, PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { EventFixtures } from '@sightline/core/testkit';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/corpus.js';
import { folder } from './helpers.js';

const ndjson = (events: readonly OdmEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('the enrichers in a pipeline', () => {
  it('load by package name and run in order: context, intel, domain facts, then risk over their fields', async () => {
    const dir = folder({
      'in.ndjson': ndjson([
        EventFixtures.flow({ src_ip: '10.1.2.3', dst_ip: '203.0.113.66' }, 0),
        EventFixtures.dns({ dns_query: 'c2.evil.example', dst_ip: '10.1.2.3' }, 1),
        EventFixtures.proxy({ src_ip: '10.9.9.9', prx_host: 'www.example.com' }, 2),
      ]),
      'assets.csv': 'ip,host,owner,criticality\n10.1.2.3,finance-db01,finance,5\n',
      'intel.txt': '203.0.113.66\nevil.example\n',
      'top.csv': '1,example.com\n',
    });
    const spec = parsePipelineConfig(
      {
        name: 'enrich',
        output: 'out',
        validate: 'all',
        plugins: ['@sightline/enrich-context'],
        inputs: [{ type: 'file', path: 'in.ndjson' }],
        enrichers: [
          { use: 'network-context', config: { asset_files: ['assets.csv'] } },
          { use: 'threat-intel', config: { feeds: [{ path: 'intel.txt', source: 'local', severity: 3, category: 'c2' }] } },
          { use: 'domain-facts', config: { top_domains: 'top.csv' } },
          { use: 'risk' },
        ],
        sinks: [{ use: 'memory' }],
      },
      { baseDir: dir },
    );
    const registry = new PluginRegistry();
    for (const m of referenceManifests) registry.register(m);
    const logs: string[] = [];
    const runner = new LocalRunner({ spec, registry, pluginSearchDirs: [REPO_ROOT], logger: new StreamLogger({ level: 'info', write: (l) => logs.push(l) }) });
    const summary = await runner.run();
    expect(summary.status, logs.join('\n')).toBe('completed');
    const events = (runner.pipeline!.sinks[0]!.instance as MemorySink).events;
    const [flow, dns, proxy] = [...events.values()].sort((a, b) => a.event_time - b.event_time);
    expect(flow).toMatchObject({ src_host: 'finance-db01', src_criticality: 5, dst_internal: false, net_direction: 'outbound', ti_severity: 3, ti_reputation: 'local:c2:3', risk_priority: 100 });
    expect(dns).toMatchObject({ dst_host: 'finance-db01', domain_registrable: 'evil.example', domain_subdomain: 'c2', ti_severity: 3, net_direction: 'inbound' });
    expect(dns!.risk_reasons).toContain('an asset of criticality 5 meets intelligence of severity 3: +15');
    expect(proxy).toMatchObject({ domain_top_rank: 1, risk_priority: 15 });
    expect(proxy).not.toHaveProperty('ti_hits');
    expect(logs.some((l) => /network-context "network-context": loaded .*1 assets/.test(l))).toBe(true);
  });

  it('does not start a run whose reference file is bad, and says which file and line', async () => {
    const dir = folder({ 'in.ndjson': ndjson([EventFixtures.flow()]), 'assets.csv': 'ip,host\nnot-an-ip,x\n' });
    writeFileSync(join(dir, 'x'), '');
    const spec = parsePipelineConfig(
      { name: 'bad', output: 'out', plugins: ['@sightline/enrich-context'], inputs: [{ type: 'file', path: 'in.ndjson' }], enrichers: [{ use: 'network-context', config: { asset_files: ['assets.csv'] } }], sinks: [{ use: 'memory' }] },
      { baseDir: dir },
    );
    const registry = new PluginRegistry();
    for (const m of referenceManifests) registry.register(m);
    const runner = new LocalRunner({ spec, registry, pluginSearchDirs: [REPO_ROOT], logger: new StreamLogger({ level: 'silent' }) });
    await expect(runner.run()).rejects.toThrow(/assets\.csv:2: "not-an-ip" is not an IP address, CIDR prefix or range/);
  });
});
