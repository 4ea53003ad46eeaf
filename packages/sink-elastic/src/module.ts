import type { PluginContext } from '@sightline/core';
import type { ElasticSinkConfig } from './config.schema.js';
import type { ElasticSink } from './elastic-sink.js';

/**
 * How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest).
 * The Elasticsearch client is loaded here, when a pipeline uses the sink, not when the plugin registers.
 */
export async function createElasticSink(config: ElasticSinkConfig, ctx: PluginContext): Promise<ElasticSink> {
  const { ElasticSink } = await import('./elastic-sink.js');
  return new ElasticSink(config, ctx, ctx.step);
}
