import type { Writable } from 'node:stream';
import type { PluginContext } from '../contracts/common.js';
import type { Sink, SinkBatch, SinkResult } from '../contracts/sink.js';
import { definePlugin } from '../di/define-plugin.js';
import { SightlineError, describeCause } from '../errors/sightline-error.js';
import { CORE_VERSION } from '../version.js';

export interface ConsoleSinkConfig {
  readonly stream: 'stdout' | 'stderr';
}

/** Writes events as NDJSON to stdout or stderr, honouring the stream's back-pressure. */
export class ConsoleSink implements Sink {
  readonly name: string;
  readonly #out: Writable;

  constructor(out: Writable, name = 'console') {
    this.#out = out;
    this.name = name;
  }

  async write(batch: SinkBatch, _ctx: PluginContext): Promise<SinkResult> {
    let text = '';
    for (const e of batch.events) text += `${JSON.stringify(e)}\n`;
    try {
      if (!this.#out.write(text)) await new Promise<void>((resolve, reject) => {
        this.#out.once('drain', resolve);
        this.#out.once('error', reject);
      });
      return { status: 'success' };
    } catch (cause) {
      return { status: 'failure', error: new SightlineError('SL_OUTPUT_UNWRITABLE', `cannot write to ${this.name}: ${describeCause(cause)}`, { stage: 'sink', plugin: this.name, cause }) };
    }
  }

  async close(): Promise<void> {}
}

export const consoleSinkManifest = definePlugin<'sink', ConsoleSinkConfig>({
  name: 'console',
  kind: 'sink',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Writes events as NDJSON to stdout or stderr.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { stream: { enum: ['stdout', 'stderr'], default: 'stdout' } },
  },
  create: (config, ctx) => new ConsoleSink(config.stream === 'stderr' ? process.stderr : process.stdout, ctx.step),
});
