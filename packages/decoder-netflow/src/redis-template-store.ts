import { Redis } from 'ioredis';
import type { StoredTemplate, TemplateKey, TemplateStore } from './template-store.js';
import { templateKeyString } from './template-store.js';

export interface RedisTemplateStoreOptions {
  readonly url: string;
  /** Key prefix: every template is one string key `<prefix><exporter>|<version>|<domain>|<template id>`. */
  readonly prefix: string;
  readonly ttlMs: number;
  /** An existing client to use (not closed by the store). */
  readonly client?: Redis;
}

const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Templates in Redis, shared by every decode worker that uses the same prefix: a worker that sees a data set
 * first asks Redis for a template another worker received. Each template is a JSON string with a TTL (refreshed
 * when the exporter re-announces it); its `receivedAt` also expires it by input time, like the in-memory store.
 * Unreachable Redis makes the methods reject quickly (no offline queue growth); the decoder reports it once and
 * goes on with its local templates.
 */
export class RedisTemplateStore implements TemplateStore {
  readonly #redis: Redis;
  readonly #own: boolean;
  readonly #prefix: string;
  readonly #ttl: number;

  constructor(options: RedisTemplateStoreOptions) {
    this.#prefix = options.prefix;
    this.#ttl = options.ttlMs;
    this.#own = options.client === undefined;
    this.#redis =
      options.client ??
      new Redis(options.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (times) => (times > 3 ? null : 200 * times),
      });
    this.#redis.on('error', () => undefined); // failures surface as rejected commands
  }

  #key(k: TemplateKey): string {
    return `${this.#prefix}${templateKeyString(k)}`;
  }

  async get(key: TemplateKey, now: number): Promise<StoredTemplate | undefined> {
    const text = await this.#redis.get(this.#key(key));
    if (text === null) return undefined;
    let t: StoredTemplate;
    try {
      t = JSON.parse(text) as StoredTemplate;
    } catch {
      return undefined;
    }
    if (this.#ttl > 0 && now - t.receivedAt > this.#ttl) return undefined;
    return t;
  }

  async put(template: StoredTemplate): Promise<void> {
    if (this.#ttl > 0) await this.#redis.set(this.#key(template.key), JSON.stringify(template), 'PX', Math.max(1, Math.round(this.#ttl)));
    else await this.#redis.set(this.#key(template.key), JSON.stringify(template));
  }

  async delete(key: TemplateKey): Promise<void> {
    await this.#redis.del(this.#key(key));
  }

  async #scan(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  async deleteAll(exporter: string, version: 9 | 10, domain: number, options: boolean): Promise<void> {
    const keys = await this.#scan(`${escapeGlob(this.#prefix)}${escapeGlob(exporter)}|${version}|${domain}|*`);
    if (keys.length === 0) return;
    const values = await this.#redis.mget(...keys);
    const doomed = keys.filter((_, i) => {
      const v = values[i];
      if (v === null || v === undefined) return false;
      try {
        return (JSON.parse(v) as StoredTemplate).template.options === options;
      } catch {
        return true;
      }
    });
    if (doomed.length > 0) await this.#redis.del(...doomed);
  }

  async list(now: number): Promise<StoredTemplate[]> {
    const keys = await this.#scan(`${escapeGlob(this.#prefix)}*`);
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(...keys);
    const out: StoredTemplate[] = [];
    for (const v of values) {
      if (v === null || v === undefined) continue;
      try {
        const t = JSON.parse(v) as StoredTemplate;
        if (this.#ttl === 0 || now - t.receivedAt <= this.#ttl) out.push(t);
      } catch {
        /* not ours */
      }
    }
    return out;
  }

  async close(): Promise<void> {
    if (!this.#own) return;
    if (this.#redis.status === 'wait' || this.#redis.status === 'end') {
      this.#redis.disconnect();
      return;
    }
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
