import { describe, expect, it } from 'vitest';
import { globalRate, hostFloor, hostRate } from '../src/corpus-builder.js';

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
