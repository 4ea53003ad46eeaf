import { describe, expect, it } from 'vitest';
import type { Sink, SinkBatch, SinkResult } from '../contracts/sink.js';
import { SightlineError } from '../errors/sightline-error.js';
import { InMemoryDeadLetterStore } from '../reference/memory-stores.js';
import { EventFixtures } from '../testkit/fixtures.js';
import { createTestContext } from '../testkit/harness.js';
import { RetryingSink } from './retrying-sink.js';

const busy = () => new SightlineError('SL_SINK_UNAVAILABLE', 'busy', { retryable: true });
const rejected = () => new SightlineError('SL_SINK_REJECTED', 'mapping error', { retryable: false });

/** A sink that answers from a script and records what it was sent. */
function scripted(answers: ((b: SinkBatch) => SinkResult | Promise<SinkResult>)[]): Sink & { sent: string[][] } {
  const sent: string[][] = [];
  let i = 0;
  return {
    name: 'scripted',
    sent,
    async write(b) {
      sent.push(b.events.map((e) => e.event_id));
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      return answer(b);
    },
    async close() {},
  };
}

function harness(sink: Sink, policy = { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 1000, maxAttempts: 100 }) {
  let now = 0;
  const sleeps: number[] = [];
  const dead = new InMemoryDeadLetterStore();
  const r = new RetryingSink(sink, {
    policy,
    deadLetter: dead,
    pipeline: 'p',
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 1,
  });
  return { r, dead, sleeps, advance: (ms: number) => (now += ms) };
}

const batch = (n: number): SinkBatch => ({ stream: 'events', events: EventFixtures.mixed(n) });

describe('RetryingSink', () => {
  it('retries a busy destination with exponential backoff until it answers', async () => {
    const sink = scripted([() => ({ status: 'retryable', error: busy() }), () => ({ status: 'retryable', error: busy() }), () => ({ status: 'success' })]);
    const { r, sleeps, dead } = harness(sink);
    const report = await r.deliver(batch(4), createTestContext());
    expect(report).toMatchObject({ delivered: 4, deadLettered: 0, attempts: 3 });
    expect(sleeps).toEqual([10, 20]);
    expect(dead.records).toHaveLength(0);
  });

  it('honours retryAfterMs from the destination', async () => {
    const sink = scripted([() => ({ status: 'retryable', error: busy(), retryAfterMs: 70 }), () => ({ status: 'success' })]);
    const { r, sleeps } = harness(sink);
    await r.deliver(batch(1), createTestContext());
    expect(sleeps).toEqual([70]);
  });

  it('after a partial result resends only the failed, retryable items and dead-letters the rest', async () => {
    const sink = scripted([
      () => ({ status: 'partial', failed: [{ index: 1, error: busy() }, { index: 2, error: rejected() }, { index: 3, error: busy() }] }),
      () => ({ status: 'success' }),
    ]);
    const b = batch(5);
    const { r, dead } = harness(sink);
    const report = await r.deliver(b, createTestContext());
    expect(sink.sent[1]).toEqual([b.events[1]!.event_id, b.events[3]!.event_id]);
    expect(report).toMatchObject({ delivered: 4, deadLettered: 1 });
    expect(dead.records.map((d) => [d.event.event_id, d.error.code, d.sink])).toEqual([[b.events[2]!.event_id, 'SL_SINK_REJECTED', 'scripted']]);
  });

  it('dead-letters everything still pending at the deadline, with the last error as the reason', async () => {
    const sink = scripted([() => ({ status: 'retryable', error: busy() })]);
    const { r, dead } = harness(sink, { initialDelayMs: 100, maxDelayMs: 400, deadlineMs: 1000, maxAttempts: 1000 });
    const report = await r.deliver(batch(3), createTestContext());
    expect(report.delivered + report.deadLettered).toBe(3);
    expect(report.deadLettered).toBe(3);
    expect(dead.records[0]!.error.code).toBe('SL_SINK_DEADLINE');
    expect(dead.records[0]!.error.message).toContain('busy');
  });

  it('dead-letters a batch the destination refuses for good, without retrying', async () => {
    const sink = scripted([() => ({ status: 'failure', error: rejected() })]);
    const { r, dead, sleeps } = harness(sink);
    expect(await r.deliver(batch(2), createTestContext())).toMatchObject({ delivered: 0, deadLettered: 2, attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(dead.records).toHaveLength(2);
  });

  it('treats a sink that throws as a transient failure and retries it', async () => {
    const sink = scripted([
      () => {
        throw new Error('ECONNRESET');
      },
      () => ({ status: 'success' }),
    ]);
    const { r } = harness(sink);
    expect(await r.deliver(batch(2), createTestContext())).toMatchObject({ delivered: 2, deadLettered: 0, attempts: 2 });
  });

  it('stops retrying when the run is interrupted, dead-lettering what was pending', async () => {
    const ac = new AbortController();
    const sink = scripted([
      () => {
        ac.abort();
        return { status: 'retryable', error: busy() };
      },
    ]);
    const { r, dead } = harness(sink);
    expect(await r.deliver(batch(2), createTestContext({ signal: ac.signal }))).toMatchObject({ delivered: 0, deadLettered: 2 });
    expect(dead.records[0]!.error.code).toBe('SL_RUN_INTERRUPTED');
  });

  it('adds up: delivered plus dead-lettered is the batch size, whatever the answers', async () => {
    for (let seed = 0; seed < 20; seed++) {
      let x = seed + 1;
      const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const sink: Sink = {
        name: 'random',
        async write(b) {
          const roll = rnd();
          if (roll < 0.3) return { status: 'success' };
          if (roll < 0.5) return { status: 'retryable', error: busy() };
          if (roll < 0.6) return { status: 'failure', error: rejected() };
          return { status: 'partial', failed: b.events.flatMap((_, index) => (rnd() < 0.5 ? [{ index, error: rnd() < 0.7 ? busy() : rejected() }] : [])) };
        },
        async close() {},
      };
      const { r } = harness(sink);
      const report = await r.deliver(batch(25), createTestContext());
      expect(report.delivered + report.deadLettered).toBe(25);
    }
  });
});
