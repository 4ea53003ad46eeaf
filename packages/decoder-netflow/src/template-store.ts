import type { TemplateRecord } from './wire/template.js';

/**
 * Identifies a template: the exporter (address and port: two exporters never collide, and neither do two
 * processes on one host), the protocol version, the v9 source id / IPFIX observation domain, and the template id.
 */
export interface TemplateKey {
  /** `address:port` of the exporter as the collector sees it; '' when the input does not say (raw payload files). */
  readonly exporter: string;
  readonly version: 9 | 10;
  readonly domain: number;
  readonly templateId: number;
}

/** A template as stored: what the exporter announced, and when (epoch ms, in the input's time). */
export interface StoredTemplate {
  readonly key: TemplateKey;
  readonly template: TemplateRecord;
  readonly receivedAt: number;
}

/**
 * Where NetFlow v9 / IPFIX templates live between packets, inputs, restarts and decode workers. Implementations:
 * `InMemoryTemplateStore` (one process), `RedisTemplateStore` (several workers), `FileTemplateStore` (persists a
 * process's templates across restarts). A template expires `ttl` after it was last announced; `now` is the
 * input's clock (packet time), so replaying an old capture expires templates as the exporter's own timeline says.
 *
 * Methods may reject when a shared store is unreachable; the decoder then goes on with the templates it holds
 * and reports SL_NETFLOW_TEMPLATE_STORE once.
 */
export interface TemplateStore {
  get(key: TemplateKey, now: number): Promise<StoredTemplate | undefined>;
  put(template: StoredTemplate): Promise<void>;
  delete(key: TemplateKey): Promise<void>;
  /** Template withdrawal of every (options) template of an exporter's domain (IPFIX ids 2 / 3). */
  deleteAll(exporter: string, version: 9 | 10, domain: number, options: boolean): Promise<void>;
  /** Every live template (for persistence and inspection). */
  list(now: number): Promise<StoredTemplate[]>;
  close(): Promise<void>;
}

export function templateKeyString(k: TemplateKey): string {
  return `${k.exporter}|${k.version}|${k.domain}|${k.templateId}`;
}

/** DI token under which a plugin module binds the `TemplateStoreFactory` (a runtime may rebind it). */
export const TEMPLATE_STORE_FACTORY = Symbol.for('@sightline/decoder-netflow/v0/TemplateStoreFactory');

/** Makes the template store for one decoder step from its config (`templates` section). */
export type TemplateStoreFactory = (config: TemplateStoreConfig, step: { readonly stateDir: string; readonly step: string; resolvePath(p: string): string }) => TemplateStore;

export interface TemplateStoreConfig {
  readonly store: 'memory' | 'redis';
  /** How long a template stays valid after it was last announced, ms; 0 = until replaced or withdrawn. */
  readonly ttlMs: number;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** File to persist templates to across restarts ('' = off). */
  readonly persist: string;
}

/** Templates in a Map, expiring by the input's clock. One process; the default. */
export class InMemoryTemplateStore implements TemplateStore {
  readonly #ttl: number;
  readonly #map = new Map<string, StoredTemplate>();

  constructor(ttlMs: number) {
    this.#ttl = ttlMs;
  }

  async get(key: TemplateKey, now: number): Promise<StoredTemplate | undefined> {
    const k = templateKeyString(key);
    const t = this.#map.get(k);
    if (t === undefined) return undefined;
    if (this.#ttl > 0 && now - t.receivedAt > this.#ttl) {
      this.#map.delete(k);
      return undefined;
    }
    return t;
  }

  async put(template: StoredTemplate): Promise<void> {
    this.#map.set(templateKeyString(template.key), template);
  }

  async delete(key: TemplateKey): Promise<void> {
    this.#map.delete(templateKeyString(key));
  }

  async deleteAll(exporter: string, version: 9 | 10, domain: number, options: boolean): Promise<void> {
    for (const [k, t] of this.#map) {
      if (t.key.exporter === exporter && t.key.version === version && t.key.domain === domain && t.template.options === options) this.#map.delete(k);
    }
  }

  async list(now: number): Promise<StoredTemplate[]> {
    return [...this.#map.values()].filter((t) => this.#ttl === 0 || now - t.receivedAt <= this.#ttl);
  }

  async close(): Promise<void> {}
}
