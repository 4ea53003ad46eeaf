import type { OdmEvent, Rating } from '@sightline/core';
import { ratingFor } from '@sightline/runtime';
import { describe, expect, it } from 'vitest';
import { RatingIndex } from './rating-index.js';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

describe('RatingIndex', () => {
  it('picks the same covering rating as the runtime (ratingFor) for 20,000 random events and ratings', () => {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '198.51.100.7'];
    const words = ['w1', 'w2', 'w3'];
    const kinds = ['flow', 'dns', 'proxy'] as const;
    const ports = [53, 443, 4444];
    const event = (i: number) => ({
      event_id: `e${i % 50}`,
      event_kind: pick(kinds),
      event_time: 0,
      src_ip: pick(ips),
      dst_ip: pick(ips),
      dst_port: pick(ports),
      dns_query: pick(['a.example', 'b.example']),
    });
    const ratings: Rating[] = [];
    for (let i = 0; i < 40; i++) {
      const fields = ['src_ip', 'dst_ip', 'dst_port', 'dns_query'].filter(() => r() < 0.7);
      const match: Record<string, string | number> = {};
      for (const f of fields) match[f] = f === 'dst_port' ? pick(ports) : f === 'dns_query' ? pick(['a.example', 'b.example']) : pick(ips);
      ratings.push({
        id: `r${i}`,
        at: i,
        rating: pick([1, 2, 3] as const),
        event_kind: pick(kinds),
        match,
        ...(r() < 0.3 ? { event_id: `e${Math.floor(r() * 50)}` } : {}),
        ...(r() < 0.6 ? { word: pick(words) } : {}),
      });
    }
    const index = new RatingIndex(ratings);
    let covered = 0;
    for (let i = 0; i < 20_000; i++) {
      const e = event(i);
      const word = r() < 0.8 ? pick(words) : undefined;
      const expected = ratingFor(e as unknown as OdmEvent, ratings, word);
      expect(index.lookup(e, word)?.id, `event ${JSON.stringify(e)} word ${word}`).toBe(expected?.id);
      if (expected !== undefined) covered++;
    }
    // The case is not vacuous: many events are covered, many are not.
    expect(covered).toBeGreaterThan(2000);
    expect(covered).toBeLessThan(18_000);
  });

  it('leaves out ratings that name fields the index does not hold, and says how many', () => {
    const index = new RatingIndex([{ id: 'x', at: 0, rating: 3, event_kind: 'flow', match: { flow_input: 3 } }]);
    expect(index.unsupported).toBe(1);
    expect(index.lookup({ event_kind: 'flow', event_id: 'a', flow_input: 3 }, undefined)).toBeUndefined();
  });
});
