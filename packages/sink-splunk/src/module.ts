import type { PluginContext } from '@sightline/core';
import type { SplunkSinkConfig } from './config.schema.js';
import { SplunkSink } from './splunk-sink.js';

/** How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest). */
export function createSplunkSink(config: SplunkSinkConfig, ctx: PluginContext): SplunkSink {
  return new SplunkSink(config, ctx, ctx.step);
}
