import type { PluginContext } from '@sightline/core';
import type { HeuristicsConfig } from './config.schema.js';
import { loadKnowledge } from './knowledge.js';
import { HeuristicsModel } from './model.js';
import { compileSettings } from './settings.js';

/**
 * How the plugin makes an instance for a pipeline step: the config is compiled (ranges, units) and the
 * popular-domains list and n-gram model are loaded before the run starts, so a bad path fails at start-up.
 */
export async function createHeuristicsModel(config: HeuristicsConfig, ctx: PluginContext): Promise<HeuristicsModel> {
  const settings = compileSettings(config, ctx.step);
  const { knowledge, info } = await loadKnowledge(config, ctx.resolvePath, ctx.step);
  return new HeuristicsModel(settings, knowledge, info, ctx.step);
}
