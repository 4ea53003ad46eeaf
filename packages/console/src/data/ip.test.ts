import { describe, expect, it } from 'vitest';
import { isInternalAddress, parseAddressFilter } from './ip.js';

describe('address filters', () => {
  it('match one address or a CIDR block, IPv4 and IPv6, and refuse what is neither', () => {
    const one = parseAddressFilter('10.1.2.3')!;
    expect([one.matches('10.1.2.3'), one.matches('10.1.2.4')]).toEqual([true, false]);
    const block = parseAddressFilter('10.1.0.0/16')!;
    expect(['10.1.255.1', '10.2.0.1', '2001:db8::1'].map((a) => block.matches(a))).toEqual([true, false, false]);
    const v6 = parseAddressFilter('2001:db8::/32')!;
    expect(['2001:db8:1::5', '2001:db9::1', '::ffff:10.1.2.3'].map((a) => v6.matches(a))).toEqual([true, false, false]);
    expect(parseAddressFilter('::ffff:10.1.2.3')!.matches('::ffff:a01:203')).toBe(true);
    expect(parseAddressFilter('0.0.0.0/0')!.matches('8.8.8.8')).toBe(true);
    for (const bad of ['10.1.2', '10.1.2.3/33', 'example.com', '10.1.2.3/x', '2001:db8::/129', '']) expect(parseAddressFilter(bad), bad).toBeUndefined();
  });

  it('call private, loopback and link-local ranges internal unless the enricher said otherwise', () => {
    expect(['10.0.0.1', '172.16.5.5', '192.168.1.1', '127.0.0.1', 'fd00::1', 'fe80::1'].map((a) => isInternalAddress(a, undefined))).toEqual([true, true, true, true, true, true]);
    expect(['8.8.8.8', '172.32.0.1', '2001:db8::1'].map((a) => isInternalAddress(a, undefined))).toEqual([false, false, false]);
    expect(isInternalAddress('8.8.8.8', true)).toBe(true);
    expect(isInternalAddress('10.0.0.1', false)).toBe(false);
  });
});
