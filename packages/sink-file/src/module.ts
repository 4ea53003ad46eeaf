import type { PluginContext } from '@sightline/core';
import type { FileSinkConfig } from './config.schema.js';
import { FileSink } from './file-sink.js';

/** How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest). */
export function createFileSink(config: FileSinkConfig, ctx: PluginContext): FileSink {
  return new FileSink(config, ctx, ctx.step);
}
