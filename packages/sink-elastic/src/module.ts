import type { PluginContext } from '@sightline/core';
import type { ElasticSinkConfig } from './config.schema.js';
import { ElasticSink } from './elastic-sink.js';

/** How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest). */
export function createElasticSink(config: ElasticSinkConfig, ctx: PluginContext): ElasticSink {
  return new ElasticSink(config, ctx, ctx.step);
}
