import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ModelState, SightlineError, decodeModelState, describeCause, encodeModelState } from '@sightline/core';

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Fitted model states on disk, per step: `<dir>/<state id>.json` plus one `.blob.<name>` file per blob, and a
 * `LATEST` pointer (written atomically) to the most recent. Any scoring process that shares the folder can load
 * them; the BullMQ runtime keeps the same layout in shared storage.
 */
export class ModelStateStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async save(state: ModelState): Promise<string> {
    await mkdir(this.#dir, { recursive: true });
    const base = safe(state.id);
    const { json, blobs } = encodeModelState(state);
    for (const [name, bytes] of Object.entries(blobs)) await writeFile(join(this.#dir, `${base}.blob.${safe(name)}`), bytes);
    const file = join(this.#dir, `${base}.json`);
    await writeFile(`${file}.tmp`, json);
    await rename(`${file}.tmp`, file);
    await writeFile(join(this.#dir, 'LATEST.tmp'), `${base}.json\n`);
    await rename(join(this.#dir, 'LATEST.tmp'), join(this.#dir, 'LATEST'));
    return file;
  }

  async load(file: string): Promise<ModelState> {
    try {
      const json = await readFile(join(this.#dir, file), 'utf8');
      const base = file.replace(/\.json$/, '');
      const names = ((JSON.parse(json) as { blobNames?: string[] }).blobNames ?? []) as string[];
      const blobs: Record<string, Uint8Array> = {};
      for (const n of names) blobs[n] = new Uint8Array(await readFile(join(this.#dir, `${base}.blob.${safe(n)}`)));
      return decodeModelState({ json, blobs });
    } catch (e) {
      throw SightlineError.from(e, 'SL_MODEL_STATE_INVALID', `model state ${join(this.#dir, file)} cannot be read`, { stage: 'model' });
    }
  }

  /** The most recent state, or undefined when none was saved yet. */
  async latest(): Promise<ModelState | undefined> {
    let name: string;
    try {
      name = (await readFile(join(this.#dir, 'LATEST'), 'utf8')).trim();
    } catch {
      return undefined;
    }
    return this.load(name);
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.#dir)).filter((f) => f.endsWith('.json')).sort();
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw new SightlineError('SL_MODEL_STATE_INVALID', `cannot list model states in ${this.#dir}: ${describeCause(e)}`, { stage: 'model' });
    }
  }
}
