import { describe, expect, it } from 'vitest';
import { analysePeriod } from './periodicity.js';

let seed = 3;
const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);

function series(period: number, n: number, jitter: number, miss: number): Float64Array {
  const out: number[] = [];
  for (let t = 0, i = 0; i < n; i++, t += period * (1 + jitter * 2 * (rnd() - 0.5))) if (rnd() >= miss) out.push(Math.round(t));
  return Float64Array.from(out);
}

describe('periodicity', () => {
  it('recovers the period of a jittered series with missed beats, and counts the missed beats', () => {
    const t = series(60_000, 500, 0.1, 0.05);
    const p = analysePeriod(t, t.length, 0.2, 10_000, 6 * 3_600_000)!;
    expect(Math.abs(p.period - 60_000) / 60_000).toBeLessThan(0.02);
    expect(p.regularity).toBeGreaterThan(0.95);
    expect(p.missed).toBeGreaterThan(10);
    expect(p.jitter).toBeLessThan(0.1);
  });

  it('finds the base period when most beats are missed (the median interval is a multiple of it)', () => {
    const t = series(30_000, 800, 0.02, 0.55);
    const p = analysePeriod(t, t.length, 0.2, 10_000, 6 * 3_600_000)!;
    expect(Math.abs(p.period - 30_000) / 30_000).toBeLessThan(0.05);
  });

  it('sees no regularity in random (Poisson) arrivals', () => {
    const out: number[] = [];
    for (let i = 0, t = 0; i < 400; i++) out.push((t += -Math.log(1 - rnd()) * 60_000));
    const p = analysePeriod(Float64Array.from(out), out.length, 0.2, 10_000, 6 * 3_600_000);
    expect(p === undefined || p.regularity < 0.6, `regularity ${p?.regularity}`).toBe(true);
  });

  it('merges connections less than a second apart into one beat', () => {
    const t = Float64Array.from([0, 100, 200, 60_000, 60_050, 120_000, 180_000, 240_000]);
    expect(analysePeriod(t, t.length, 0.2, 10_000, 3_600_000)!.beats).toBe(5);
  });
});
