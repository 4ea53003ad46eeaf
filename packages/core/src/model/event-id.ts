import { CONTEXT_FIELDS, KIND_FIELDS, SCORE_FIELDS } from './generated/odm-schemas.js';
import type { EventKind } from './event.js';
import { LITTLE_ENDIAN, murmur3x86128, murmur3x86128Words } from './murmur3.js';

/**
 * Deterministic event ids.
 *
 * The id is a 128-bit MurmurHash3 of the event's identity: its kind, every decoded field it carries (in schema
 * order) and, when the decoder gives one, the record's position in its source (`ordinal`: a line number, an
 * export sequence number and record index, a packet number). Identical but distinct records (the same request
 * twice in one second) keep distinct ids; reading the same input again gives the same ids, so a retried
 * delivery overwrites instead of duplicating.
 *
 * Not part of the identity: the id itself, `event_insert_time`, `event_source` (a file read from another path
 * is the same data), `raw`, and everything enrichers and models add (context and score blocks).
 */
const NOT_IDENTITY = new Set<string>(['event_id', 'event_insert_time', 'event_source', 'raw', ...CONTEXT_FIELDS, ...SCORE_FIELDS]);

const IDENTITY_FIELDS: Record<EventKind, readonly string[]> = {
  flow: KIND_FIELDS.flow.filter((f) => !NOT_IDENTITY.has(f)),
  dns: KIND_FIELDS.dns.filter((f) => !NOT_IDENTITY.has(f)),
  proxy: KIND_FIELDS.proxy.filter((f) => !NOT_IDENTITY.has(f)),
};

const KIND_TAG: Record<EventKind, number> = { flow: 1, dns: 2, proxy: 3 };
const SEED = 0x5a17e1e5;

// The bytes hashed, with a little-endian word view of them (the hash reads its blocks as words) and a DataView.
let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);
let words = new Uint32Array(buf.buffer);
const encoder = new TextEncoder();
const lanes = new Uint32Array(4);
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function ensure(pos: number, extra: number): void {
  if (pos + extra <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + extra) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
  words = new Uint32Array(buf.buffer);
}

/** Writes the UTF-8 of `s` at `pos` (room for 3 bytes a character must be ensured) and returns where it ends. */
function writeChars(pos: number, s: string): number {
  const n = s.length;
  // UTF-8 of the ASCII prefix is the characters themselves: copy them without a call into the encoder (most
  // values are ASCII); the rest, from the first non-ASCII character, is encoded as before. Same bytes either way.
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) break;
    buf[pos + i] = c;
  }
  return i === n ? pos + n : pos + i + encoder.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(pos + i)).written;
}

function writeString(pos: number, s: string): number {
  ensure(pos, 5 + s.length * 3);
  const end = writeChars(pos + 5, s);
  buf[pos] = 2;
  view.setUint32(pos + 1, end - pos - 5, true);
  return end;
}

// DataView over the last source buffer `copyBytes` read words from (a decoder's chunk: the same for many fields).
let sourceBuffer: ArrayBufferLike | undefined;
let sourceView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * Copies `bytes[start, end)` to `at` (room ensured): byte by byte when short, else four bytes a step through
 * DataViews (unaligned little-endian words, no subarray made), the last word overlapping the one before it.
 */
function copyBytes(bytes: Uint8Array, start: number, end: number, at: number): void {
  const n = end - start;
  if (n < 8 || start < 0 || end > bytes.length) {
    for (let i = 0; i < n; i++) buf[at + i] = bytes[start + i]!;
    return;
  }
  const source = bytes.buffer;
  if (source !== sourceBuffer) {
    sourceView = new DataView(source);
    sourceBuffer = source;
  }
  const src = sourceView;
  const dst = view;
  const shift = bytes.byteOffset + start - at;
  const last = at + n - 4;
  for (let o = at; o < last; o += 4) dst.setUint32(o, src.getUint32(o + shift, true), true);
  dst.setUint32(last, src.getUint32(last + shift, true), true);
}

function writeValue(pos: number, value: unknown): number {
  switch (typeof value) {
    case 'number':
      ensure(pos, 9);
      buf[pos] = 1;
      view.setFloat64(pos + 1, value, true);
      return pos + 9;
    case 'string':
      return writeString(pos, value);
    case 'boolean':
      ensure(pos, 1);
      buf[pos] = value ? 3 : 4;
      return pos + 1;
    default:
      if (value === null) {
        ensure(pos, 1);
        buf[pos] = 6;
        return pos + 1;
      }
      {
        // Arrays and objects (DNS answers, additional_attrs): their JSON form, under a tag of its own.
        const end = writeString(pos, JSON.stringify(value));
        buf[pos] = 5;
        return end;
      }
  }
}

/**
 * The 32 hex digits of the four lanes, big-endian per lane: one flat string made by one call with 32 character
 * codes (16 concatenations made a rope that every later hash or comparison of the id had to flatten first; an
 * `apply` over an array of codes took twice as long).
 */
function toHex(l: Uint32Array): string {
  const a = l[0]!;
  const b = l[1]!;
  const c = l[2]!;
  const d = l[3]!;
  const h = HEX;
  return String.fromCharCode(
    h[a >>> 28]!, h[(a >>> 24) & 15]!, h[(a >>> 20) & 15]!, h[(a >>> 16) & 15]!, h[(a >>> 12) & 15]!, h[(a >>> 8) & 15]!, h[(a >>> 4) & 15]!, h[a & 15]!,
    h[b >>> 28]!, h[(b >>> 24) & 15]!, h[(b >>> 20) & 15]!, h[(b >>> 16) & 15]!, h[(b >>> 12) & 15]!, h[(b >>> 8) & 15]!, h[(b >>> 4) & 15]!, h[b & 15]!,
    h[c >>> 28]!, h[(c >>> 24) & 15]!, h[(c >>> 20) & 15]!, h[(c >>> 16) & 15]!, h[(c >>> 12) & 15]!, h[(c >>> 8) & 15]!, h[(c >>> 4) & 15]!, h[c & 15]!,
    h[d >>> 28]!, h[(d >>> 24) & 15]!, h[(d >>> 20) & 15]!, h[(d >>> 16) & 15]!, h[(d >>> 12) & 15]!, h[(d >>> 8) & 15]!, h[(d >>> 4) & 15]!, h[d & 15]!,
  );
}

/** Appends the ordinal (when given) to the `pos` bytes written, hashes them and returns the id. */
function finishId(pos: number, ordinal: string | number | undefined): string {
  if (ordinal !== undefined) {
    ensure(pos, 1);
    buf[pos++] = 7;
    pos = writeValue(pos, ordinal);
  }
  if (LITTLE_ENDIAN) murmur3x86128Words(words, 0, buf, 0, pos, SEED, lanes);
  else murmur3x86128(buf, pos, SEED, lanes);
  return toHex(lanes);
}

/** Position of every identity field in its kind's hashing order. */
const FIELD_INDEX: Record<EventKind, ReadonlyMap<string, number>> = {
  flow: new Map(IDENTITY_FIELDS.flow.map((f, i) => [f, i])),
  dns: new Map(IDENTITY_FIELDS.dns.map((f, i) => [f, i])),
  proxy: new Map(IDENTITY_FIELDS.proxy.map((f, i) => [f, i])),
};
const MAX_FIELDS = Math.max(IDENTITY_FIELDS.flow.length, IDENTITY_FIELDS.dns.length, IDENTITY_FIELDS.proxy.length);
const order = new Int32Array(MAX_FIELDS);
const values: unknown[] = new Array<unknown>(MAX_FIELDS).fill(undefined);

/** The event id of `event` (its own `event_id` is ignored). `ordinal` is the record's position in its source. */
export function computeEventId(event: { readonly event_kind: EventKind }, ordinal?: string | number): string {
  const index = FIELD_INDEX[event.event_kind];
  const record = event as unknown as Readonly<Record<string, unknown>>;
  // Walk the fields the event carries (a few dozen keys) rather than probing every field of its kind, and put
  // them back in schema order: the bytes hashed are the same as field-by-field in schema order.
  let n = 0;
  for (const key in record) {
    const i = index.get(key);
    if (i === undefined) continue;
    const value = record[key];
    if (value === undefined) continue;
    let j = n++;
    while (j > 0 && order[j - 1]! > i) {
      order[j] = order[j - 1]!;
      values[j] = values[j - 1];
      j--;
    }
    order[j] = i;
    values[j] = value;
  }
  ensure(0, 2);
  buf[0] = KIND_TAG[event.event_kind];
  let pos = 1;
  for (let j = 0; j < n; j++) {
    ensure(pos, 1);
    buf[pos++] = order[j]! + 16;
    pos = writeValue(pos, values[j]);
    values[j] = undefined;
  }
  return finishId(pos, ordinal);
}

/** Sets `event_id` on the event (in place) and returns it. */
export function assignEventId<T extends { event_kind: EventKind; event_id?: string }>(event: T, ordinal?: string | number): T & { event_id: string } {
  event.event_id = computeEventId(event, ordinal);
  return event as T & { event_id: string };
}

/** Identity fields of a kind, in the order they are hashed (documentation and tests). */
export function identityFields(kind: EventKind): readonly string[] {
  return IDENTITY_FIELDS[kind];
}

/**
 * Writes the bytes `computeEventId` hashes field by field, for a producer that sets an event's fields in schema
 * order anyway (a decoder building its events): the same id as `computeEventId(event, ordinal)` on the finished
 * event, without walking the event's keys again. Call `begin`, then one method per field the event carries, in
 * the order of `identityFields(kind)` (`field` is the position there, from `identityFieldIndex`), then `finish`.
 * Fields not part of the identity (event_id, event_source, raw) are not written. Synchronous use only: writers
 * share one buffer with `computeEventId`.
 */
export class EventIdWriter {
  readonly #tag: number;
  #pos = 0;
  /** Where the length of the string field begun by `beginString` goes, or -1. */
  #open = -1;

  constructor(kind: EventKind) {
    this.#tag = KIND_TAG[kind];
  }

  begin(): void {
    ensure(0, 2);
    buf[0] = this.#tag;
    this.#pos = 1;
    this.#open = -1;
  }

  string(field: number, value: string): void {
    ensure(this.#pos, 1);
    buf[this.#pos] = field + 16;
    this.#pos = writeString(this.#pos + 1, value);
  }

  number(field: number, value: number): void {
    const pos = this.#pos;
    ensure(pos, 10);
    buf[pos] = field + 16;
    buf[pos + 1] = 1;
    view.setFloat64(pos + 2, value, true);
    this.#pos = pos + 10;
  }

  /**
   * A string field given as the UTF-8 bytes `bytes[start, end)` of its value (a decoder reading them from its
   * input): hashes exactly as `string` would with the decoded value, without reading the string back.
   */
  utf8(field: number, bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const pos = this.#pos;
    ensure(pos, 6 + n);
    buf[pos] = field + 16;
    buf[pos + 1] = 2;
    view.setUint32(pos + 2, n, true);
    copyBytes(bytes, start, end, pos + 6);
    this.#pos = pos + 6 + n;
  }

  /**
   * Starts a string field whose value is given in pieces (`appendUtf8`, `appendString`) and ended by `endString`:
   * hashes exactly as `string` would with the pieces joined, without joining them (a URI from its host, path and
   * query as they lie in the input).
   */
  beginString(field: number): void {
    const pos = this.#pos;
    ensure(pos, 6);
    buf[pos] = field + 16;
    buf[pos + 1] = 2;
    this.#open = pos + 2;
    this.#pos = pos + 6;
  }

  /** Appends the UTF-8 bytes `bytes[start, end)` to the string field begun. */
  appendUtf8(bytes: Uint8Array, start: number, end: number): void {
    if (this.#open < 0) throw new Error('EventIdWriter.appendUtf8 outside beginString/endString');
    const n = end - start;
    if (n <= 0) return;
    ensure(this.#pos, n);
    copyBytes(bytes, start, end, this.#pos);
    this.#pos += n;
  }

  /** Appends `value` (as its UTF-8) to the string field begun. */
  appendString(value: string): void {
    if (this.#open < 0) throw new Error('EventIdWriter.appendString outside beginString/endString');
    ensure(this.#pos, value.length * 3);
    this.#pos = writeChars(this.#pos, value);
  }

  /** Ends the string field begun: its length is the bytes appended since `beginString`. */
  endString(): void {
    const open = this.#open;
    if (open < 0) throw new Error('EventIdWriter.endString without beginString');
    view.setUint32(open, this.#pos - open - 4, true);
    this.#open = -1;
  }

  /** Any other value (objects and arrays are hashed as their JSON, as `computeEventId` does). */
  value(field: number, value: unknown): void {
    ensure(this.#pos, 1);
    buf[this.#pos] = field + 16;
    this.#pos = writeValue(this.#pos + 1, value);
  }

  finish(ordinal?: string | number): string {
    if (this.#open >= 0) throw new Error('EventIdWriter.finish inside beginString/endString');
    return finishId(this.#pos, ordinal);
  }
}

/** Position of `field` in `identityFields(kind)` (for `EventIdWriter`), or -1 when it is not part of the identity. */
export function identityFieldIndex(kind: EventKind, field: string): number {
  return FIELD_INDEX[kind].get(field) ?? -1;
}
