import { describe, expect, it } from 'vitest';
import { DocInterner, Interner, canonicalIpv4, globalRate, hostFloor, hostRate } from '../src/corpus-builder.js';

describe('host-stratified sampling', () => {
  it('keeps the per-host floor when it fits in half the budget, and lowers it when it does not', () => {
    const few = Uint32Array.from([5000, 5000, 10, 10]);
    expect(hostFloor(few, 2000, 200)).toBe(200);
    // 500 hosts of 400 tokens: a floor of 200 each would be 100,000 tokens, far over a budget of 20,000.
    const many = new Uint32Array(500).fill(400);
    const floor = hostFloor(many, 20000, 200);
    expect(floor).toBe(20);
    const rate = globalRate(many, 20000, floor);
    let expected = 0;
    for (const n of many) expected += n * hostRate(n, rate, floor);
    expect(expected).toBeLessThanOrEqual(20000);
    expect(expected).toBeGreaterThan(19000);
  });

  it('samples nothing away when the window fits the budget', () => {
    expect(globalRate(Uint32Array.from([10, 20]), 100, 5)).toBe(1);
  });
});

describe('documents by canonical IPv4 value', () => {
  it('reads canonical dotted quads and refuses every other spelling', () => {
    expect(canonicalIpv4('0.0.0.0')).toBe(0);
    expect(canonicalIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(canonicalIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(canonicalIpv4('192.168.100.200')).toBe(0xc0a864c8);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1.2.3.256', '1..3.4', '.1.2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4 ', '::1', '::ffff:1.2.3.4', 'a.b.c.d', '1.2.3.-4', '1234.1.1.1']) {
      expect(canonicalIpv4(bad), bad).toBe(-1);
    }
  });

  it('gives the ids Interner gives, whatever mix of IPv4, odd spellings, IPv6 and names arrives', () => {
    let s = 11;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pool: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = rnd();
      const q = [0, 0, 0, 0].map(() => Math.floor(rnd() * (r < 0.5 ? 4 : 256)));
      pool.push(r < 0.8 ? q.join('.') : r < 0.85 ? q.map((x) => String(x).padStart(3, '0')).join('.') : r < 0.95 ? `2001:db8::${q[0]!.toString(16)}` : `host${q[0]}.example`);
    }
    const a = new Interner();
    const b = new DocInterner();
    for (let i = 0; i < 20_000; i++) {
      const doc = pool[Math.floor(rnd() * pool.length)]!;
      if (rnd() < 0.2) expect(b.get(doc), doc).toBe(a.get(doc));
      expect(b.id(doc), doc).toBe(a.id(doc));
    }
    expect(b.values).toEqual(a.values);
    const again = DocInterner.of(a.values);
    for (const [i, d] of a.values.entries()) expect(again.get(d)).toBe(i);
    expect(again.get('10.99.99.99')).toBe(a.get('10.99.99.99'));
  });
});
