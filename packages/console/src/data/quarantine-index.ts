import { basename } from 'node:path';
import type { IndexState, QuarantineGroup } from '../api.js';
import { type LineRef, isGzipPath, readLinesAt, scanLines } from './lines.js';

export interface StoreFile {
  readonly kind: 'quarantine' | 'dead-letter';
  readonly path: string;
  /** Records the run says it wrote. */
  readonly records: number;
}

const KEEP = 1000;

/**
 * The run's quarantine and dead-letter files: records grouped by (stage, plugin, code) with counts and an example
 * reason, and the positions of the first KEEP records of each file for browsing. One streaming pass per file.
 */
export class QuarantineIndex {
  readonly files: readonly StoreFile[];
  state: IndexState = 'pending';
  error: string | undefined;
  readonly groups: QuarantineGroup[] = [];
  readonly kept: LineRef[][] = [];
  readonly totals: number[] = [];
  #done: Promise<void> | undefined;

  constructor(files: readonly StoreFile[]) {
    this.files = files;
  }

  build(signal?: AbortSignal): Promise<void> {
    this.#done ??= this.#build(signal).catch((e: unknown) => {
      this.state = 'failed';
      this.error = (e as Error).message;
    });
    return this.#done;
  }

  async #build(signal?: AbortSignal): Promise<void> {
    this.state = 'scanning';
    for (let f = 0; f < this.files.length; f++) {
      const file = this.files[f]!;
      const groups = new Map<string, { stage: string; plugin: string; code: string; count: number; example: string }>();
      const kept: LineRef[] = [];
      let total = 0;
      const seekable = !isGzipPath(file.path);
      try {
        await scanLines(
          file.path,
          (text, offset, length) => {
            total++;
            if (kept.length < KEEP) kept.push(seekable ? { file: f, offset, length } : { file: f, text });
            let r: Record<string, unknown> = {};
            try {
              r = JSON.parse(text) as Record<string, unknown>;
            } catch {
              r = { code: 'unreadable record', message: text.slice(0, 200) };
            }
            const err = (r['error'] ?? {}) as Record<string, unknown>;
            const stage = String(r['stage'] ?? (file.kind === 'dead-letter' ? 'sink' : '?'));
            const plugin = String(r['plugin'] ?? r['sink'] ?? basename(file.path, '.ndjson'));
            const code = String(r['code'] ?? err['code'] ?? '?');
            const message = String(r['message'] ?? r['reason'] ?? err['message'] ?? '');
            const key = `${stage} ${plugin} ${code}`;
            const g = groups.get(key);
            if (g === undefined) groups.set(key, { stage, plugin, code, count: 1, example: message.slice(0, 500) });
            else g.count++;
          },
          signal === undefined ? {} : { signal },
        );
      } catch (e) {
        const code = (e as { code?: string }).code;
        groups.set('unreadable', { stage: '-', plugin: '-', code: code ?? 'unreadable', count: file.records, example: `cannot read ${file.path}: ${(e as Error).message}` });
      }
      this.kept.push(kept);
      this.totals.push(total);
      for (const g of groups.values()) this.groups.push({ file: f, kind: file.kind, ...g });
    }
    this.groups.sort((a, b) => b.count - a.count);
    this.state = 'ready';
  }

  /** Records offset..offset+limit of a file (of those kept), parsed. */
  async page(file: number, offset: number, limit: number): Promise<Record<string, unknown>[]> {
    const refs = (this.kept[file] ?? []).slice(offset, offset + limit);
    const path = this.files[file]!.path;
    const byPos = refs.filter((r): r is Extract<LineRef, { offset: number }> => 'offset' in r);
    const texts = await readLinesAt(path, byPos);
    let j = 0;
    return refs.map((r) => {
      const text = 'text' in r ? r.text : texts[j++]!;
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return { unreadable: text.slice(0, 4096) };
      }
    });
  }
}
