import type { SerializedError, SightlineError } from '../errors/sightline-error.js';
import type { EventKind, OdmEvent } from '../model/event.js';
import type { MaybePromise, PluginContext } from './common.js';

/** `events`: every enriched event. `alerts`: the ranked, scored top of each window. */
export type Stream = 'events' | 'alerts';

export interface SinkBatch {
  readonly stream: Stream;
  readonly events: readonly OdmEvent[];
}

export interface ItemFailure {
  /** Index of the failed event in the batch. */
  readonly index: number;
  /** `error.retryable` says whether sending it again can succeed. */
  readonly error: SightlineError;
}

/**
 * The outcome of a write. Expected failures are values, not exceptions: a sink returns `retryable` when the
 * destination is busy or unreachable, `partial` when some items failed (each with its own error), and
 * `failure` when retrying the batch cannot help.
 */
export type SinkResult =
  | { readonly status: 'success' }
  | { readonly status: 'partial'; readonly failed: readonly ItemFailure[] }
  | { readonly status: 'retryable'; readonly error: SightlineError; readonly retryAfterMs?: number }
  | { readonly status: 'failure'; readonly error: SightlineError };

export interface HealthResult {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * Delivers events and alerts.
 *
 * `write` MUST NOT throw for expected failures (it returns a `SinkResult`); retries, backoff and the deadline
 * are applied around it by the runtime (`RetryingSink`), and whatever is finally undeliverable goes to the
 * dead-letter store with its reason. A write MUST be idempotent for the same events (use `event_id`). `write` MAY
 * be called again before an earlier call resolved (distributed workers deliver several batches at once): a sink
 * that cannot write concurrently MUST serialise its writes itself. `close` finalises outputs and MUST be safe to
 * call twice.
 */
export interface Sink {
  readonly name: string;
  /** Kinds it accepts; others are not sent to it. Absent: all kinds. */
  readonly kinds?: readonly EventKind[];
  open?(ctx: PluginContext): MaybePromise<void>;
  write(batch: SinkBatch, ctx: PluginContext): Promise<SinkResult>;
  /** Makes everything written so far durable (end of a window, shutdown). */
  flush?(): Promise<void>;
  healthcheck?(): Promise<HealthResult>;
  /** Where it delivered, for the run summary: file paths, index names, URLs. */
  describeOutputs?(): readonly string[];
  close(): Promise<void>;
}

/** An event that could not be delivered, with why. */
export interface DeadLetter {
  readonly at: number;
  readonly pipeline: string;
  readonly sink: string;
  readonly stream: Stream;
  readonly attempts: number;
  readonly error: SerializedError;
  readonly event: OdmEvent;
}

/** Where undeliverable events go. Implementations: in memory, files under the run folder, Redis. */
export interface DeadLetterStore {
  put(records: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}
