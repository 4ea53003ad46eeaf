/** The corrections to Spot's words that a site turns on (apache-spot.md §7–8), each against Spot's default. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DnsEvent, type ProxyEvent, SightlineError } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { createDnsFeaturizer, createDomainClassifier, createProxyFeaturizer, loadTopDomains, parseTopDomains } from '../src/index.js';

const T = Date.UTC(2024, 0, 1, 9, 15);

function dns(name: string, fields: Partial<DnsEvent> = {}): DnsEvent {
  return {
    event_id: 'd',
    event_kind: 'dns',
    event_time: T,
    dns_message_type: 'response',
    src_ip: '10.0.0.53',
    dst_ip: '10.1.1.1',
    dns_query: name,
    dns_type: 1,
    dns_class: 1,
    dns_response_code: 0,
    dns_answers: [{ name, type: 1, class: 1, data: '192.0.2.1' }],
    dns_len: 100,
    dns_msg_len: 58,
    ...fields,
  };
}

function proxy(host: string): ProxyEvent {
  return { event_id: 'p', event_kind: 'proxy', event_time: T, src_ip: '10.1.1.1', prx_host: host, prx_method: 'GET', prx_uri: `${host}/`, prx_code: 200, prx_type: 'text/html', prx_browser: 'ua' };
}

const word = (f: ReturnType<typeof createDnsFeaturizer>, e: DnsEvent): string | undefined => f.words(e, undefined)?.words[0];

describe('public_suffix', () => {
  it('splits www.google.co.uk into domain google and subdomain www instead of Spot’s co and www.google', () => {
    expect(createDomainClassifier({ ownDomain: '', publicSuffix: false }).domainOf('www.google.co.uk')).toBe('co');
    expect(createDomainClassifier({ ownDomain: '', publicSuffix: true }).domainOf('www.google.co.uk')).toBe('google');
    // Spot: subdomain "www.google" (10 chars → 3, entropy 2.52 → bin 9); public suffix: "www" (3 chars → 1, entropy 0 → bin 0).
    expect(word(createDnsFeaturizer(), dns('www.google.co.uk'))).toBe('0_6_9_3_9_2_1_0');
    expect(word(createDnsFeaturizer({ public_suffix: true }), dns('www.google.co.uk'))).toBe('0_6_9_1_0_2_1_0');
  });

  it('gives names under TLDs Spot did not know a domain (Spot: "None", no subdomain)', () => {
    expect(createDomainClassifier({ ownDomain: '', publicSuffix: false }).domainOf('cdn.example.dev')).toBe('None');
    expect(createDomainClassifier({ ownDomain: '', publicSuffix: true }).domainOf('cdn.example.dev')).toBe('example');
    expect(word(createDnsFeaturizer(), dns('abc.example.xyz'))).toBe('0_6_9_0_0_1_1_0');
    expect(word(createDnsFeaturizer({ public_suffix: true }), dns('abc.example.xyz'))).toBe('0_6_9_1_6_1_1_0');
  });

  it('tests the registrable domain against the top list, where Spot’s first-label test let paypal.<any ccTLD> pass', () => {
    const topDomains = new Set(['paypal.com', 'bbc.co.uk']);
    expect(word(createDnsFeaturizer({ topDomains }), dns('www.paypal.de'))?.[0]).toBe('1');
    expect(word(createDnsFeaturizer({ topDomains, public_suffix: true }), dns('www.paypal.de'))?.[0]).toBe('0');
    expect(word(createDnsFeaturizer({ topDomains, public_suffix: true }), dns('www.paypal.com'))?.[0]).toBe('1');
    expect(word(createDnsFeaturizer({ topDomains, public_suffix: true }), dns('news.BBC.co.uk'))?.[0]).toBe('1');
    // Spot's split makes bbc.co.uk's domain "co", which is not "bbc".
    expect(word(createDnsFeaturizer({ topDomains }), dns('news.bbc.co.uk'))?.[0]).toBe('0');
  });

  it('matches a user domain given as a label or as a registrable domain', () => {
    expect(word(createDnsFeaturizer({ public_suffix: true, user_domain: 'example' }), dns('a.example.co.uk'))?.[0]).toBe('2');
    expect(word(createDnsFeaturizer({ public_suffix: true, user_domain: 'example.co.uk' }), dns('a.example.co.uk'))?.[0]).toBe('2');
    expect(word(createDnsFeaturizer({ public_suffix: true, user_domain: 'example.com' }), dns('a.example.co.uk'))?.[0]).toBe('0');
    // Names are compared lower-cased with the public suffix list, the user domain too.
    expect(word(createDnsFeaturizer({ public_suffix: true, user_domain: 'Example' }), dns('A.EXAMPLE.co.uk'))?.[0]).toBe('2');
  });

  it('keeps reverse lookups and bare suffixes without a domain', () => {
    const c = createDomainClassifier({ ownDomain: '', publicSuffix: true });
    expect(c.domainOf('1.2.0.192.in-addr.arpa')).toBe('None');
    expect(c.domainOf('co.uk')).toBe('None');
    expect(c.domainOf('localhost')).toBe('None');
  });
});

describe('dns_question_features', () => {
  const referral = (): DnsEvent => {
    const e = dns('tunnel.evil.com', { dns_type: 16, dns_response_code: 3 + 16, dns_len: 300, dns_msg_len: 40 });
    delete e.dns_answers;
    e.dns_authorities = [{ name: 'com', type: 6, class: 1 }];
    return e;
  };

  it('takes name and type from the question, the DNS message length, and the full response code', () => {
    // Spot: the SOA owner "com" (no domain, 1 label), type 6, frame 300 B → 8, rcode 3 (4 bits).
    expect(word(createDnsFeaturizer(), referral())).toBe('0_8_9_0_0_0_6_3');
    // Question: tunnel.evil.com (subdomain "tunnel" → 2, entropy 2.25 → bin 8, 3 labels → 1), TXT 16, 40 B → 5, rcode 19.
    expect(word(createDnsFeaturizer({ dns_question_features: true }), referral())).toBe('0_5_9_2_8_1_16_19');
  });

  it('falls back to the frame length when the event has no message length', () => {
    const e = referral();
    delete e.dns_msg_len;
    expect(word(createDnsFeaturizer({ dns_question_features: true }), e)?.split('_')[1]).toBe('8');
  });
});

describe('dns_queries', () => {
  it('makes words of queries, in the document of the querying source, when asked', () => {
    const q = dns('www.example.com', { dns_message_type: 'query', src_ip: '10.1.1.7', dst_ip: '10.0.0.53' });
    delete q.dns_answers;
    delete q.dns_response_code;
    expect(createDnsFeaturizer().words(q, undefined)).toBeNull();
    expect(createDnsFeaturizer({ dns_queries: true }).words(q, undefined)).toEqual({ docs: ['10.1.1.7'], words: ['0_6_9_1_0_1_1_-1'] });
  });
});

describe('own_domain (proxy)', () => {
  it('keeps Spot’s hard-coded intel by default and replaces it when set', () => {
    const top = (host: string, own?: string): string | undefined =>
      createProxyFeaturizer(own === undefined ? { topDomains: new Set(['intel.com']) } : { own_domain: own, topDomains: new Set(['intel.com']) }).words(proxy(host), undefined)?.words[0]?.[0];
    expect(top('www.intel.com')).toBe('2');
    expect(top('www.example.com')).toBe('0');
    expect(top('www.example.com', 'example')).toBe('2');
    expect(top('www.intel.com', 'example')).toBe('1');
    expect(top('www.intel.com', '')).toBe('1');
  });
});

describe('top-domains lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-top-'));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads a Tranco/Umbrella rank,domain CSV with CRLF, a header and comments, up to maxRank', async () => {
    const p = file('tranco.csv', 'rank,domain\r\n# comment\r\n1,Google.com\r\n2,facebook.com.\r\n3,bbc.co.uk\r\n\r\n');
    expect([...(await loadTopDomains(p))]).toEqual(['google.com', 'facebook.com', 'bbc.co.uk']);
    expect([...(await loadTopDomains(p, { maxRank: 2 }))]).toEqual(['google.com', 'facebook.com']);
  });

  it('reads one domain per line, the line position as rank', () => {
    expect([...parseTopDomains('google.com\nyoutube.com\nbaidu.com\n', { maxRank: 2 })]).toEqual(['google.com', 'youtube.com']);
  });

  it('feeds the featurizers: a loaded list puts its names in top-domain class 1', async () => {
    const topDomains = await loadTopDomains(file('top.csv', '1,example.com\n'));
    expect(word(createDnsFeaturizer({ topDomains }), dns('www.example.com'))?.[0]).toBe('1');
  });

  it('rejects a missing file and a file without domains with SL_LDA_TOP_DOMAINS_UNREADABLE', async () => {
    for (const p of [join(dir, 'nope.csv'), file('empty.csv', 'rank,domain\n\n')]) {
      const err = await loadTopDomains(p).catch((e: unknown) => e);
      expect(SightlineError.isCode(err, 'SL_LDA_TOP_DOMAINS_UNREADABLE')).toBe(true);
    }
    const err = await loadTopDomains(file('ranked.csv', '5,a.com\n'), { maxRank: 2 }).catch((e: unknown) => e);
    expect(SightlineError.isCode(err, 'SL_LDA_TOP_DOMAINS_UNREADABLE')).toBe(true);
  });
});
