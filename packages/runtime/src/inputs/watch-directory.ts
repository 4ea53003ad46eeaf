import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { listDirectory } from './expand.js';

export interface WatchOptions {
  readonly dir: string;
  readonly pattern: string;
  readonly recursive: boolean;
  readonly baseDir: string;
  readonly where: string;
  readonly pollMs: number;
  /** A file is ready once its size and modification time have not changed for this long. */
  readonly settleMs: number;
  readonly signal: AbortSignal;
}

/**
 * The files of a folder, then every new file that appears in it, until the signal aborts. Polling (rather than
 * file-system events) works the same on every file system, including network mounts. A file is yielded once,
 * after it has stopped growing, so a log being copied in is not read half-written.
 */
export async function* watchDirectory(o: WatchOptions): AsyncGenerator<string> {
  const done = new Set<string>();
  const pending = new Map<string, { size: number; mtime: number; since: number }>();
  while (!o.signal.aborted) {
    const now = Date.now();
    for (const path of await listDirectory(o.dir, o.pattern, o.recursive, o.baseDir, o.where)) {
      if (done.has(path) || path.endsWith('.inprogress') || path.endsWith('.tmp') || path.endsWith('.part')) continue;
      let s;
      try {
        s = await stat(path);
      } catch {
        continue; // gone again
      }
      const seen = pending.get(path);
      if (seen === undefined || seen.size !== s.size || seen.mtime !== s.mtimeMs) {
        pending.set(path, { size: s.size, mtime: s.mtimeMs, since: now });
        if (now - s.mtimeMs < o.settleMs) continue;
      } else if (now - seen.since < o.settleMs && now - s.mtimeMs < o.settleMs) continue;
      pending.delete(path);
      done.add(path);
      yield path;
    }
    try {
      await sleep(o.pollMs, undefined, { signal: o.signal });
    } catch {
      return; // aborted
    }
  }
}
