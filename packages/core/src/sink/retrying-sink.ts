import type { PluginContext } from '../contracts/common.js';
import type { DeadLetter, DeadLetterStore, Sink, SinkBatch, SinkResult } from '../contracts/sink.js';
import { SightlineError, describeCause } from '../errors/sightline-error.js';
import type { OdmEvent } from '../model/event.js';

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** After this long since the first attempt, what is still undelivered is dead-lettered. */
  readonly deadlineMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 30_000, deadlineMs: 300_000, maxAttempts: 1000 };

export interface DeliveryReport {
  readonly delivered: number;
  readonly deadLettered: number;
  readonly attempts: number;
  /** The error that made the last retry or the dead-lettering, if any. */
  readonly lastError?: SightlineError;
}

export interface RetryingSinkOptions {
  readonly policy: RetryPolicy;
  readonly deadLetter: DeadLetterStore;
  readonly pipeline: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Told about every retry (for logs and counters). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; pending: number; error: SightlineError }) => void;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Delivery around any sink: the one place retries, backoff and the deadline live (sinks only say what
 * happened). `retryable` results are retried with exponential backoff and full jitter (or the sink's
 * `retryAfterMs`); after a `partial` result only the failed, retryable items are sent again; items that cannot
 * succeed, and whatever is left at the deadline, go to the dead-letter store with their reason. Nothing is
 * dropped silently: `delivered + deadLettered` always equals the batch size.
 */
export class RetryingSink {
  readonly sink: Sink;
  readonly #o: RetryingSinkOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;

  constructor(sink: Sink, options: RetryingSinkOptions) {
    this.sink = sink;
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /** Backoff before attempt `attempt + 1`: uniform in [0, min(max, initial * 2^(attempt-1))]. */
  backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs } = this.#o.policy;
    const cap = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(this.#random() * cap);
  }

  async deliver(batch: SinkBatch, ctx: PluginContext): Promise<DeliveryReport> {
    const { policy } = this.#o;
    const all = batch.events;
    let pending: number[] = all.map((_, i) => i);
    let delivered = 0;
    let attempt = 0;
    let lastError: SightlineError | undefined;
    const dead: DeadLetter[] = [];
    const start = this.#now();

    const bury = (indexes: readonly number[], error: SightlineError): void => {
      const serialized = error.toJSON();
      const at = this.#now();
      for (const i of indexes) {
        dead.push({ at, pipeline: this.#o.pipeline, sink: this.sink.name, stream: batch.stream, attempts: attempt, error: serialized, event: all[i] as OdmEvent });
      }
    };

    while (pending.length > 0) {
      attempt++;
      const result = await this.#write({ stream: batch.stream, events: pending.map((i) => all[i]!) }, ctx);
      let retryAfter = 0;
      if (result.status === 'success') {
        delivered += pending.length;
        pending = [];
        break;
      }
      if (result.status === 'failure') {
        lastError = result.error;
        bury(pending, result.error);
        pending = [];
        break;
      }
      if (result.status === 'partial') {
        const seen = new Set<number>();
        const valid = result.failed.every((f) => Number.isInteger(f.index) && f.index >= 0 && f.index < pending.length && !seen.has(f.index) && seen.add(f.index));
        if (!valid) {
          // The sink broke its contract; we cannot know what landed. Sinks are idempotent by event id, so resend all.
          lastError = new SightlineError('SL_PLUGIN_CRASHED', `sink "${this.sink.name}" returned a partial result with invalid item indexes; resending the batch`, { stage: 'sink', plugin: this.sink.name });
        } else {
          delivered += pending.length - result.failed.length;
          const retry: number[] = [];
          for (const f of result.failed) {
            if (f.error.retryable) {
              retry.push(pending[f.index]!);
              lastError = f.error;
            } else bury([pending[f.index]!], f.error);
          }
          pending = retry;
          if (pending.length === 0) break;
        }
      } else {
        lastError = result.error;
        retryAfter = result.retryAfterMs ?? 0;
      }
      const elapsed = this.#now() - start;
      const error = lastError!;
      if (ctx.signal.aborted) {
        bury(pending, new SightlineError('SL_RUN_INTERRUPTED', `run stopped while ${pending.length} events were waiting to be retried (last error: ${error.message})`, { stage: 'sink', plugin: this.sink.name, cause: error }));
        pending = [];
        break;
      }
      if (attempt >= policy.maxAttempts || elapsed >= policy.deadlineMs) {
        bury(
          pending,
          new SightlineError('SL_SINK_DEADLINE', `gave up after ${attempt} attempts in ${elapsed} ms (deadline ${policy.deadlineMs} ms): ${error.message}`, {
            stage: 'sink',
            plugin: this.sink.name,
            cause: error,
            details: { attempts: attempt, elapsedMs: elapsed, lastCode: error.code },
          }),
        );
        pending = [];
        break;
      }
      const delay = Math.min(Math.max(retryAfter, this.backoff(attempt)), policy.deadlineMs - elapsed);
      this.#o.onRetry?.({ attempt, delayMs: delay, pending: pending.length, error });
      await this.#sleep(delay, ctx.signal);
    }

    if (dead.length > 0) await this.#o.deadLetter.put(dead);
    return lastError === undefined ? { delivered, deadLettered: dead.length, attempts: attempt } : { delivered, deadLettered: dead.length, attempts: attempt, lastError };
  }

  async #write(batch: SinkBatch, ctx: PluginContext): Promise<SinkResult> {
    try {
      return await this.sink.write(batch, ctx);
    } catch (cause) {
      // A sink should return results, not throw. A coded error says whether retrying helps; anything else may be
      // a transient I/O problem the sink did not classify, so it is retried until the deadline.
      if (SightlineError.is(cause)) return cause.retryable ? { status: 'retryable', error: cause } : { status: 'failure', error: cause };
      return {
        status: 'retryable',
        error: new SightlineError('SL_SINK_UNAVAILABLE', `sink "${this.sink.name}" threw: ${describeCause(cause)}`, { stage: 'sink', plugin: this.sink.name, cause, retryable: true }),
      };
    }
  }
}
