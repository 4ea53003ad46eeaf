import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SightlineError } from '@sightline/core';
import { EventFixtures } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { domainFactsManifest, riskManifest, shannonEntropy } from '../src/index.js';
import { FAST_RELOAD, eventually, folder, started } from './helpers.js';

const TRANCO = '1,google.com\n2,facebook.com\n3,microsoft.com\n4,example.co.uk\n5,www.umbrella-style.com\n7,google.com\n';

describe('domain-facts', () => {
  it('splits names with the public suffix list and ranks registrable domains in a Tranco/Umbrella list', async () => {
    const dir = folder({ 'top.csv': TRANCO });
    const { enrich } = await started(domainFactsManifest, { top_domains: 'top.csv' }, dir);
    const [www, ccsld, dga, umbrella, flow, proxy, bare] = await enrich([
      EventFixtures.dns({ dns_query: 'www.google.com' }),
      EventFixtures.dns({ dns_query: 'a.b.Example.CO.UK.' }),
      EventFixtures.dns({ dns_query: 'x7fk2q9zt0.unknown-site.xyz' }),
      EventFixtures.dns({ dns_query: 'www.umbrella-style.com' }),
      EventFixtures.flow(),
      EventFixtures.proxy({ prx_host: 'login.microsoft.com' }),
      EventFixtures.dns({ dns_query: 'facebook.com' }),
    ]);
    expect(www).toMatchObject({ domain_registrable: 'google.com', domain_suffix: 'com', domain_subdomain: 'www', domain_labels: 3, domain_top_rank: 1 });
    expect(www!.domain_entropy).toBe(0); // 'www': one character three times
    expect(ccsld).toMatchObject({ domain_registrable: 'example.co.uk', domain_suffix: 'co.uk', domain_subdomain: 'a.b', domain_labels: 5, domain_top_rank: 4 });
    expect(dga).toMatchObject({ domain_registrable: 'unknown-site.xyz', domain_suffix: 'xyz', domain_labels: 3 });
    expect(dga!.domain_entropy).toBeCloseTo(shannonEntropy('x7fk2q9zt0'), 10);
    expect(dga).not.toHaveProperty('domain_top_rank');
    expect(umbrella).toMatchObject({ domain_registrable: 'umbrella-style.com', domain_top_rank: 5 });
    expect(flow).not.toHaveProperty('domain_registrable');
    expect(proxy).toMatchObject({ domain_registrable: 'microsoft.com', domain_subdomain: 'login', domain_top_rank: 3 });
    expect(bare).toMatchObject({ domain_registrable: 'facebook.com', domain_labels: 2, domain_entropy: 0, domain_top_rank: 2 });
    expect(bare).not.toHaveProperty('domain_subdomain');
  });

  it('computes Shannon entropy as Spot does (abcdefg: log2 7 = 2.807 bits)', () => {
    expect(shannonEntropy('abcdefg')).toBeCloseTo(2.807, 3);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aabb')).toBe(1);
  });

  it('leaves IP literals and empty names without domain facts, and honours top_limit and private suffixes', async () => {
    const dir = folder({ 'top.csv': TRANCO });
    const { enrich } = await started(domainFactsManifest, { top_domains: 'top.csv', top_limit: 2, private_suffixes: true }, dir);
    const [ip, limited, priv] = await enrich([EventFixtures.proxy({ prx_host: '198.51.100.80' }), EventFixtures.dns({ dns_query: 'microsoft.com' }), EventFixtures.proxy({ prx_host: 'someone.github.io' })]);
    expect(ip).not.toHaveProperty('domain_registrable');
    expect(ip).not.toHaveProperty('domain_labels');
    expect(limited).not.toHaveProperty('domain_top_rank');
    expect(priv).toMatchObject({ domain_registrable: 'someone.github.io', domain_suffix: 'github.io' });
  });

  it('rejects a list that is not rank,domain, and reloads a changed list', async () => {
    const dir = folder({ 'bad.csv': '<html>\n<body>\n</body>\n', 'top.csv': '1,old.example\n' });
    await expect(started(domainFactsManifest, { top_domains: 'bad.csv' }, dir)).rejects.toSatisfy((e: unknown) => SightlineError.isCode(e, 'SL_CONTEXT_FILE_INVALID') && /bad\.csv:1: 3 of 3 lines are not "rank,domain"/.test((e as Error).message));
    const { enricher, enrich } = await started(domainFactsManifest, { top_domains: 'top.csv', reload: FAST_RELOAD }, dir);
    const rank = async (q: string) => (await enrich([EventFixtures.dns({ dns_query: q })]))[0]!.domain_top_rank;
    expect(await rank('old.example')).toBe(1);
    writeFileSync(join(dir, 'top.csv'), '1,new.example\n2,old.example\n');
    await eventually(async () => expect(await rank('new.example')).toBe(1));
    expect(await rank('old.example')).toBe(2);
    await enricher.close?.();
  });
});

describe('risk', () => {
  it('adds points for criticality, intelligence, corroboration, a critical target, zones and direction, and says why', async () => {
    const { enrich } = await started(riskManifest, { zone_points: { dmz: 10 } });
    const base = EventFixtures.flow({ src_ip: '10.1.2.3', dst_ip: '198.51.100.20' });
    const [jewel, plain, quiet] = await enrich([
      {
        ...base,
        src_internal: true,
        src_host: 'finance-db01',
        src_criticality: 5,
        src_zone: 'dmz',
        dst_internal: false,
        net_direction: 'outbound',
        ti_severity: 3,
        ti_hits: [
          { indicator: '198.51.100.20', type: 'ip', source: 'feodo', field: 'dst_ip', severity: 3, category: 'botnet_cc' },
          { indicator: '198.51.100.0/24', type: 'cidr', source: 'tor', field: 'dst_ip', severity: 2 },
        ],
      },
      { ...base, src_internal: true, dst_internal: false, net_direction: 'outbound' },
      { ...base, dst_ip: '198.51.100.21' },
    ]);
    // 5 x 10 + 45 + 5 + 15 + 10 + 5 = 130, capped
    expect(jewel!.risk_priority).toBe(100);
    expect(jewel!.risk_reasons).toEqual([
      'src asset finance-db01: criticality 5: +50',
      'dst_ip 198.51.100.20 listed by feodo (botnet_cc) with severity 3: +45',
      '2 intelligence sources agree (feodo, tor): +5',
      'an asset of criticality 5 meets intelligence of severity 3: +15',
      'zone dmz: +10',
      'outbound traffic: +5',
    ]);
    expect(plain).toMatchObject({ risk_priority: 15, risk_reasons: ['src is internal and not in the asset inventory: criticality 1: +10', 'outbound traffic: +5'] });
    expect(quiet).toMatchObject({ risk_priority: 0 });
    expect(quiet).not.toHaveProperty('risk_reasons');
  });

  it('orders a critical asset meeting intel above the same hit on an ordinary host, with weights from the config', async () => {
    const { enrich } = await started(riskManifest, { criticality_points: 4, intel_points: { high: 60 }, direction_points: { outbound: 0 } });
    const hit = { ti_severity: 3, ti_hits: [{ indicator: '198.51.100.20', type: 'ip' as const, source: 'feed', field: 'dst_ip', severity: 3 }], net_direction: 'outbound' as const };
    const [crown, desk] = await enrich([EventFixtures.flow({ ...hit, dst_criticality: 5 }), EventFixtures.flow({ ...hit, src_internal: true })]);
    expect(crown!.risk_priority).toBe(20 + 60 + 15);
    expect(desk!.risk_priority).toBe(4 + 60);
    expect(desk!.risk_reasons).not.toContain('outbound traffic: +0');
  });
});
