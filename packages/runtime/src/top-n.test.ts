import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.js';
import { TopN } from './top-n.js';

describe('TopN', () => {
  it('keeps the N lowest (asc) or highest (desc), most suspicious first, ties in arrival order', () => {
    const values = [5, 1, 9, 1, 3, 7, 0.5, 3];
    const asc = new TopN<number>(3, 'asc');
    values.forEach((v, i) => asc.offer(v, i));
    expect(asc.sorted()).toEqual([
      { value: 0.5, item: 6 },
      { value: 1, item: 1 },
      { value: 1, item: 3 },
    ]);
    const desc = new TopN<number>(2, 'desc');
    values.forEach((v, i) => desc.offer(v, i));
    expect(desc.sorted().map((x) => x.item)).toEqual([2, 5]);
  });

  it('agrees with a full sort on random input', () => {
    let x = 7;
    const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
    const values = Array.from({ length: 5000 }, () => Math.floor(rnd() * 100));
    const top = new TopN<number>(50, 'asc');
    values.forEach((v, i) => top.offer(v, i));
    const expected = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i).slice(0, 50).map((e) => e.i);
    expect(top.sorted().map((e) => e.item)).toEqual(expected);
  });
});

describe('BoundedQueue', () => {
  it('makes the producer wait while full (back-pressure) and delivers in order', async () => {
    const q = new BoundedQueue<number>(2);
    let pushed = 0;
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await q.push(i);
        pushed++;
      }
      q.close();
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(pushed).toBe(2);
    const got: number[] = [];
    for await (const v of q.drain()) got.push(v);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('passes a producer failure to the consumer', async () => {
    const q = new BoundedQueue<number>(1);
    q.fail(new Error('boom'));
    await expect((async () => {
      for await (const _ of q.drain());
    })()).rejects.toThrow('boom');
  });
});
