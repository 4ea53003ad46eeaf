import type { EventKind, PluginContext } from '@sightline/core';
import type { LdaConfig } from './config.schema.js';
import { LdaModel } from './model.js';
import { createSpotFeaturizers, loadFeaturizer, loadTopDomains } from './words/index.js';
import type { Featurizer } from './words/types.js';

/**
 * How the plugin makes an instance for a pipeline step: Spot's featurizers with the corrections the config turns
 * on, or third-party ones, loaded (with the top-domains list) before the run starts, so a bad path fails at start.
 */
export async function createLdaModel(config: LdaConfig, ctx: PluginContext): Promise<LdaModel> {
  const w = config.words;
  const topDomains = w.top_domains.path === undefined ? undefined : await loadTopDomains(ctx.resolvePath(w.top_domains.path), { maxRank: w.top_domains.max_rank });
  const spot = createSpotFeaturizers({
    ...(w.user_domain === undefined ? {} : { user_domain: w.user_domain }),
    ...(w.proxy_own_domain === undefined ? {} : { own_domain: w.proxy_own_domain }),
    public_suffix: w.public_suffix,
    dns_question_features: w.dns_question_features,
    dns_queries: w.dns_queries,
    utc_offset_minutes: w.utc_offset_minutes,
    ...(topDomains === undefined ? {} : { topDomains }),
  });
  const featurizers = new Map<EventKind, Featurizer>();
  for (const f of spot) if (config.kinds.includes(f.kind)) featurizers.set(f.kind, f);
  for (const [kind, spec] of Object.entries(config.featurizers) as [EventKind, string][]) {
    if (config.kinds.includes(kind)) featurizers.set(kind, await loadFeaturizer(spec, ctx.resolvePath));
  }
  return new LdaModel(config, featurizers, ctx.step);
}
