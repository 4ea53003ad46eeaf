import type { PluginContext } from '@sightline/core';
import { type ProxyDecoderConfig, withDefaults } from './config.schema.js';
import { ProxyDecoder } from './decoder.js';

/** How the plugin makes an instance for a pipeline step (bound into the pipeline's container by the manifest). */
export function createProxyDecoder(config: ProxyDecoderConfig, ctx: PluginContext): ProxyDecoder {
  return new ProxyDecoder(withDefaults(config), ctx.step);
}
