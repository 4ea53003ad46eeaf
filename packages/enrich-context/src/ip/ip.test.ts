import { BlockList, isIP } from 'node:net';
import { prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { parseNetwork } from './network.js';
import { IPV4, IPV6, IpParser, NOT_IP, formatV4, formatV6, wordsToBigInt } from './parse-ip.js';
import { type RangeEntry, RangeTable } from './range-table.js';

const p = new IpParser();

describe('IpParser', () => {
  it('reads IPv4 and IPv6 in every spelling Node accepts, and rejects what Node rejects', () => {
    const good = ['0.0.0.0', '255.255.255.255', '10.1.2.3', '::', '::1', '2001:db8::1', '2001:DB8:0:0:1::1', 'fe80::1%eth0', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '64:ff9b::192.0.2.1', '1::', '1:2:3:4:5:6:7::'];
    const bad = ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '1.2.3.4:80', ':1', '1:', 'example.com', '2001:db8::1.2.3'];
    for (const s of good) {
      expect(isIP(s.split('%')[0]!), s).not.toBe(0);
      expect(p.parse(s), s).not.toBe(NOT_IP);
    }
    for (const s of bad) {
      expect(isIP(s), s).toBe(0);
      expect(p.parse(s), s).toBe(NOT_IP);
    }
  });

  it('reads IPv4-mapped IPv6 as the IPv4 address, so one table answers both spellings', () => {
    expect(p.parse('::ffff:192.0.2.1')).toBe(IPV4);
    expect(formatV4(p.v4)).toBe('192.0.2.1');
    expect(p.parse('::ffff:c000:0201')).toBe(IPV4);
    expect(formatV4(p.v4)).toBe('192.0.2.1');
  });

  it('round-trips random IPv6 addresses through RFC 5952 text', () => {
    const rnd = prng(7);
    for (let i = 0; i < 2000; i++) {
      let v = 0n;
      for (let k = 0; k < 8; k++) v = (v << 16n) | BigInt(rnd() < 0.4 ? 0 : Math.floor(rnd() * 65536));
      const text = formatV6(v);
      const f = p.parse(text);
      if (f === IPV4) continue; // a mapped address
      expect(f, text).toBe(IPV6);
      expect(wordsToBigInt(p.v6), text).toBe(v);
    }
  });
});

describe('parseNetwork', () => {
  it('reads addresses, prefixes (clearing host bits) and ranges, and says what is wrong otherwise', () => {
    expect(parseNetwork('10.1.2.3/8')).toEqual({ family: 4, start: 10 * 2 ** 24, end: 11 * 2 ** 24 - 1, prefix: 8 });
    expect(parseNetwork('::ffff:192.0.2.0/120')).toMatchObject({ family: 4, prefix: 24 });
    expect(parseNetwork('192.0.2.10 - 192.0.2.20')).toMatchObject({ family: 4, prefix: undefined });
    expect(parseNetwork('2001:db8::/32')).toMatchObject({ family: 6, start: 0x20010db8n << 96n });
    expect(parseNetwork('10.0.0.0/33')).toMatch(/prefix length must be 0-32/);
    expect(parseNetwork('192.0.2.20-192.0.2.10')).toMatch(/ends before it starts/);
    expect(parseNetwork('10.0.0.1-2001:db8::1')).toMatch(/mixes IPv4 and IPv6/);
    expect(parseNetwork('finance-db')).toMatch(/not an IP address, CIDR prefix or range/);
  });
});

describe('RangeTable', () => {
  const net = (t: string) => {
    const n = parseNetwork(t);
    if (typeof n === 'string') throw new Error(n);
    return n;
  };
  const ask = (table: RangeTable, ip: string) => {
    const f = p.parse(ip);
    return f === IPV4 ? table.lookup4(p.v4) : table.lookup6(p.v6);
  };

  it('answers the longest prefix, and the later of two equal ranges', () => {
    const t = RangeTable.build(
      [
        { net: net('10.0.0.0/8'), id: 0 },
        { net: net('10.1.0.0/16'), id: 1 },
        { net: net('10.1.2.0/24'), id: 2 },
        { net: net('10.1.2.0/24'), id: 3 },
        { net: net('10.1.2.128-10.1.3.5'), id: 4 },
        { net: net('2001:db8::/32'), id: 5 },
        { net: net('2001:db8:1::/48'), id: 6 },
        { net: net('0.0.0.0/0'), id: 7 },
      ],
      'most-specific',
    );
    expect(ask(t, '10.1.2.3')).toBe(3);
    expect(ask(t, '10.1.2.200')).toBe(4);
    expect(ask(t, '10.1.3.5')).toBe(4);
    expect(ask(t, '10.1.3.6')).toBe(1);
    expect(ask(t, '10.2.0.0')).toBe(0);
    expect(ask(t, '11.0.0.0')).toBe(7);
    expect(ask(t, '255.255.255.255')).toBe(7);
    expect(ask(t, '2001:db8:1::5')).toBe(6);
    expect(ask(t, '2001:db8:2::5')).toBe(5);
    expect(ask(t, '2001:db9::')).toBe(-1);
  });

  it('finds every range holding an address in mode "all", as Node\'s BlockList says (random differential)', () => {
    const rnd = prng(42);
    const entries: RangeEntry[] = [];
    const lists: BlockList[] = [];
    const texts: string[] = [];
    for (let i = 0; i < 400; i++) {
      const base = Math.floor(rnd() * 2 ** 16) * 2 ** 16; // clustered, so ranges nest and overlap
      const len = 12 + Math.floor(rnd() * 21);
      const text = rnd() < 0.8 ? `${formatV4(base + Math.floor(rnd() * 65536))}/${len}` : `${formatV4(base)}-${formatV4(base + Math.floor(rnd() * 300000))}`;
      const n = net(text);
      if (n.family !== 4) continue;
      entries.push({ net: n, id: entries.length });
      const bl = new BlockList();
      bl.addRange(formatV4(n.start), formatV4(n.end), 'ipv4');
      lists.push(bl);
      texts.push(text);
    }
    const t = RangeTable.build(entries, 'all');
    for (let i = 0; i < 1500; i++) {
      const e = entries[Math.floor(rnd() * entries.length)]!.net as { start: number; end: number };
      const ip = formatV4(Math.min(2 ** 32 - 1, Math.max(0, e.start + Math.floor((rnd() - 0.1) * (e.end - e.start + 200)))));
      const expected = lists.flatMap((bl, k) => (bl.check(ip, 'ipv4') ? [k] : []));
      expect([...t.ids(ask(t, ip))].sort((a, b) => a - b), ip).toEqual(expected);
    }
  });

  it('finds every IPv6 range holding an address (random differential against BlockList)', () => {
    const rnd = prng(9);
    const entries: RangeEntry[] = [];
    const lists: BlockList[] = [];
    for (let i = 0; i < 200; i++) {
      const len = 16 + Math.floor(rnd() * 100);
      const text = `2001:db8:${Math.floor(rnd() * 4).toString(16)}:${Math.floor(rnd() * 65536).toString(16)}::${Math.floor(rnd() * 65536).toString(16)}/${len}`;
      entries.push({ net: net(text), id: entries.length });
      const bl = new BlockList();
      bl.addSubnet(text.split('/')[0]!, len, 'ipv6');
      lists.push(bl);
    }
    const t = RangeTable.build(entries, 'all');
    for (let i = 0; i < 2000; i++) {
      const e = entries[Math.floor(rnd() * entries.length)]!.net as { start: bigint; end: bigint };
      const span = e.end - e.start + 1n;
      const off = BigInt(Math.floor(rnd() * 1e9)) % (span + 10n);
      const v = e.start + off;
      const ip = formatV6(v);
      const expected = lists.flatMap((bl, k) => (bl.check(ip, 'ipv6') ? [k] : []));
      expect([...t.ids(ask(t, ip))].sort((a, b) => a - b), ip).toEqual(expected);
    }
  });
});
