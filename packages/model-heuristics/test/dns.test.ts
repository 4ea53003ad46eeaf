import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import type { OdmEvent } from '@sightline/core';
import { manifest } from '../src/index.js';
import { MIN, Rand, T0, answer, background, fitScore } from './craft.js';

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

describe('DNS tunnelling', () => {
  it('finds many long, encoded, unique subdomains of one domain asked by one client, with TXT answers', async () => {
    const r = new Rand(21);
    const events: OdmEvent[] = background(r);
    for (let i = 0; i < 300; i++) {
      const chunk = r.token(50, B32);
      events.push(answer({ client: '10.10.0.49', name: `${chunk.slice(0, 25)}.${chunk.slice(25)}.${i.toString(36)}.t.exfil-tunnel.xyz`, type: 16, t: T0 + i * 7000, answer: 'x' }));
    }
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['dns-tunnel 10.10.0.49>exfil-tunnel.xyz']);
    expect(f.data.findings[0]!.evidence).toMatchObject({ domain: 'exfil-tunnel.xyz', answers: 300, unique_subdomains: 300, txt_null_share: 1, clients_asking: 1 });
    expect(f.data.findings[0]!.fields).toEqual({ dst_ip: '10.10.0.49', domain_registrable: 'exfil-tunnel.xyz' });
    expect(f.alerts[0]!.event.event_kind).toBe('dns');
  });

  it('does not fire on CDN names, antivirus lookups many clients make, popular domains, or a few long names', async () => {
    const r = new Rand(22);
    const events: OdmEvent[] = background(r);
    for (let i = 0; i < 150; i++) events.push(answer({ client: '10.10.0.30', name: `e${r.int(1000, 9999)}.dscb.akamaiedge.net`, t: T0 + i * 9000, answer: '198.18.40.1' }));
    for (let c = 0; c < 10; c++) for (let i = 0; i < 80; i++) events.push(answer({ client: `10.10.0.${c + 40}`, name: `${r.token(40, '0123456789abcdef')}.v4.av-lookup.net`, t: T0 + i * 5000 + c, answer: '127.0.0.2' }));
    for (let i = 0; i < 120; i++) events.push(answer({ client: '10.10.0.31', name: `${r.token(40, B32)}.telemetry.popular-saas.com`, t: T0 + i * 3000, answer: '198.18.60.1' }));
    for (let i = 0; i < 30; i++) events.push(answer({ client: '10.10.0.32', name: `${r.token(45, B32)}.rare-but-few.xyz`, t: T0 + i * 3000, type: 16, answer: 'x' }));
    const dir = createTestContext().baseDir;
    writeFileSync(join(dir, 'top.csv'), 'rank,domain\n1,google.com\n2,popular-saas.com\n3,wikipedia.org\n');
    const f = await fitScore(events, { top_domains: { path: join(dir, 'top.csv') } });
    expect(f.data.findings).toEqual([]);
    expect(f.data.stats.skipped).toMatchObject({ tunnelSharedDomain: 10, tunnelListedDomain: 1 });
    expect(f.data.knowledge.top_domains).toMatchObject({ domains: 3, bad_lines: 0 });
  });
});

describe('DGA', () => {
  it('finds a client whose NXDOMAIN answers are random-looking names, and groups two infected hosts into one family', async () => {
    const r = new Rand(31);
    const events: OdmEvent[] = background(r);
    const tlds = ['com', 'net', 'org', 'info', 'ru'];
    for (const client of ['10.10.0.41', '10.10.0.42']) {
      for (let i = 0; i < 120; i++) {
        const resolves = i % 40 === 0;
        events.push(answer({ client, name: `${r.token(r.int(12, 20))}.${tlds[i % tlds.length]}`, t: T0 + 3 * MIN + i * 2000, rcode: resolves ? 0 : 3, ...(resolves ? { answer: '203.0.113.120' } : {}) }));
      }
    }
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => x.pattern).sort()).toEqual(['dga 10.10.0.41', 'dga 10.10.0.42']);
    const [a, b] = f.data.findings.map((x) => x.evidence['family'] as { id: string; charset: string; suffixes: string[]; hosts: string[] });
    expect(a!.id).toBe(b!.id);
    expect(a!.charset).toBe('a-z');
    expect([...a!.suffixes].sort()).toEqual([...tlds].sort());
    expect(a!.hosts.sort()).toEqual(['10.10.0.41', '10.10.0.42']);
    expect(f.data.findings[0]!.evidence['random_resolved']).toBe(3);
    expect(f.data.findings[0]!.reasons[0]).toMatch(/NXDOMAIN for 11\d random-looking domains/);
  });

  it('does not fire on typos and search-suffix misses, single-label browser probes, or CDN hash names that resolve', async () => {
    const r = new Rand(32);
    const events: OdmEvent[] = background(r);
    const misses = ['wpad', 'intranet', 'printer', 'fileserver', 'sharepoint', 'timesheet', 'payroll', 'helpdesk', 'calendar', 'wiki'];
    for (let i = 0; i < 60; i++) {
      events.push(answer({ client: '10.10.0.50', name: `${misses[i % misses.length]}${i}.corp.example.com.localdomain.net`, t: T0 + i * 1000, rcode: 3 }));
      events.push(answer({ client: '10.10.0.50', name: `www.${['gooogle', 'wikipedai', 'microsfot', 'amazom', 'facebok', 'yotube'][i % 6]}${i % 10}.com`, t: T0 + i * 1000 + 1, rcode: 3 }));
      events.push(answer({ client: '10.10.0.51', name: r.token(r.int(7, 15)), t: T0 + i * 1000, rcode: 3 })); // Chrome's intranet probes
      events.push(answer({ client: '10.10.0.52', name: `d${r.token(13, '0123456789abcdefghijklmnopqrstuvwxyz')}.cloudfront.net`, t: T0 + i * 1000, answer: '198.18.70.1' }));
    }
    const f = await fitScore(events);
    expect(f.data.findings).toEqual([]);
  });

  it('refuses a top-domains list it cannot read, with a coded error, at start-up', async () => {
    await expect(instantiate(manifest, { top_domains: { path: '/nonexistent/top-1m.csv' } })).rejects.toMatchObject({ code: 'SL_HEURISTICS_TOP_DOMAINS_UNREADABLE' });
    await expect(instantiate(manifest, { top_domains: { builtin_words: 0 } })).rejects.toMatchObject({ code: 'SL_HEURISTICS_NO_NGRAM_CORPUS' });
    await expect(instantiate(manifest, { internal_networks: ['10.0.0.0/33'] })).rejects.toMatchObject({ code: 'SL_PLUGIN_CONFIG_INVALID', message: expect.stringContaining('internal_networks') });
  });
});
