import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import { type Issue, type Logger, SightlineError, describeCause } from '@sightline/core';

export interface ReloadSettings {
  /** React to file-system notifications as well as polling. */
  readonly watch: boolean;
  /** How often files are checked for changes (ms); 0 turns reloading off. */
  readonly intervalMs: number;
  /** A changed file must keep the same size and time this long before it is read (ms). */
  readonly settleMs: number;
}

/** What a loader gives back: the data, and one line for the log ("1,204 ranges, 3 zones, 880 assets"). */
export interface Loaded<T> {
  readonly data: T;
  readonly summary: string;
}

const signatureOf = async (path: string): Promise<string> => {
  try {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    return `missing:${(e as NodeJS.ErrnoException).code ?? 'error'}`;
  }
};

/**
 * Reference data read from files and swapped in as a whole when any of them changes on disk.
 *
 * The loader builds a complete new value off to the side; only when it succeeded does `current` point at it
 * (one assignment, so a batch sees either the old data or the new, never a mix). When the new files cannot be
 * used the old data stays in use, the reason is logged and kept as an SL_ENRICH_RELOAD_REJECTED issue for the
 * enricher to report with its next batch, and the files are read again on their next change.
 */
export class ReferenceData<T> {
  readonly #name: string;
  readonly #files: readonly string[];
  readonly #load: () => Promise<Loaded<T>>;
  readonly #settings: ReloadSettings;
  readonly #logger: Logger;
  #current: T | undefined;
  #signatures: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #watchers: FSWatcher[] = [];
  #pending: Issue[] = [];
  #running: Promise<boolean> | undefined;
  #again = false;
  #closed = false;
  /** Number of successful loads (1 after start). */
  generation = 0;

  constructor(name: string, files: readonly string[], load: () => Promise<Loaded<T>>, settings: ReloadSettings, logger: Logger) {
    this.#name = name;
    this.#files = [...new Set(files)];
    this.#load = load;
    this.#settings = settings;
    this.#logger = logger;
  }

  /** Loads the data once; throws (a SightlineError naming the file) when it cannot, so the step does not start. */
  async start(): Promise<void> {
    this.#signatures = await Promise.all(this.#files.map(signatureOf));
    const loaded = await this.#load();
    this.#current = loaded.data;
    this.generation = 1;
    this.#logger.info(`${this.#name}: loaded ${loaded.summary}`);
    if (this.#files.length === 0 || this.#settings.intervalMs <= 0) return;
    this.#timer = setInterval(() => void this.check(), this.#settings.intervalMs);
    this.#timer.unref();
    if (this.#settings.watch) {
      for (const dir of new Set(this.#files.map((f) => dirname(f)))) {
        const names = new Set(this.#files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
        try {
          const w = watch(dir, { persistent: false }, (_event, file) => {
            if (file === null || names.has(String(file))) void this.check();
          });
          w.on('error', () => undefined); // polling still covers the file
          this.#watchers.push(w);
        } catch {
          /* no notifications here (network file system, folder gone): polling covers it */
        }
      }
    }
  }

  get current(): T {
    if (this.#current === undefined) throw new SightlineError('SL_INTERNAL', `${this.#name}: reference data used before start()`, { stage: 'enrich' });
    return this.#current;
  }

  /** Rejected reloads since the last call, as issues for the enricher's next result. */
  takeIssues(): Issue[] | undefined {
    if (this.#pending.length === 0) return undefined;
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /**
   * Looks for changed files and reloads when there are any. Resolves to true when new data was swapped in.
   * Calls while a reload runs are folded into one more check after it.
   */
  check(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#check().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.check();
      }
    });
    return this.#running;
  }

  async #check(): Promise<boolean> {
    let now = await Promise.all(this.#files.map(signatureOf));
    if (now.every((s, i) => s === this.#signatures[i])) return false;
    // Let a writer finish: the files must look the same twice, settleMs apart.
    for (let tries = 0; tries < 20; tries++) {
      await new Promise((r) => setTimeout(r, this.#settings.settleMs).unref());
      if (this.#closed) return false;
      const again = await Promise.all(this.#files.map(signatureOf));
      if (again.every((s, i) => s === now[i])) break;
      now = again;
    }
    const before = this.#signatures;
    this.#signatures = now;
    const changed = this.#files.filter((_, i) => now[i] !== before[i]).join(', ');
    try {
      const loaded = await this.#load();
      if (this.#closed) return false;
      this.#current = loaded.data;
      this.generation++;
      this.#logger.info(`${this.#name}: reloaded ${loaded.summary}`);
      return true;
    } catch (e) {
      const reason = describeCause(e);
      const message = `${this.#name}: a changed reference file was rejected, the previous data stays in use: ${reason}`;
      this.#logger.error(message, { code: 'SL_ENRICH_RELOAD_REJECTED', files: changed });
      const file = SightlineError.is(e) && typeof e.details?.['file'] === 'string' ? e.details['file'] : undefined;
      this.#pending.push({
        code: 'SL_ENRICH_RELOAD_REJECTED',
        message,
        ...(file === undefined ? {} : { source: file }),
        ...(SightlineError.is(e) && typeof e.details?.['line'] === 'number' ? { line: e.details['line'] } : {}),
        details: { cause_code: SightlineError.is(e) ? e.code : undefined },
      });
      return false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
    await this.#running?.catch(() => undefined);
  }
}
