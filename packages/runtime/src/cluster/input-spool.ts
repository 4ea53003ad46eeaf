import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { type EventKind, type ModelWindow, type OdmEvent, SightlineError } from '@sightline/core';

/** Events per frame: a frame is packed once and unpacked whole, so this bounds the memory a reader holds. */
const FRAME_EVENTS = 2048;

/** Where the spool files of a submission's input `index` are: one per model window, `<window start>.msgpack`. */
export function spoolDir(submissionDir: string, index: number): string {
  return join(submissionDir, 'spool', String(index));
}

export function spoolFile(submissionDir: string, index: number, windowStart: number): string {
  return join(spoolDir(submissionDir, index), `${windowStart}.msgpack`);
}

/** Events of each kind an input spooled into one model window, by window start. */
export type SpooledWindows = Record<string, Partial<Record<EventKind, number>>>;

/**
 * A value exactly as a JSON round trip would give it back (what the LocalRunner's models see: its window spool
 * is JSON text). Returns the value itself when it already is (nearly always: decoders make plain data), else a
 * cleaned copy: keys holding undefined dropped, non-finite numbers null, -0 as 0, anything not plain data
 * (typed arrays, objects with toJSON) through JSON.
 */
export function jsonEquivalent(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      const y = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : jsonEquivalent(x);
      if (y !== x && out === undefined) out = v.slice(0, i);
      out?.push(y);
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v)) as unknown;
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    const drop = x === undefined || typeof x === 'function' || typeof x === 'symbol';
    const y = drop ? undefined : jsonEquivalent(x);
    if (out === undefined && (drop || y !== x)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== undefined && !drop) out[k] = y;
  }
  return out ?? o;
}

const packr = new Packr({ useRecords: true, moreTypes: false });

/**
 * A decode job's spool: the events the models take, split by model window (event time) into a file per window,
 * so the window's model jobs read the files as they are, with no regrouping. Each file is a run of frames (a
 * 4-byte length, then a self-describing MessagePack array of events): about a third of the JSON text's size and
 * some 2.5x faster to read, which matters because every model reads its window at least twice (fit, score).
 * Events are stored as a JSON round trip would give them back, so the models see exactly what the LocalRunner's
 * JSON window spool gives them. An attempt writes into a folder of its own, renamed into place by `commit` once
 * the job is done; a retried or crashed attempt leaves nothing the model jobs could read twice.
 */
export class InputSpool {
  readonly #dir: string;
  readonly #tmp: string;
  readonly #sizeMs: number;
  readonly #open = new Map<number, { events: unknown[]; handle: FileHandle | undefined; counts: Partial<Record<EventKind, number>> }>();
  #made = false;

  constructor(dir: string, attempt: string, windowSizeMs: number) {
    this.#dir = dir;
    this.#tmp = `${dir}.${attempt}.tmp`;
    this.#sizeMs = windowSizeMs;
  }

  /** Spools the events of the wanted kinds; returns how many. */
  async append(events: readonly OdmEvent[], kinds: ReadonlySet<EventKind>): Promise<number> {
    let n = 0;
    for (const e of events) {
      if (!kinds.has(e.event_kind)) continue;
      const start = Math.floor(e.event_time / this.#sizeMs) * this.#sizeMs;
      let w = this.#open.get(start);
      if (w === undefined) this.#open.set(start, (w = { events: [], handle: undefined, counts: {} }));
      w.events.push(jsonEquivalent(e));
      w.counts[e.event_kind] = (w.counts[e.event_kind] ?? 0) + 1;
      n++;
    }
    for (const [start, w] of this.#open) if (w.events.length >= FRAME_EVENTS) await this.#flush(start, w);
    return n;
  }

  async #flush(start: number, w: { events: unknown[]; handle: FileHandle | undefined }): Promise<void> {
    if (w.events.length === 0) return;
    if (!this.#made) {
      await rm(this.#tmp, { recursive: true, force: true });
      await mkdir(this.#tmp, { recursive: true });
      this.#made = true;
    }
    w.handle ??= await open(join(this.#tmp, `${start}.msgpack`), 'w');
    const body = packr.pack(w.events);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(body.length, 0);
    await w.handle.writev([head, body]);
    w.events = [];
  }

  /** Writes what is buffered, syncs, and puts the files in place; returns the counts per window. */
  async commit(): Promise<SpooledWindows> {
    const out: SpooledWindows = {};
    for (const [start, w] of [...this.#open].sort((a, b) => a[0] - b[0])) {
      await this.#flush(start, w);
      await w.handle?.sync();
      await w.handle?.close();
      w.handle = undefined;
      out[String(start)] = w.counts;
    }
    await rm(this.#dir, { recursive: true, force: true });
    if (this.#made) await rename(this.#tmp, this.#dir);
    this.#open.clear();
    return out;
  }

  /** Closes what is still open (after a failure); the attempt's folder is removed. */
  async abandon(): Promise<void> {
    if (this.#open.size === 0) return;
    for (const w of this.#open.values()) await w.handle?.close().catch(() => undefined);
    this.#open.clear();
    await rm(this.#tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The frames of a spool file, each unpacked into its events. */
async function* frames(path: string): AsyncGenerator<OdmEvent[]> {
  const h = await open(path, 'r').catch((e: unknown) => {
    throw SightlineError.from(e, 'SL_CLUSTER_PAYLOAD_EXPIRED', `spool file ${path} cannot be read (is cluster.shared_dir the same folder on every worker?)`, { stage: 'runtime' });
  });
  try {
    const head = Buffer.alloc(4);
    for (let pos = 0; ; ) {
      const { bytesRead } = await h.read(head, 0, 4, pos);
      if (bytesRead === 0) return;
      const size = head.readUInt32LE(0);
      const body = Buffer.allocUnsafe(size);
      const got = bytesRead === 4 ? (await h.read(body, 0, size, pos + 4)).bytesRead : 0;
      if (got !== size) throw new SightlineError('SL_CLUSTER_PAYLOAD_UNREADABLE', `spool file ${path} is truncated at byte ${pos}`, { stage: 'runtime' });
      pos += 4 + size;
      let events: unknown;
      try {
        events = new Packr({ useRecords: true, moreTypes: false }).unpack(body);
      } catch (e) {
        throw new SightlineError('SL_CLUSTER_PAYLOAD_UNREADABLE', `spool file ${path} has an unreadable frame at byte ${pos - 4 - size}: ${(e as Error).message}`, { stage: 'runtime', cause: e });
      }
      if (!Array.isArray(events)) throw new SightlineError('SL_CLUSTER_PAYLOAD_UNREADABLE', `spool file ${path} has a frame that is not a list of events`, { stage: 'runtime' });
      yield events as OdmEvent[];
    }
  } finally {
    await h.close();
  }
}

/**
 * A model window over spool files, read in the order given (input order, as the LocalRunner spools them): only
 * the kinds the model takes, in batches of `batchSize`, as often as the model asks.
 */
export function spooledWindowView(start: number, end: number, paths: readonly string[], count: number, kinds: readonly EventKind[], batchSize: number): ModelWindow {
  const wanted = new Set(kinds);
  return {
    start,
    end,
    count,
    async *batches() {
      if (count === 0) return;
      let batch: OdmEvent[] = [];
      for (const path of paths) {
        for await (const events of frames(path)) {
          for (const e of events) {
            if (!wanted.has(e.event_kind)) continue;
            batch.push(e);
            if (batch.length >= batchSize) {
              yield batch;
              batch = [];
            }
          }
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
