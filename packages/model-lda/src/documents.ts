import { BlockList, isIP } from 'node:net';
import { SightlineError } from '@sightline/core';
import type { EventWords } from './words/types.js';

/** RFC 1918, link-local, RFC 4193 and IPv6 link-local: the usual "our hosts" when a site gives none. */
export const DEFAULT_INTERNAL_NETWORKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'];

/**
 * Which hosts get a document. Spot made one for every address it saw, so a day's top list fills with external
 * addresses seen once (a document of one word is as surprising as it gets). With `internal_only`, only the
 * organisation's hosts are documents: a flow is scored from its internal end(s), and an event with no internal
 * host is not scored.
 */
export class DocumentFilter {
  readonly #internal: BlockList;
  readonly #cache = new Map<string, boolean>();

  constructor(networks: readonly string[], step: string) {
    this.#internal = new BlockList();
    for (const cidr of networks) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address ?? '');
      const prefix = Number(bits);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
        throw new SightlineError('SL_CONFIG_INVALID', `documents.internal_networks: "${cidr}" is not an address range (CIDR) such as 10.0.0.0/8`, { stage: 'plugin', plugin: step });
      }
      this.#internal.addSubnet(address!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  isInternal(address: string): boolean {
    let known = this.#cache.get(address);
    if (known === undefined) {
      const family = isIP(address);
      known = family !== 0 && this.#internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
      if (this.#cache.size > 1_000_000) this.#cache.clear();
      this.#cache.set(address, known);
    }
    return known;
  }

  /**
   * `filter` for a featurizer's codes (`Featurizer.codes`): keeps the first `n` pairs whose document is internal,
   * in order, at the front of `docs` and `codes`, and returns how many (0 where `filter` returns null).
   */
  filterCodes(docs: string[], codes: Float64Array, n: number): number {
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (!this.isInternal(docs[i]!)) continue;
      docs[m] = docs[i]!;
      codes[m] = codes[i]!;
      m++;
    }
    return m;
  }

  /** The event's pairs whose document is internal, or null when none is. */
  filter(made: EventWords): EventWords | null {
    let all = true;
    for (const d of made.docs) if (!this.isInternal(d)) all = false;
    if (all) return made;
    const docs: string[] = [];
    const words: string[] = [];
    made.docs.forEach((d, i) => {
      if (this.isInternal(d)) {
        docs.push(d);
        words.push(made.words[i]!);
      }
    });
    return docs.length === 0 ? null : { docs, words };
  }
}
