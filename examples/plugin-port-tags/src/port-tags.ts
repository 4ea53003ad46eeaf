import type { EnrichResult, Enricher, EventKind, OdmEvent, PluginContext } from '@sightline/core';
import type { PortTagsConfig } from './config.schema.js';

const WELL_KNOWN: Readonly<Record<number, string>> = { 22: 'ssh', 25: 'smtp', 53: 'dns', 80: 'http', 123: 'ntp', 389: 'ldap', 443: 'https', 445: 'smb', 993: 'imaps', 3389: 'rdp', 8080: 'http-alt' };

/** Adds `service:<name>` to `dst_tags` when the destination port is a known service. A miss adds nothing. */
export class PortTags implements Enricher {
  readonly name: string;
  readonly kinds: readonly EventKind[] = ['flow', 'proxy'];
  readonly #names: Map<number, string>;
  readonly #prefix: string;

  constructor(config: PortTagsConfig, ctx: PluginContext) {
    this.name = ctx.step;
    this.#prefix = config.prefix;
    this.#names = new Map(Object.entries<string>({ ...WELL_KNOWN, ...config.ports }).map(([p, n]) => [Number(p), n]));
  }

  enrich(events: OdmEvent[], _ctx: PluginContext): EnrichResult | void {
    for (const e of events) {
      const service = e.dst_port === undefined ? undefined : this.#names.get(e.dst_port);
      if (service === undefined) continue;
      const tag = `${this.#prefix}${service}`;
      if (!(e.dst_tags ?? []).includes(tag)) e.dst_tags = [...(e.dst_tags ?? []), tag];
    }
  }
}
