import { gzipSync } from 'node:zlib';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type Column,
  type EventKind,
  type HealthResult,
  type OdmEvent,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type SinkResult,
  SightlineError,
  type Stream,
  describeCause,
  parseDuration,
  parseSize,
} from '@sightline/core';
import { columnsFor, isSpotColumns } from './columns.js';
import type { FileSinkConfig } from './config.schema.js';
import { csvLine } from './csv.js';
import { PartFile, freePartPath } from './part-file.js';

const FATAL_ERRNO = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EEXIST']);

/** The line buffer's first size, and the most it keeps between groups (a bigger one is let go after use). */
const OUT_INITIAL = 64 * 1024;
const OUT_KEEP = 16 * 1024 * 1024;

interface Writer {
  readonly key: string;
  readonly base: string;
  readonly columns: readonly Column[] | undefined;
  part: number;
  file: PartFile;
}

const pad = (n: number): string => String(n).padStart(2, '0');
function windowLabel(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}`;
}

/** Turns an error from the file system into a sink error: permanent (unwritable) or worth retrying (disk full, busy). */
export function fileError(cause: unknown, what: string, plugin: string): SightlineError {
  const code = (cause as { code?: unknown }).code;
  const fatal = typeof code === 'string' && FATAL_ERRNO.has(code);
  return new SightlineError(fatal ? 'SL_OUTPUT_UNWRITABLE' : 'SL_SINK_UNAVAILABLE', `${what}: ${describeCause(cause)}`, {
    stage: 'sink',
    plugin,
    retryable: !fatal,
    cause,
  });
}

/**
 * Writes events and alerts to NDJSON or CSV files, one file per stream and kind (and time window), with
 * rotation by size, count or event-time window. Files are written as `*.inprogress` and renamed when complete,
 * so a crash never leaves a partial file that looks finished. A batch is appended all-or-nothing, and events
 * written in the last few batches are not written again, so a retried batch does not duplicate lines.
 */
export class FileSink implements Sink {
  readonly name: string;
  readonly #c: FileSinkConfig;
  readonly #root: string;
  readonly #writers = new Map<string, Writer>();
  readonly #finished: string[] = [];
  readonly #recent: Record<Stream, Set<string>[]> = { events: [], alerts: [] };
  readonly #maxBytes: number | undefined;
  readonly #intervalMs: number | undefined;
  readonly #delimiter: string;
  readonly #header: boolean;
  readonly #ext: string;
  #closed = false;
  /** Where lines are encoded before they are appended; grows to the largest chunk written. */
  #out: Buffer = Buffer.allocUnsafeSlow(OUT_INITIAL);
  /** Writes, flushes and close run one at a time (several batches may be delivered at once). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(config: FileSinkConfig, ctx: PluginContext, name = 'file') {
    this.name = name;
    this.#c = config;
    this.#root = ctx.runDir;
    this.#maxBytes = config.rotate.max_bytes === undefined ? undefined : parseSize(config.rotate.max_bytes);
    this.#intervalMs = config.rotate.interval === undefined ? undefined : parseDuration(config.rotate.interval);
    const spot = isSpotColumns(config.columns);
    this.#delimiter = config.delimiter ?? (spot ? '\t' : ',');
    this.#header = config.header ?? !spot;
    this.#ext = `.${config.format}${config.gzip ? '.gz' : ''}`;
  }

  /** Creates the output folder and proves it is writable, so a bad path fails at start, not mid-run. */
  async open(): Promise<void> {
    const staticPart = this.#c.path.split('{')[0]!;
    const dir = resolve(this.#root, staticPart.includes('/') ? staticPart.slice(0, staticPart.lastIndexOf('/')) : '.');
    const probe = join(dir, `.sightline-write-test-${process.pid}`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(probe, '');
      await rm(probe, { force: true });
    } catch (cause) {
      throw new SightlineError('SL_OUTPUT_UNWRITABLE', `file sink "${this.name}" cannot write to ${dir}: ${describeCause(cause)}`, { stage: 'sink', plugin: this.name, cause });
    }
  }

  #basePath(stream: Stream, kind: EventKind, window: number | undefined): string {
    let p = this.#c.path.replaceAll('{stream}', stream).replaceAll('{kind}', kind);
    if (window !== undefined) {
      const label = windowLabel(window);
      p = p.includes('{window}') ? p.replaceAll('{window}', label) : `${p}-${label}`;
    } else p = p.replaceAll('{window}', 'all');
    return isAbsolute(p) ? p : resolve(this.#root, p);
  }

  async #writer(stream: Stream, kind: EventKind, window: number | undefined): Promise<Writer> {
    const key = `${stream}/${kind}/${window ?? ''}`;
    let w = this.#writers.get(key);
    if (w !== undefined) {
      this.#writers.delete(key); // re-insert: Map order is our LRU order
      this.#writers.set(key, w);
      return w;
    }
    if (this.#writers.size >= this.#c.max_open_files) {
      const [oldestKey, oldest] = this.#writers.entries().next().value as [string, Writer];
      this.#writers.delete(oldestKey);
      await this.#finalize(oldest);
    }
    const base = this.#basePath(stream, kind, window);
    const numbered = this.#maxBytes !== undefined || this.#c.rotate.max_events !== undefined;
    const { path, part } = await freePartPath(base, this.#ext, 0, numbered);
    const columns = this.#c.format === 'csv' ? columnsFor(this.#c.columns, kind, stream) : undefined;
    w = { key, base, columns, part, file: await PartFile.create(path) };
    await this.#writeHeader(w);
    this.#writers.set(key, w);
    return w;
  }

  async #writeHeader(w: Writer): Promise<void> {
    if (w.columns === undefined || !this.#header) return;
    await w.file.append(this.#encode(csvLine(w.columns.map((c) => c.name), this.#delimiter, false)), 0);
  }

  async #rotate(w: Writer): Promise<void> {
    await this.#finalize(w);
    const { path, part } = await freePartPath(w.base, this.#ext, w.part + 1, true);
    w.part = part;
    w.file = await PartFile.create(path);
    await this.#writeHeader(w);
  }

  async #finalize(w: Writer): Promise<void> {
    const hasData = w.file.events > 0;
    await w.file.finalize();
    if (hasData) this.#finished.push(w.file.finalPath);
    else await rm(w.file.finalPath, { force: true }); // an empty part (header only) is not an output
  }

  #encode(text: string): Uint8Array {
    const b = Buffer.from(text, 'utf8');
    return this.#c.gzip ? gzipSync(b) : b;
  }

  /**
   * Encodes one event's line into the buffer at `at` and returns where it ends. The NDJSON newline is written as a
   * byte rather than appended to the text, which would make V8 flatten a two-part string (a copy) before encoding.
   */
  #writeLine(w: Writer, e: OdmEvent, at: number): number {
    if (w.columns === undefined) {
      const json = JSON.stringify(e) as string | undefined; // undefined only if a toJSON says so: written as before
      const text = typeof json === 'string' ? json : String(json);
      // A UTF-16 code unit never takes more than 3 bytes in UTF-8, so this much room always holds the line.
      if (this.#out.length - at < text.length * 3 + 1) this.#grow(at, text.length * 3 + 1);
      const end = at + this.#out.write(text, at, 'utf8');
      this.#out[end] = 0x0a;
      return end + 1;
    }
    const line = csvLine(
      w.columns.map((c) => c.get(e)),
      this.#delimiter,
      this.#c.escape_formulas,
    );
    if (this.#out.length - at < line.length * 3) this.#grow(at, line.length * 3);
    return at + this.#out.write(line, at, 'utf8');
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  write(batch: SinkBatch, _ctx: PluginContext): Promise<SinkResult> {
    return this.#serial(() => this.#write(batch));
  }

  async #write(batch: SinkBatch): Promise<SinkResult> {
    if (this.#closed) return { status: 'failure', error: new SightlineError('SL_INTERNAL', `file sink "${this.name}" was written after close`, { stage: 'sink', plugin: this.name }) };
    const recent = this.#recent[batch.stream];
    const seen = (id: string): boolean => recent.some((s) => s.has(id));
    const groups = new Map<string, { stream: Stream; kind: EventKind; window: number | undefined; indexes: number[] }>();
    batch.events.forEach((e, i) => {
      if (this.#c.dedupe_batches > 0 && seen(e.event_id)) return;
      const window = this.#intervalMs === undefined ? undefined : Math.floor(e.event_time / this.#intervalMs) * this.#intervalMs;
      const key = `${e.event_kind}/${window ?? ''}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { stream: batch.stream, kind: e.event_kind, window, indexes: [] }));
      g.indexes.push(i);
    });

    const failed: { index: number; error: SightlineError }[] = [];
    const written = new Set<string>();
    for (const g of groups.values()) {
      try {
        const w = await this.#writer(g.stream, g.kind, g.window);
        await this.#appendGroup(w, batch.events, g.indexes);
        for (const i of g.indexes) written.add(batch.events[i]!.event_id);
      } catch (cause) {
        const error = SightlineError.is(cause) ? cause : fileError(cause, `file sink "${this.name}" could not write ${g.kind} ${g.stream}`, this.name);
        for (const index of g.indexes) failed.push({ index, error });
      }
    }
    if (this.#c.dedupe_batches > 0 && written.size > 0) {
      recent.push(written);
      if (recent.length > this.#c.dedupe_batches) recent.shift();
    }
    if (failed.length === 0) return { status: 'success' };
    if (failed.length === batch.events.length) {
      const error = failed[0]!.error;
      return error.retryable ? { status: 'retryable', error } : { status: 'failure', error };
    }
    return { status: 'partial', failed };
  }

  /**
   * Appends events to a writer, starting new parts when a size or count limit would be passed. Lines are
   * encoded straight into one reused buffer: `Buffer.write` gives each line's byte count (for `max_bytes`) without
   * a second UTF-8 pass, and no joined string nor per-chunk copy is made. The chunks, and so the file bytes and
   * the gzip members, are the same as when the lines were joined: one append per part touched by the group.
   */
  async #appendGroup(w: Writer, events: readonly OdmEvent[], indexes: readonly number[]): Promise<void> {
    const maxEvents = this.#c.rotate.max_events;
    const maxBytes = this.#maxBytes;
    let pending = 0; // lines in the chunk
    let end = 0; // bytes of the chunk in the buffer
    for (const i of indexes) {
      const lineEnd = this.#writeLine(w, events[i]!, end);
      const count = w.file.events + pending;
      const full = (maxEvents !== undefined && count >= maxEvents) || (maxBytes !== undefined && count > 0 && w.file.bytes + lineEnd > maxBytes);
      if (full) {
        if (pending > 0) await w.file.append(this.#chunk(end), pending);
        await this.#rotate(w);
        this.#out.copyWithin(0, end, lineEnd);
        pending = 0;
        end = lineEnd - end;
      } else end = lineEnd;
      pending++;
    }
    if (pending > 0) await w.file.append(this.#chunk(end), pending);
    if (this.#out.length > OUT_KEEP) this.#out = Buffer.allocUnsafeSlow(OUT_INITIAL); // after an unusually big group
  }

  /** The chunk's bytes, ready to append: a view of the buffer (appends are awaited before it is reused) or gzip. */
  #chunk(end: number): Uint8Array {
    const bytes = this.#out.subarray(0, end);
    return this.#c.gzip ? gzipSync(bytes) : bytes;
  }

  /** Makes room for `need` more bytes after the first `used` bytes of the buffer, keeping them. */
  #grow(used: number, need: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(this.#out.length * 2, used + need));
    this.#out.copy(next, 0, 0, used);
    this.#out = next;
  }

  flush(): Promise<void> {
    return this.#serial(async () => {
      for (const w of this.#writers.values()) await w.file.sync();
    });
  }

  async healthcheck(): Promise<HealthResult> {
    try {
      await this.open();
      return { ok: true, message: `writing under ${this.#root}` };
    } catch (e) {
      return { ok: false, message: describeCause(e) };
    }
  }

  describeOutputs(): readonly string[] {
    return [...this.#finished, ...[...this.#writers.values()].map((w) => w.file.finalPath)];
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      this.#closed = true;
      const writers = [...this.#writers.values()];
      this.#writers.clear();
      for (const w of writers) await this.#finalize(w);
    });
  }
}
