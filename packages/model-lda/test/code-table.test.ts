import { describe, expect, it } from 'vitest';
import { prng } from '@sightline/core/testkit';
import { CodeTable } from '../src/code-table.js';

describe('CodeTable', () => {
  it('answers as a Map does for codes up to 2^53, through growth and collisions', () => {
    const rand = prng(7);
    const table = new CodeTable(4);
    const reference = new Map<number, number>();
    const codes: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // Codes that share their low or high half, small codes, and codes near 2^53.
      const pick = rand();
      const code =
        pick < 0.25 ? Math.floor(rand() * 1000) : pick < 0.5 ? Math.floor(rand() * 4096) * 4294967296 + 12345 : pick < 0.75 ? 2 ** 53 - 1 - Math.floor(rand() * 1e6) : Math.floor(rand() * 2 ** 53);
      if (reference.has(code)) continue;
      table.set(code, reference.size);
      reference.set(code, reference.size);
      codes.push(code);
    }
    expect(table.size).toBe(reference.size);
    for (const code of codes) expect(table.get(code)).toBe(reference.get(code));
    for (let i = 0; i < 10_000; i++) {
      const code = Math.floor(rand() * 2 ** 53);
      expect(table.get(code)).toBe(reference.get(code) ?? -1);
    }
    expect(table.get(0)).toBe(reference.get(0) ?? -1);
  });
});
