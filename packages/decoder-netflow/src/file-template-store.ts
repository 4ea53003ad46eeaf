import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoredTemplate, TemplateKey, TemplateStore } from './template-store.js';

/**
 * Persists another store's templates to a JSON file so that a restarted collector decodes data at once instead
 * of waiting for exporters to re-announce their templates. Loaded when created; saved (atomically: temporary
 * file and rename) at most every `saveEveryMs` after a change, and on close.
 */
export class FileTemplateStore implements TemplateStore {
  readonly #inner: TemplateStore;
  readonly #path: string;
  readonly #saveEvery: number;
  #dirty = false;
  #lastSave = 0;
  /** Templates the file held when it was loaded. */
  readonly loaded: number;

  constructor(inner: TemplateStore, path: string, saveEveryMs = 10_000) {
    this.#inner = inner;
    this.#path = path;
    this.#saveEvery = saveEveryMs;
    let list: StoredTemplate[] = [];
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { templates?: StoredTemplate[] };
      if (Array.isArray(parsed.templates)) list = parsed.templates.filter((t) => t !== null && typeof t === 'object' && typeof t.receivedAt === 'number' && t.key !== undefined && t.template !== undefined);
    } catch {
      /* no file yet, or unreadable: start empty */
    }
    this.loaded = list.length;
    for (const t of list) void inner.put(t);
  }

  get(key: TemplateKey, now: number): Promise<StoredTemplate | undefined> {
    return this.#inner.get(key, now);
  }

  async put(template: StoredTemplate): Promise<void> {
    await this.#inner.put(template);
    await this.#changed();
  }

  async delete(key: TemplateKey): Promise<void> {
    await this.#inner.delete(key);
    await this.#changed();
  }

  async deleteAll(exporter: string, version: 9 | 10, domain: number, options: boolean): Promise<void> {
    await this.#inner.deleteAll(exporter, version, domain, options);
    await this.#changed();
  }

  list(now: number): Promise<StoredTemplate[]> {
    return this.#inner.list(now);
  }

  async #changed(): Promise<void> {
    this.#dirty = true;
    if (Date.now() - this.#lastSave >= this.#saveEvery) await this.save();
  }

  /** Writes the file now. */
  async save(): Promise<void> {
    const templates = await this.#inner.list(Number.NEGATIVE_INFINITY);
    mkdirSync(dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ saved: new Date().toISOString(), templates })}\n`);
    renameSync(tmp, this.#path);
    this.#dirty = false;
    this.#lastSave = Date.now();
  }

  async close(): Promise<void> {
    if (this.#dirty) await this.save();
    await this.#inner.close();
  }
}
