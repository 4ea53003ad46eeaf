import type { OdmEvent, ProxyEvent } from '@sightline/core';
import { createDomainClassifier } from './domain-features.js';
import { entropy, entropyBin, flog2 } from './math.js';
import { type SpotWordOptions, hourOf, offsetOption } from './options.js';
import type { EventWords, Featurizer, LearnedWords, WordPass } from './types.js';

/** Options of the proxy featurizer. */
export type ProxyWordOptions = Pick<SpotWordOptions, 'utc_offset_minutes' | 'own_domain' | 'topDomains' | 'public_suffix'>;

/** What the proxy featurizer's first pass learns: how many events of the window carry each user agent. */
export interface ProxyLearned {
  /** User agent → count; Spot's "-" for events without one. */
  readonly user_agents: Readonly<Record<string, number>>;
}

/** Spot's stand-in for a missing user agent and content type (`DefaultUserAgent`, `DefaultResponseContentType`). */
const DEFAULT_FIELD = '-';

/** Spot's own-domain default for proxy: the hard-coded `intel` of `ProxyWordCreation.domainBelongsToSafeList`. */
export const SPOT_PROXY_OWN_DOMAIN = 'intel';

/**
 * Spot's content-type feature: the text before the first '/', with Java's `split('/')` quirks: "" stays "",
 * and a value made only of slashes (which splits into nothing) is `unknown_content_type`.
 */
export function contentTypeFeature(type: string): string {
  const slash = type.indexOf('/');
  if (slash < 0) return type;
  if (slash > 0) return type.slice(0, slash);
  for (let i = 1; i < type.length; i++) if (type.charCodeAt(i) !== 47) return '';
  return 'unknown_content_type';
}

const userAgent = (e: ProxyEvent): string => e.prx_browser ?? DEFAULT_FIELD;

/** Counts user agents over a window. */
class UserAgentPass implements WordPass {
  readonly #counts = new Map<string, number>();

  observe(event: OdmEvent): void {
    if (event.event_kind !== 'proxy') return;
    const ua = userAgent(event);
    this.#counts.set(ua, (this.#counts.get(ua) ?? 0) + 1);
  }

  finish(): ProxyLearned {
    const user_agents: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [ua, n] of this.#counts) user_agents[ua] = n;
    return { user_agents };
  }
}

/** Learned counts as a Map, built once per learned object (JSON from a model state is a plain object). */
const agentMaps = new WeakMap<object, ReadonlyMap<string, number>>();
function agentCounts(learned: LearnedWords): ReadonlyMap<string, number> | undefined {
  if (typeof learned !== 'object' || learned === null) return undefined;
  let map = agentMaps.get(learned);
  if (map === undefined) {
    const ua = (learned as Partial<ProxyLearned>).user_agents;
    map = new Map(typeof ua === 'object' && ua !== null ? Object.entries(ua).filter((kv): kv is [string, number] => typeof kv[1] === 'number') : []);
    agentMaps.set(learned, map);
  }
  return map;
}

/**
 * Spot's proxy featurizer (`spot-proxy`, apache-spot.md §1.7): one pair per request, the client IP (`src_ip`,
 * Spot's `clientip`) with `<topDomainClass(host)>_<hour>_<method>_entropyBin(uri)_<contentType>_flog2(uaCount)_flog2(len(uri))_<code>`.
 *
 * Fields: `prx_host`, hour of `event_time`, `prx_method` (a missing method prints `null`, as Scala's `mkString`
 * did), `prx_uri` (Spot's `fulluri`), `prx_type`, `prx_browser`, `prx_code` (missing → `unknown_response_code`).
 * The user-agent count comes from the first pass (`createPass`) over the window; Spot counted over the same
 * rows it scored, so a user agent the pass did not see (or no pass at all) counts as seen once, bin 0.
 *
 * Cleaning (§1.8; `null` = Spot's `word_error`): no client IP, host or URI (Spot's date and time come from
 * `event_time`, which every event has).
 */
export function createProxyFeaturizer(options: ProxyWordOptions = {}): Featurizer {
  const offset = offsetOption(options);
  const classifier = createDomainClassifier({
    topDomains: options.topDomains,
    ownDomain: options.own_domain ?? SPOT_PROXY_OWN_DOMAIN,
    publicSuffix: options.public_suffix === true,
  });
  return {
    kind: 'proxy',
    name: 'spot-proxy',
    createPass: () => new UserAgentPass(),
    words(event: OdmEvent, learned: LearnedWords): EventWords | null {
      if (event.event_kind !== 'proxy') return null;
      const e: ProxyEvent = event;
      const client = e.src_ip;
      const host = e.prx_host;
      const uri = e.prx_uri;
      if (client === undefined || client === '' || host === undefined || uri === undefined) return null;
      const top = classifier.classify(host).topClass;
      const count = agentCounts(learned)?.get(userAgent(e)) ?? 1;
      const code = e.prx_code === undefined ? 'unknown_response_code' : String(e.prx_code);
      const word = `${top}_${hourOf(e.event_time, offset)}_${e.prx_method ?? 'null'}_${entropyBin(entropy(uri))}_${contentTypeFeature(e.prx_type ?? DEFAULT_FIELD)}_${flog2(count)}_${flog2(uri.length)}_${code}`;
      return { docs: [client], words: [word] };
    },
  };
}
