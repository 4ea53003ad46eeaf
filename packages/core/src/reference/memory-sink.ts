import type { PluginContext } from '../contracts/common.js';
import type { HealthResult, Sink, SinkBatch, SinkResult } from '../contracts/sink.js';
import { definePlugin } from '../di/define-plugin.js';
import { SightlineError } from '../errors/sightline-error.js';
import type { OdmEvent } from '../model/event.js';
import { CORE_VERSION } from '../version.js';

export interface MemorySinkConfig {
  /** Make the first `times` writes fail in this way (to exercise retries and dead letters). */
  readonly fail?: { readonly mode: 'retryable' | 'failure' | 'partial'; readonly times: number };
}

/**
 * Keeps what it receives in memory, keyed by event id (so a retried write does not duplicate). The in-memory
 * twin of the real sinks, for tests and examples; it can be told to fail to exercise the delivery path.
 */
export class MemorySink implements Sink {
  readonly name: string;
  readonly events = new Map<string, OdmEvent>();
  readonly alerts = new Map<string, OdmEvent>();
  writes = 0;
  closed = 0;
  readonly #config: MemorySinkConfig;
  #failures = 0;

  constructor(config: MemorySinkConfig = {}, name = 'memory') {
    this.name = name;
    this.#config = config;
  }

  async write(batch: SinkBatch, _ctx: PluginContext): Promise<SinkResult> {
    this.writes++;
    const fail = this.#config.fail;
    if (fail !== undefined && this.#failures < fail.times && batch.events.length > 0) {
      this.#failures++;
      const error = new SightlineError(fail.mode === 'failure' ? 'SL_SINK_REJECTED' : 'SL_SINK_UNAVAILABLE', `memory sink told to fail (${fail.mode})`, { stage: 'sink', plugin: this.name });
      if (fail.mode === 'retryable') return { status: 'retryable', error, retryAfterMs: 1 };
      if (fail.mode === 'failure') return { status: 'failure', error };
      // partial: every other item fails, retryably.
      const failed = batch.events.flatMap((_, index) => (index % 2 === 1 ? [{ index, error }] : []));
      const target = batch.stream === 'alerts' ? this.alerts : this.events;
      batch.events.forEach((e, i) => i % 2 === 0 && target.set(e.event_id, structuredClone(e)));
      return { status: 'partial', failed };
    }
    const target = batch.stream === 'alerts' ? this.alerts : this.events;
    for (const e of batch.events) target.set(`${e.event_id}${batch.stream === 'alerts' ? `/${e.score_model ?? ''}` : ''}`, structuredClone(e));
    return { status: 'success' };
  }

  async healthcheck(): Promise<HealthResult> {
    return { ok: true, message: `holding ${this.events.size} events and ${this.alerts.size} alerts` };
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

export const memorySinkManifest = definePlugin<'sink', MemorySinkConfig>({
  name: 'memory',
  kind: 'sink',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Keeps events and alerts in memory (tests and examples); can be told to fail.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      fail: {
        type: 'object',
        required: ['mode', 'times'],
        additionalProperties: false,
        properties: { mode: { enum: ['retryable', 'failure', 'partial'] }, times: { type: 'integer', minimum: 0 } },
      },
    },
  },
  create: (config, ctx) => new MemorySink(config, ctx.step),
});
