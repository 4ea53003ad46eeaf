import { describe, expect, it } from 'vitest';
import { builtinWords } from '../knowledge.js';
import { DistinctCounter } from '../sketch/distinct.js';
import { PortSet } from '../sketch/port-set.js';
import { DomainSplitter, entropy, parseTopDomains } from './domains.js';
import { AddressRanges, DEFAULT_INTERNAL_NETWORKS, ipv4ToInt, ipv6ToBytes } from './networks.js';
import { NgramModel, letterDigitChanges } from './ngram.js';

const model = new NgramModel([{ description: 'words', labels: await builtinWords(60000), weight: 1 }], 1);

describe('n-gram model of normal names', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  const random = (n: number): string => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rnd() * 26)]).join('');

  it('calls almost every random 12-22 letter label random, and few real brand and service labels', () => {
    let flagged = 0;
    for (let i = 0; i < 500; i++) if (model.isRandom(random(12 + (i % 11)))) flagged++;
    expect(flagged / 500).toBeGreaterThan(0.97);
    const normal = ['windowsupdate', 'stackoverflow', 'cloudflare', 'linkedin', 'salesforce', 'atlassian', 'servicenow', 'mailchimp', 'letsencrypt', 'visualstudio', 'sharepoint', 'spotify', 'microsoftonline', 'amazonaws', 'digicert', 'bloomberg', 'instagram', 'bitbucket', 'jetbrains', 'office365-login', 'paste-share-files', 'sync-telemetry-update'];
    expect(normal.filter((n) => model.isRandom(n)).length).toBeLessThanOrEqual(2);
  });

  it('calls hex and letter/digit soup random whatever its letters', () => {
    expect(letterDigitChanges('e8f3a1c9b2d4')).toBeGreaterThanOrEqual(4);
    expect(model.judge('e8f3a1c9b2d4').random).toBe(true);
    expect(model.judge('office365').random).toBe(false);
  });
});

describe('address ranges', () => {
  const internal = new AddressRanges(DEFAULT_INTERNAL_NETWORKS);
  it('knows RFC 1918, RFC 4193 and link-local addresses, IPv4 and IPv6, and nothing that is not an address', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', 'fd00::1', 'fe80::1%eth0']) expect(internal.has(ip), ip).toBe(true);
    for (const ip of ['172.32.0.1', '8.8.8.8', '203.0.113.5', '2001:db8::1', '::ffff:8.8.8.8', 'not-an-ip', '10.1.2', '10.1.2.300']) expect(internal.has(ip), ip).toBe(false);
    expect(ipv4ToInt('255.255.255.255')).toBe(0xffffffff);
    expect(ipv6ToBytes('::ffff:10.1.2.3')![15]).toBe(3);
    expect(() => new AddressRanges(['10.0.0.0/33'])).toThrow(/prefix/);
  });
});

describe('names and counters', () => {
  it('splits names at the registrable domain with the public suffix list (ICANN section)', () => {
    const s = new DomainSplitter();
    expect(s.split('a.b.example.co.uk')).toEqual({ registrable: 'example.co.uk', label: 'example', suffix: 'co.uk', subdomain: 'a.b' });
    expect(s.split('d1234.cloudfront.net').registrable).toBe('cloudfront.net');
    expect(s.split('intranet').registrable).toBeUndefined();
    expect(s.split('10.1.2.3').registrable).toBeUndefined();
  });

  it('measures entropy in bits per character', () => {
    expect(entropy('')).toBe(0);
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBeCloseTo(2, 10);
    expect(entropy('abab')).toBeCloseTo(1, 10);
  });

  it('reads rank,domain lists with a header, and counts the lines it cannot read', () => {
    expect(parseTopDomains('rank,domain\n1,google.com\n2,Example.ORG\nbad line!\n\n3,x.com\n', 2)).toEqual({ domains: ['google.com', 'example.org'], bad: 1 });
  });

  it('counts distinct values exactly up to its cap, then within a few percent in 1 KiB', () => {
    const c = new DistinctCounter(256);
    for (let i = 0; i < 200; i++) c.add(`v${i % 150}`);
    expect([c.count, c.exact]).toEqual([150, true]);
    for (let i = 0; i < 100_000; i++) c.add(`w${i}`);
    expect(c.exact).toBe(false);
    expect(Math.abs(c.count - 100_150) / 100_150).toBeLessThan(0.06);
    expect(c.bytes).toBeLessThan(1200);
  });

  it('keeps port sets exact past the switch to a bitmap', () => {
    const p = new PortSet();
    for (let i = 0; i < 3000; i++) p.add(i % 1000);
    expect(p.count).toBe(1000);
    expect(p.summary(3)).toEqual({ min: 0, max: 999, sample: [0, 1, 2] });
  });
});
