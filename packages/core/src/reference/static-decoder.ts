import type { DecodeBatch, DecodeContext, Decoder } from '../contracts/decoder.js';
import type { InputSource } from '../contracts/input.js';
import { definePlugin } from '../di/define-plugin.js';
import { assignEventId } from '../model/event-id.js';
import { EVENT_KINDS, type EventKind, type OdmEvent } from '../model/event.js';
import { CORE_VERSION } from '../version.js';

export interface StaticDecoderConfig {
  readonly events: readonly Omit<OdmEvent, 'event_id'>[];
}

/**
 * Emits a fixed list of events for every input it is given (ignoring the input's bytes), each with its
 * deterministic id. For tests and examples: the in-memory twin of a real decoder.
 */
export class StaticDecoder implements Decoder {
  readonly name: string;
  readonly kinds: readonly EventKind[] = EVENT_KINDS;
  readonly #events: readonly Omit<OdmEvent, 'event_id'>[];

  constructor(events: readonly Omit<OdmEvent, 'event_id'>[], name = 'static') {
    this.#events = events;
    this.name = name;
  }

  sniff(): number {
    return 0;
  }

  async *decode(source: InputSource, ctx: DecodeContext): AsyncGenerator<DecodeBatch> {
    // Drain the source so byte counts and back-pressure behave as with a real decoder.
    for await (const chunk of source.chunks()) void chunk;
    for (let i = 0; i < this.#events.length; i += ctx.batchSize) {
      const events = this.#events
        .slice(i, i + ctx.batchSize)
        .map((e, j) => assignEventId(structuredClone(e) as OdmEvent, i + j) as OdmEvent);
      yield { events, issues: [] };
    }
  }
}

export const staticDecoderManifest = definePlugin<'decoder', StaticDecoderConfig>({
  name: 'static',
  kind: 'decoder',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Emits the events listed in its config for each input (tests and examples).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { events: { type: 'array', items: { type: 'object' }, default: [] } },
  },
  create: (config, ctx) => new StaticDecoder(config.events, ctx.step),
});
