import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetter, DeadLetterStore, QuarantineRecord, QuarantineStore } from '@sightline/core';

/** Appends NDJSON lines to files created on first use, one file per key. */
class NdjsonFiles {
  readonly #dir: string;
  readonly #files = new Map<string, FileHandle>();
  readonly written = new Map<string, number>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  path(key: string): string {
    return join(this.#dir, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.ndjson`);
  }

  async append(key: string, lines: string, count: number): Promise<void> {
    let h = this.#files.get(key);
    if (h === undefined) {
      await mkdir(this.#dir, { recursive: true });
      h = await open(this.path(key), 'a');
      this.#files.set(key, h);
    }
    await h.appendFile(lines);
    this.written.set(key, (this.written.get(key) ?? 0) + count);
  }

  async close(): Promise<void> {
    for (const h of this.#files.values()) {
      await h.sync().catch(() => undefined);
      await h.close();
    }
    this.#files.clear();
  }
}

/**
 * Quarantine as files under the run folder: `quarantine/<stage>.ndjson`, one JSON record a line with the code,
 * the reason, the position and the raw record (text, or base64 for bytes; cut to `maxRawBytes`).
 */
export class FileQuarantineStore implements QuarantineStore {
  readonly #files: NdjsonFiles;
  constructor(dir: string) {
    this.#files = new NdjsonFiles(dir);
  }

  /** Files written so far with their record counts. */
  summary(): { file: string; records: number }[] {
    return [...this.#files.written.entries()].map(([key, records]) => ({ file: this.#files.path(key), records }));
  }

  async put(records: readonly QuarantineRecord[]): Promise<void> {
    const byStage = new Map<string, string>();
    const counts = new Map<string, number>();
    for (const r of records) byStage.set(r.stage, (byStage.get(r.stage) ?? '') + `${JSON.stringify(r)}\n`);
    for (const r of records) counts.set(r.stage, (counts.get(r.stage) ?? 0) + 1);
    for (const [stage, lines] of byStage) await this.#files.append(stage, lines, counts.get(stage)!);
  }

  async close(): Promise<void> {
    await this.#files.close();
  }
}

/** Dead letters as files under the run folder: `dead-letter/<sink>.ndjson`, each with the event and the reason. */
export class FileDeadLetterStore implements DeadLetterStore {
  readonly #files: NdjsonFiles;
  constructor(dir: string) {
    this.#files = new NdjsonFiles(dir);
  }

  summary(): { file: string; records: number }[] {
    return [...this.#files.written.entries()].map(([key, records]) => ({ file: this.#files.path(key), records }));
  }

  async put(records: readonly DeadLetter[]): Promise<void> {
    const bySink = new Map<string, DeadLetter[]>();
    for (const r of records) bySink.set(r.sink, [...(bySink.get(r.sink) ?? []), r]);
    for (const [sink, rs] of bySink) await this.#files.append(sink, rs.map((r) => JSON.stringify(r)).join('\n') + '\n', rs.length);
  }

  async close(): Promise<void> {
    await this.#files.close();
  }
}
