import { CONTEXT_FIELDS, KIND_FIELDS, SCORE_FIELDS } from './generated/odm-schemas.js';
import type { EventKind } from './event.js';
import { murmur3x86128 } from './murmur3.js';

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

let buf = new Uint8Array(1024);
let view = new DataView(buf.buffer);
const encoder = new TextEncoder();
const lanes = new Uint32Array(4);
/** Character codes of the two hex digits of every byte value: byte b at [2b, 2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX_CODES[2 * b] = h.charCodeAt(0);
  HEX_CODES[2 * b + 1] = h.charCodeAt(1);
}
const hexChars: number[] = new Array<number>(32).fill(48);

function ensure(pos: number, extra: number): void {
  if (pos + extra <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + extra) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
  view = new DataView(buf.buffer);
}

function writeString(pos: number, s: string): number {
  const n = s.length;
  ensure(pos, 5 + n * 3);
  // UTF-8 of the ASCII prefix is the characters themselves: copy them without a call into the encoder (most
  // values are ASCII); the rest, from the first non-ASCII character, is encoded as before. Same bytes either way.
  const start = pos + 5;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) break;
    buf[start + i] = c;
  }
  const written = i === n ? n : i + encoder.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(start + i)).written;
  buf[pos] = 2;
  view.setUint32(pos + 1, written, true);
  return start + written;
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
 * The 32 hex digits of the four lanes, big-endian per lane, made in one call: a flat string (16 concatenations
 * made a rope that every later hash or comparison of the id had to flatten first), in about half the time.
 */
function toHex(l: Uint32Array): string {
  for (let i = 0, o = 0; i < 4; i++) {
    const v = l[i]!;
    for (let shift = 24; shift >= 0; shift -= 8, o += 2) {
      const b = ((v >>> shift) & 255) * 2;
      hexChars[o] = HEX_CODES[b]!;
      hexChars[o + 1] = HEX_CODES[b + 1]!;
    }
  }
  return String.fromCharCode.apply(null, hexChars);
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
  if (ordinal !== undefined) {
    ensure(pos, 1);
    buf[pos++] = 7;
    pos = writeValue(pos, ordinal);
  }
  murmur3x86128(buf, pos, SEED, lanes);
  return toHex(lanes);
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

  constructor(kind: EventKind) {
    this.#tag = KIND_TAG[kind];
  }

  begin(): void {
    ensure(0, 2);
    buf[0] = this.#tag;
    this.#pos = 1;
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
    const at = pos + 6;
    if (n > 32) buf.set(bytes.subarray(start, end), at);
    else for (let i = 0; i < n; i++) buf[at + i] = bytes[start + i]!;
    this.#pos = at + n;
  }

  /** Any other value (objects and arrays are hashed as their JSON, as `computeEventId` does). */
  value(field: number, value: unknown): void {
    ensure(this.#pos, 1);
    buf[this.#pos] = field + 16;
    this.#pos = writeValue(this.#pos + 1, value);
  }

  finish(ordinal?: string | number): string {
    let pos = this.#pos;
    if (ordinal !== undefined) {
      ensure(pos, 1);
      buf[pos++] = 7;
      pos = writeValue(pos, ordinal);
    }
    murmur3x86128(buf, pos, SEED, lanes);
    return toHex(lanes);
  }
}

/** Position of `field` in `identityFields(kind)` (for `EventIdWriter`), or -1 when it is not part of the identity. */
export function identityFieldIndex(kind: EventKind, field: string): number {
  return FIELD_INDEX[kind].get(field) ?? -1;
}
