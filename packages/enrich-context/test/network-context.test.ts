import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SightlineError } from '@sightline/core';
import { EventFixtures } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { networkContextManifest } from '../src/index.js';
import { FAST_RELOAD, eventually, folder, started } from './helpers.js';

const ASSETS = `network,host,owner,criticality,tags,zone
10.1.2.3,finance-db01,finance,5,pci;database,
10.1.2.0/24,,finance,3,servers,
10.9.0.0/16,,it,1,"vpn pool|remote",vpn
2001:db8:1::/48,ipv6-lab,research,2,lab,
"10.1.3.10-10.1.3.20",build-farm,engineering,2,,
`;

describe('network-context', () => {
  it('marks endpoints internal or external, names zones and assets by longest prefix, and sets the direction', async () => {
    const dir = folder({ 'assets.csv': ASSETS, 'zones.csv': 'network,zone\n192.0.2.0/24,dmz\n192.0.2.128/25,dmz-web\n' });
    const { enrich } = await started(networkContextManifest, { asset_files: ['assets.csv'], zone_files: ['zones.csv'] }, dir);
    const [out, inbound, internal, external, v6, range] = await enrich([
      EventFixtures.flow({ src_ip: '10.1.2.3', dst_ip: '198.51.100.20' }),
      EventFixtures.flow({ src_ip: '203.0.113.9', dst_ip: '192.0.2.200' }),
      EventFixtures.flow({ src_ip: '10.1.2.77', dst_ip: '10.9.4.4' }),
      EventFixtures.flow({ src_ip: '198.51.100.1', dst_ip: '203.0.113.1' }),
      EventFixtures.flowV6({ src_ip: '2001:db8:1::10', dst_ip: '2001:db8:ffff::1' }),
      EventFixtures.flow({ src_ip: '10.1.3.15', dst_ip: '10.1.3.21' }),
    ]);
    expect(out).toMatchObject({ src_internal: true, src_host: 'finance-db01', src_owner: 'finance', src_criticality: 5, src_tags: ['pci', 'database'], dst_internal: false, net_direction: 'outbound' });
    expect(out).not.toHaveProperty('dst_host');
    expect(inbound).toMatchObject({ src_internal: false, dst_internal: true, dst_zone: 'dmz-web', net_direction: 'inbound' });
    expect(internal).toMatchObject({ src_owner: 'finance', src_criticality: 3, src_tags: ['servers'], dst_zone: 'vpn', dst_tags: ['vpn pool', 'remote'], net_direction: 'internal' });
    expect(internal).not.toHaveProperty('src_host');
    expect(external).toMatchObject({ src_internal: false, dst_internal: false, net_direction: 'external' });
    expect(v6).toMatchObject({ src_host: 'ipv6-lab', src_internal: true, dst_internal: false, net_direction: 'outbound' });
    expect(range).toMatchObject({ src_host: 'build-farm', src_criticality: 2, dst_internal: true, net_direction: 'internal' });
    expect(range).not.toHaveProperty('dst_host');
    expect(range).not.toHaveProperty('dst_criticality');
  });

  it('uses its default internal ranges (RFC 1918, loopback, link-local, ULA) when given nothing, and keeps tags set earlier', async () => {
    const { enrich } = await started(networkContextManifest, {});
    const [a, b] = await enrich([EventFixtures.flow({ src_ip: '172.20.1.1', dst_ip: 'fd00::1' }), EventFixtures.proxy({ src_ip: '8.8.8.8', dst_ip: '100.64.0.1', dst_tags: ['service:http'] })]);
    expect(a).toMatchObject({ src_internal: true, dst_internal: true, net_direction: 'internal' });
    expect(b).toMatchObject({ src_internal: false, dst_internal: false, dst_tags: ['service:http'], net_direction: 'external' });
  });

  it('says "unknown" when an endpoint is missing and leaves what is not an address alone', async () => {
    const { enrich } = await started(networkContextManifest, {});
    const [e] = await enrich([EventFixtures.proxy({ dst_ip: 'not-an-ip' } as never)]);
    expect(e).toMatchObject({ src_internal: true, net_direction: 'unknown' });
    expect(e).not.toHaveProperty('dst_internal');
  });

  it('does not start with a bad reference file, and names the file, line and problem', async () => {
    const dir = folder({ 'assets.csv': 'ip,host,criticality\n10.0.0.1,a,2\n10.0.0.2,b,9\n', 'nohdr.csv': '10.0.0.1,a\n', 'int.txt': '# ours\n10.0.0.0/8\n192.168.0.0/33 # typo\n' });
    const fail = async (config: unknown) => {
      try {
        await started(networkContextManifest, config, dir);
      } catch (e) {
        expect(SightlineError.is(e)).toBe(true);
        return e as SightlineError;
      }
      throw new Error('started');
    };
    const crit = await fail({ asset_files: ['assets.csv'] });
    expect(crit.code).toBe('SL_CONTEXT_FILE_INVALID');
    expect(crit.message).toContain('assets.csv:3: criticality must be a whole number 0-5, got "9"');
    expect((await fail({ asset_files: ['nohdr.csv'] })).message).toMatch(/needs a header line naming its address column/);
    expect((await fail({ internal_files: ['int.txt'] })).message).toMatch(/int\.txt:3: "192\.168\.0\.0\/33": prefix length must be 0-32/);
    const missing = await fail({ asset_files: ['nope.csv'] });
    expect(missing.code).toBe('SL_CONTEXT_FILE_UNREADABLE');
    expect(missing.message).toContain(join(dir, 'nope.csv'));
    expect((await fail({ zones: { dmz: ['192.0.2.0/24', 'dmz-net'] } })).message).toMatch(/config zones\.dmz\[1\]: "dmz-net" is not an IP address/);
  });

  it('re-reads a changed inventory while running, and keeps the old data when the new file is bad', async () => {
    const dir = folder({ 'assets.csv': 'ip,host,criticality\n10.0.0.5,old-name,2\n' });
    const { enricher, enrich, ctx } = await started(networkContextManifest, { asset_files: ['assets.csv'], reload: FAST_RELOAD }, dir);
    const host = async () => (await enrich([EventFixtures.flow({ src_ip: '10.0.0.5' })]))[0]!.src_host;
    expect(await host()).toBe('old-name');
    // atomic replace, as a deployment tool does it
    writeFileSync(join(dir, 'assets.tmp'), 'ip,host,criticality\n10.0.0.5,new-name,4\n');
    renameSync(join(dir, 'assets.tmp'), join(dir, 'assets.csv'));
    await eventually(async () => expect(await host()).toBe('new-name'));
    expect(ctx.logger.lines.some((l) => l.level === 'info' && /reloaded 9 internal ranges.*1 assets/.test(l.message))).toBe(true);

    writeFileSync(join(dir, 'assets.csv'), 'ip,host,criticality\n10.0.0.5,broken,high\n');
    let issues: readonly { code: string; message: string; source?: string; line?: number }[] = [];
    await eventually(async () => {
      const r = await enricher.enrich([EventFixtures.flow({ src_ip: '10.0.0.5' })], ctx);
      issues = r?.issues ?? [];
      expect(issues).toHaveLength(1);
    });
    expect(issues[0]).toMatchObject({ code: 'SL_ENRICH_RELOAD_REJECTED', source: join(dir, 'assets.csv'), line: 2 });
    expect(issues[0]!.message).toMatch(/previous data stays in use: .*criticality must be a whole number 0-5, got "high"/);
    expect(await host()).toBe('new-name');
    expect(ctx.logger.lines.some((l) => l.level === 'error' && l.fields?.['code'] === 'SL_ENRICH_RELOAD_REJECTED')).toBe(true);

    writeFileSync(join(dir, 'assets.csv'), 'ip,host,criticality\n10.0.0.5,fixed,1\n');
    await eventually(async () => expect(await host()).toBe('fixed'));
    await enricher.close?.();
  });
});
