import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OdmEvent, SightlineError } from '@sightline/core';
import { EventFixtures, createTestContext, instantiate } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { StaticReputationService, ThreatIntel, parseReputation, readPattern, threatIntelManifest } from '../src/index.js';
import { FAST_RELOAD, eventually, folder, started } from './helpers.js';

const TEXT = `# tor exits, as published
203.0.113.66
198.51.100.0/24   # a whole hoster
2001:db8:bad::/48
0.0.0.0 tracker.example
evil.example
http://phish.example/login.php?x=1
`;

const CSV = `indicator,type,severity,category,id
203.0.113.66,ip,high,botnet_cc,c2-1
bad.example,domain,2,malware,
"malware.example/payload.exe",url,3,dropper,
`;

const STIX = JSON.stringify({
  type: 'bundle',
  id: 'bundle--1',
  objects: [
    { type: 'identity', id: 'identity--1', name: 'ACME CERT' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--a', pattern_type: 'stix', pattern: "[ipv4-addr:value = '192.0.2.99']", indicator_types: ['malicious-activity', 'c2'], valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--b', pattern_type: 'stix', pattern: "[domain-name:value = 'stix-bad.example' OR domain-name:value = 'stix-bad2.example']", indicator_types: ['anomalous-activity'], valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--c', pattern_type: 'stix', pattern: "[url:value = 'https://stix-url.example/a']", valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--d', pattern_type: 'stix', pattern: "[ipv4-addr:value ISSUBSET '100.64.8.0/24']", indicator_types: ['benign'], valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--e', pattern_type: 'stix', pattern: "[ipv4-addr:value = '192.0.2.1' AND network-traffic:dst_port = 443]", valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--f', pattern_type: 'stix', pattern: "[file:hashes.'SHA-256' = 'abc']", valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--g', pattern_type: 'stix', pattern: "[ipv4-addr:value = '192.0.2.2']", revoked: true, valid_from: '2020-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--h', pattern_type: 'stix', pattern: "[ipv4-addr:value = '192.0.2.3']", valid_from: '2020-01-01T00:00:00Z', valid_until: '2021-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--i', pattern_type: 'sigma', pattern: 'title: x', valid_from: '2020-01-01T00:00:00Z' },
  ],
});

const feeds = {
  feeds: [
    { path: 'tor.txt', severity: 2, category: 'tor' },
    { path: 'acme.csv', source: 'acme' },
    { path: 'cert.json', severity: 3 },
  ],
};

const hitsOf = (e: OdmEvent) => (e.ti_hits ?? []).map((h) => `${h.field} ${h.indicator} ${h.type} ${h.source} ${h.severity} ${h.category ?? '-'} ${h.indicator_id ?? '-'}`).sort();

describe('threat-intel', () => {
  it('matches addresses and CIDRs from text, CSV and STIX feeds, with every feed that lists them', async () => {
    const dir = folder({ 'tor.txt': TEXT, 'acme.csv': CSV, 'cert.json': STIX });
    const { enrich, ctx } = await started(threatIntelManifest, feeds, dir);
    const [flow, v6, benign, clean] = await enrich([
      EventFixtures.flow({ src_ip: '10.1.2.3', dst_ip: '203.0.113.66' }),
      EventFixtures.flowV6({ src_ip: '2001:db8:bad:1::7' }),
      EventFixtures.flow({ dst_ip: '100.64.8.8' }),
      EventFixtures.flow({ src_ip: '10.1.2.3', dst_ip: '203.0.113.67' }),
    ]);
    expect(hitsOf(flow!)).toEqual(['dst_ip 203.0.113.66 ip acme 3 botnet_cc c2-1', 'dst_ip 203.0.113.66 ip tor 2 tor -']);
    expect(flow).toMatchObject({ ti_severity: 3, ti_reputation: 'acme:botnet_cc:3::tor:tor:2' });
    expect(hitsOf(v6!)).toEqual(['src_ip 2001:db8:bad::/48 cidr tor 2 tor -']);
    expect(hitsOf(benign!)).toEqual(['dst_ip 100.64.8.0/24 cidr cert 0 benign indicator--d']);
    expect(benign).toMatchObject({ ti_severity: 0 });
    expect(clean).not.toHaveProperty('ti_hits');
    expect(clean).not.toHaveProperty('ti_severity');
    const loaded = ctx.logger.lines.find((l) => /loaded/.test(l.message))!.message;
    expect(loaded).toMatch(/14 indicators/);
    expect(loaded).toMatch(/cert: 5 indicators from 4 STIX indicator objects \(skipped: 1 pattern uses AND.*1 comparison .* is not on ipv4-addr.*1 revoked; 1 expired.*1 pattern_type sigma\)/);
  });

  it('matches DNS query names (and their parent domains), DNS answers, proxy hosts and URLs', async () => {
    const dir = folder({ 'tor.txt': TEXT, 'acme.csv': CSV, 'cert.json': STIX });
    const { enrich } = await started(threatIntelManifest, feeds, dir);
    const [dns, answers, proxy, url, ipHost, noParents] = await enrich([
      EventFixtures.dns({ dns_query: 'WWW.Evil.Example.', dns_answers: [] }),
      EventFixtures.dns({ dns_query: 'cdn.example', dns_answers: [{ name: 'cdn.example', type: 5, class: 1, ttl: 60, data: 'x.stix-bad.example' }, { name: 'x.stix-bad.example', type: 1, class: 1, ttl: 60, data: '198.51.100.7' }] }),
      EventFixtures.proxy({ prx_host: 'tracker.example', prx_uri: 'tracker.example/pixel.gif', dst_ip: '192.0.2.80' }),
      EventFixtures.proxy({ prx_host: 'phish.example', prx_uri: 'phish.example/login.php?x=1', dst_ip: '192.0.2.99' }),
      EventFixtures.proxy({ prx_host: '198.51.100.9', prx_uri: 'malware.example/payload.exe?id=7', dst_ip: '192.0.2.80' }),
      EventFixtures.dns({ dns_query: 'notevil.example' }),
    ]);
    expect(hitsOf(dns!)).toEqual(['dns_query evil.example domain tor 2 tor -']);
    expect(hitsOf(answers!)).toEqual(['dns_answers 198.51.100.0/24 cidr tor 2 tor -', 'dns_answers stix-bad.example domain cert 3 anomalous-activity indicator--b']);
    expect(hitsOf(proxy!)).toEqual(['prx_host tracker.example domain tor 2 tor -']);
    expect(hitsOf(url!)).toEqual(['dst_ip 192.0.2.99 ip cert 3 c2 indicator--a', 'prx_uri phish.example/login.php?x=1 url tor 2 tor -']);
    expect(hitsOf(ipHost!)).toEqual(['prx_host 198.51.100.0/24 cidr tor 2 tor -', 'prx_uri malware.example/payload.exe url acme 3 dropper -']);
    expect(noParents).not.toHaveProperty('ti_hits');
    const { enrich: exact } = await started(threatIntelManifest, { ...feeds, match_subdomains: false }, dir);
    expect((await exact([EventFixtures.dns({ dns_query: 'www.evil.example' })]))[0]).not.toHaveProperty('ti_hits');
  });

  it('adds to hits an earlier step recorded instead of replacing them', async () => {
    const dir = folder({ 'tor.txt': TEXT });
    const { enrich } = await started(threatIntelManifest, { feeds: [{ path: 'tor.txt', severity: 1 }] }, dir);
    const before = EventFixtures.flow({ dst_ip: '203.0.113.66' });
    before.ti_hits = [{ indicator: '203.0.113.66', type: 'ip', source: 'other', field: 'dst_ip', severity: 3 }];
    const [e] = await enrich([before]);
    expect(e!.ti_hits).toHaveLength(2);
    expect(e).toMatchObject({ ti_severity: 3, ti_reputation: 'other:listed:3::tor:listed:1' });
  });

  it('rejects a feed that is mostly not indicators (an error page saved as the feed) and names the file and line', async () => {
    const dir = folder({ 'page.txt': '<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n', 'some.txt': `${Array.from({ length: 50 }, (_, i) => `192.0.2.${i}`).join('\n')}\nnot an indicator!\n`, 'nocol.csv': 'a,b\n1,2\n' });
    const fail = async (config: unknown) => {
      try {
        await started(threatIntelManifest, config, dir);
      } catch (e) {
        if (SightlineError.is(e)) return e;
        throw e;
      }
      throw new Error('it started');
    };
    const page = await fail({ feeds: [{ path: 'page.txt' }] });
    expect(page.code).toBe('SL_CONTEXT_FILE_INVALID');
    expect(page.message).toMatch(/page\.txt:1: 3 of 3 lines are not indicators/);
    expect((await fail({ feeds: [{ path: 'nocol.csv' }] })).message).toMatch(/no indicator column in the header \(a, b\)/);
    // one bad line in 51 is skipped with a warning
    const { ctx } = await started(threatIntelManifest, { feeds: [{ path: 'some.txt' }] }, dir);
    expect(ctx.logger.lines.some((l) => l.level === 'warn' && /1 of 51 lines skipped, first at line 51/.test(l.message))).toBe(true);
  });

  it('reloads a changed feed and keeps the old indicators when the new file is rejected', async () => {
    const dir = folder({ 'list.txt': '203.0.113.1\n' });
    const { enricher, enrich, ctx } = await started(threatIntelManifest, { feeds: [{ path: 'list.txt' }], reload: FAST_RELOAD }, dir);
    const listed = async (ip: string) => (await enrich([EventFixtures.flow({ dst_ip: ip })]))[0]!.ti_hits !== undefined;
    expect(await listed('203.0.113.1')).toBe(true);
    writeFileSync(join(dir, 'list.txt'), '203.0.113.2\n');
    await eventually(async () => expect(await listed('203.0.113.2')).toBe(true));
    expect(await listed('203.0.113.1')).toBe(false);
    writeFileSync(join(dir, 'list.txt'), 'garbage line\n');
    await eventually(async () => expect((await enricher.enrich([EventFixtures.flow()], ctx))?.issues?.[0]?.code).toBe('SL_ENRICH_RELOAD_REJECTED'));
    expect(await listed('203.0.113.2')).toBe(true);
    await enricher.close?.();
  });

  it('asks reputation services in batches about external values only, caches verdicts, and goes on when a service fails', async () => {
    const service = new StaticReputationService('gti', { '198.51.100.20': 'gti:High:3', 'evil.example': 'Medium:2', 'www.example.com/index.html?q=1': 'Minimal:1' });
    const ctx = createTestContext({ step: 'threat-intel' });
    const ti = ((await instantiate(threatIntelManifest, {}, ctx)) as ThreatIntel).withServices([service]);
    await ti.start(ctx);
    const events = [EventFixtures.flow({ src_ip: '10.1.2.3', src_internal: true, dst_ip: '198.51.100.20' }), EventFixtures.dns({ dns_query: 'Evil.Example' }), EventFixtures.proxy()];
    await ti.enrich(events, ctx);
    expect(hitsOf(events[0]!)).toEqual(['dst_ip 198.51.100.20 ip gti 3 High -']);
    expect(events[0]!.ti_reputation).toBe('gti:High:3');
    expect(hitsOf(events[1]!)).toEqual(['dns_query Evil.Example domain gti 2 Medium -']);
    expect(hitsOf(events[2]!)).toEqual(['prx_uri www.example.com/index.html?q=1 url gti 1 Minimal -']);
    await ti.enrich([EventFixtures.flow({ dst_ip: '198.51.100.20' })], ctx);
    expect(service.calls).toBe(1); // the second batch was answered from the cache

    const failing = { name: 'down', check: async () => Promise.reject(new Error('connection refused')) };
    const ctx2 = createTestContext({ step: 'threat-intel' });
    const ti2 = ((await instantiate(threatIntelManifest, {}, ctx2)) as ThreatIntel).withServices([failing]);
    await ti2.start(ctx2);
    const [e] = [EventFixtures.flow()];
    await ti2.enrich([e!], ctx2);
    expect(e).not.toHaveProperty('ti_hits');
    expect(ctx2.logger.lines.some((l) => l.level === 'warn' && l.fields?.['code'] === 'SL_CONTEXT_SERVICE_FAILED' && /connection refused/.test(l.message))).toBe(true);
  });

  it('loads a reputation service module named in the config, relative to the pipeline file', async () => {
    const dir = folder({
      'rep.mjs': `export function createReputationService(config) {
        return { name: 'local', async check(q) { return new Map(q.ips.filter((ip) => ip === config.bad).map((ip) => [ip, { label: 'MALICIOUS', level: 3 }])); } };
      }`,
    });
    const { enrich } = await started(threatIntelManifest, { services: [{ module: './rep.mjs', config: { bad: '198.51.100.20' } }] }, dir);
    const [e] = await enrich([EventFixtures.flow()]);
    expect(e).toMatchObject({ ti_severity: 3, ti_reputation: 'local:MALICIOUS:3' });
    await expect(started(threatIntelManifest, { services: [{ module: './absent.mjs' }] }, dir)).rejects.toThrow(/reputation service ".\/absent.mjs" cannot be imported/);
  });
});

describe('Spot reputation strings and STIX patterns', () => {
  it('reads Spot reputation text back into verdicts', () => {
    expect(parseReputation('gti:High:3::fb:MALICIOUS:3:malware;c2')).toEqual([
      { service: 'gti', verdict: { label: 'High', level: 3 } },
      { service: 'fb', verdict: { label: 'MALICIOUS', level: 3, categories: ['malware', 'c2'] } },
    ]);
  });

  it('keeps only patterns that mean exactly the values they name', () => {
    expect(readPattern("[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]")).toHaveLength(2);
    expect(readPattern("[domain-name:value = 'a.example' OR url:value = 'http://b.example/x']")).toHaveLength(2);
    expect(readPattern("[domain-name:value = 'it\\'s AND weird']")).toMatch(/is not an IP address, CIDR, domain or URL/);
    expect(readPattern("[domain-name:value = 'x.example'] AND [url:value = 'http://y.example/']")).toMatch(/AND, sequences/);
    expect(readPattern("[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']")).toMatch(/AND, sequences/);
    expect(readPattern("[domain-name:value = 'AND.example']")).toEqual([{ type: 'domain', key: 'and.example', text: 'AND.example' }]);
  });
});
