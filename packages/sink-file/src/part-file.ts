import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One output file being written: it lives as `<final>.inprogress` until `finalize`, which flushes it to disk,
 * renames it to its final name and syncs the folder. A crash therefore never leaves a half-written file under
 * a final name. Every append is all-or-nothing: on a write error the file is cut back to its previous size.
 */
export class PartFile {
  readonly finalPath: string;
  readonly tempPath: string;
  bytes = 0;
  events = 0;
  #handle: FileHandle | undefined;

  private constructor(finalPath: string) {
    this.finalPath = finalPath;
    this.tempPath = `${finalPath}.inprogress`;
  }

  static async create(finalPath: string): Promise<PartFile> {
    const f = new PartFile(finalPath);
    await mkdir(dirname(finalPath), { recursive: true });
    f.#handle = await open(f.tempPath, 'w');
    return f;
  }

  async append(data: Uint8Array, events: number): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) throw new Error(`${this.finalPath} is already finalised`);
    try {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, this.bytes + written);
        written += bytesWritten;
      }
    } catch (e) {
      await handle.truncate(this.bytes).catch(() => undefined);
      throw e;
    }
    this.bytes += data.length;
    this.events += events;
  }

  async sync(): Promise<void> {
    await this.#handle?.datasync();
  }

  async finalize(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    await handle.sync();
    await handle.close();
    await rename(this.tempPath, this.finalPath);
    await syncDir(dirname(this.finalPath));
  }
}

async function syncDir(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch {
    // Some file systems do not allow syncing a directory; the rename itself is still atomic.
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/** The first `<base>-NNNN<ext>` that exists neither finalised nor in progress. */
export async function freePartPath(base: string, ext: string, from: number, numbered: boolean): Promise<{ path: string; part: number }> {
  for (let part = from; ; part++) {
    const path = numbered ? `${base}-${String(part).padStart(4, '0')}${ext}` : part === 0 ? `${base}${ext}` : `${base}-${part}${ext}`;
    if (!(await exists(path)) && !(await exists(`${path}.inprogress`))) return { path, part };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
