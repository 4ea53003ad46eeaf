import type { PluginContext } from '@sightline/core';
import type { DnsDecoderConfig } from './config.schema.js';
import { DnsDecoder } from './decoder.js';

/** How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest). */
export function createDnsDecoder(config: DnsDecoderConfig, ctx: PluginContext): DnsDecoder {
  return new DnsDecoder(config, ctx.step);
}
