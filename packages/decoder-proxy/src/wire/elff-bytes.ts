import type { RecordDraft } from '../to-event.js';
import type { Layout } from './layouts.js';
import { Slot } from './slots.js';
import { MAX_COLUMNS, type Spans } from './tokenize.js';

/**
 * The fast path for ELFF records: reads a line straight from the input bytes into a `RecordDraft`, without
 * decoding the line into a string first. It takes the common case only — a printable ASCII line, values separated
 * by single or repeated spaces, quoted values without `""` or `\"` inside — and declines everything else (tabs,
 * control characters, non-ASCII bytes, escapes, broken quoting, a value count other than the layout's), which the
 * string path then reads and reports as before. What it accepts decodes to the same draft values the string path
 * gives: `-` and empty values left out, numbers and times parsed from their digits, every other value as its text.
 */

/** `tokenizeBytes` result for a line the fast path does not take. */
export const DECLINE = -1;

/** A DataView and a plain Uint8Array over the last buffer asked for (the decoder reads a chunk's lines in turn). */
let viewBuf: Uint8Array | undefined;
let viewOfBuf: DataView = new DataView(new ArrayBuffer(0));
let bytesOfBuf: Uint8Array = new Uint8Array(0);
function viewOf(buf: Uint8Array): DataView {
  if (buf !== viewBuf) {
    viewOfBuf = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    bytesOfBuf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    viewBuf = buf;
  }
  return viewOfBuf;
}

/**
 * The same bytes as a plain Uint8Array, at the same positions: what the event id writer copies values from (a
 * Buffer's own `subarray`, which the writer calls for long values, makes a Buffer through a slower path).
 */
function bytesOf(buf: Uint8Array): Uint8Array {
  viewOf(buf);
  return bytesOfBuf;
}

// Four bytes at a time (SWAR): a word of printable ASCII without the byte the scan stops at is skipped with one load
// and a few integer operations. For a 32-bit word x, `(x - 0x0101_0101 * n) & ~x & 0x8080_8080` is non-zero exactly
// when a byte of x is below n (n <= 128), and `((x + 0x0101_0101) | x) & 0x8080_8080` when a byte is above 126.
// (JavaScript's bitwise operators take the sums modulo 2^32, as the unsigned arithmetic of the trick does.)

/** A byte of x is not 33..126 (a space, a control byte, DEL or non-ASCII). */
function stopsValue(x: number): number {
  return (((x - 0x21212121) & ~x) | (x + 0x01010101) | x) & 0x80808080;
}

/** A byte of x is a quote, a control byte, DEL or non-ASCII. */
function stopsQuoted(x: number): number {
  const q = x ^ 0x22222222;
  return (((q - 0x01010101) & ~q) | ((x - 0x20202020) & ~x) | (x + 0x01010101) | x) & 0x80808080;
}

/**
 * Splits `buf[from, to)` into values (positions into `buf`, as `tokenize` does for strings). Returns the count, or
 * DECLINE for anything but printable ASCII with plain quoting.
 */
export function tokenizeBytes(buf: Uint8Array, from: number, to: number, spans: Spans): number {
  const view = viewOf(buf);
  const start = spans.start;
  const end = spans.end;
  const words = to - 3; // a word read at i < words stays inside the line
  let count = 0;
  let i = from;
  for (;;) {
    while (i < to && buf[i] === 32) i++;
    if (i >= to) return count;
    if (count === MAX_COLUMNS) return DECLINE;
    let c = buf[i]!;
    if (c === 34) {
      // A quoted value ends at a quote followed by a space or the end of the line.
      const s = ++i;
      while (i < words && stopsQuoted(view.getInt32(i, true)) === 0) i += 4;
      for (;;) {
        if (i >= to) return DECLINE; // unterminated
        c = buf[i]!;
        if (c === 34) {
          const next = i + 1 < to ? buf[i + 1]! : 32;
          if (next === 32) break;
          if (next === 34 || buf[i - 1] === 92) return DECLINE; // "" or \" to unescape: the string path's job
          i++;
          continue;
        }
        if ((c - 32) >>> 0 > 94) return DECLINE; // not printable ASCII (one unsigned compare)
        i++;
      }
      if (i > s && buf[i - 1] === 92) return DECLINE; // \" before the closing quote
      start[count] = s;
      end[count] = i;
      count++;
      i++;
    } else {
      const s = i;
      while (i < words && stopsValue(view.getInt32(i, true)) === 0) i += 4;
      for (; i < to; i++) {
        c = buf[i]!;
        // 33..126 are printable; one unsigned compare for the rest (space ends the value, anything else declines)
        if ((c - 33) >>> 0 > 93) {
          if (c === 32) break;
          return DECLINE;
        }
      }
      start[count] = s;
      end[count] = i;
      count++;
    }
  }
}

/** A Buffer's own latin1 decoder (no argument checks); the fast path only decodes ASCII. */
type Latin1 = Uint8Array & { latin1Slice(start: number, end: number): string };

const TABLE_BITS = 13;
const TABLE_SIZE = 1 << TABLE_BITS;
/** Values longer than this are not looked up in the string table. */
const INTERN_MAX = 512;
/** Bytes of the interned values, kept to compare a value's bytes with (the table starts over when it is full). */
const ARENA_SIZE = 1 << 20;
/** After this many lookups a column is judged: one whose values rarely repeat stops being looked up. */
const JUDGE_AFTER = 4096;

/** How a slot's value is read on the fast path. */
const enum Read {
  TEXT = 0,
  /** Digits to a number with no upper bound beyond 15 digits. */
  COUNT = 1,
  PORT = 2,
  STATUS = 3,
  TIME = 4,
  QUERY = 5,
  /** A value the fast path leaves to the string path (whole URIs, epoch and local times, request lines…). */
  DECLINE = 6,
}

function readOf(slot: number): Read {
  switch (slot) {
    case Slot.DURATION_MS:
    case Slot.IN_BYTES:
    case Slot.OUT_BYTES:
      return Read.COUNT;
    case Slot.SRC_PORT:
    case Slot.URI_PORT:
    case Slot.S_PORT:
      return Read.PORT;
    case Slot.STATUS:
      return Read.STATUS;
    case Slot.TIME:
      return Read.TIME;
    case Slot.QUERY:
      return Read.QUERY;
    case Slot.UNMAPPED:
    case Slot.DATE:
    case Slot.DURATION_S:
    case Slot.SRC_IP:
    case Slot.USER:
    case Slot.USER_ALT:
    case Slot.AUTH_GROUP:
    case Slot.DST_IP:
    case Slot.METHOD:
    case Slot.SCHEME:
    case Slot.HOST:
    case Slot.PATH:
    case Slot.EXTENSION:
    case Slot.ACTION:
    case Slot.FILTER_RESULT:
    case Slot.FILTER_RULE:
    case Slot.CATEGORY:
    case Slot.REFERRER:
    case Slot.BROWSER:
    case Slot.CTYPE:
    case Slot.EXCEPTION:
    case Slot.HIERARCHY:
    case Slot.SUPPLIER:
    case Slot.SITE:
    case Slot.VIRUS:
    case Slot.APP_NAME:
    case Slot.APP_OP:
    case Slot.HTTP_VERSION:
    case Slot.DVC_HOST:
      return Read.TEXT;
    default:
      return Read.DECLINE;
  }
}

/** A layout compiled for the fast path: how each column is read, and which columns are worth interning. */
interface FastLayout {
  readonly reads: Uint8Array;
  /** 1: look the column's values up in the string table. */
  readonly intern: Uint8Array;
  readonly lookups: Int32Array;
  readonly hits: Int32Array;
}

/**
 * Reads ELFF records from bytes into drafts. Values that repeat (user agents, hosts, methods, content types,
 * categories, dates…) come from a direct-mapped table of strings already made, keyed by a hash of a few of their
 * bytes and checked byte for byte, so most lines allocate only their paths, queries and the event.
 */
export class ElffBytesReader {
  readonly #table: (string | undefined)[] = new Array<string | undefined>(TABLE_SIZE).fill(undefined);
  /** Where each table entry's bytes are in the arena, and how many (-1: no entry), read without touching the string. */
  readonly #at = new Int32Array(TABLE_SIZE);
  readonly #len = new Int32Array(TABLE_SIZE).fill(-1);
  readonly #arena = new Uint8Array(ARENA_SIZE);
  readonly #arenaView = new DataView(this.#arena.buffer);
  #arenaUsed = 0;
  readonly #fast = new WeakMap<Layout, FastLayout | null>();
  #lastLayout: Layout | undefined = undefined;
  #lastFast: FastLayout | null = null;

  /** The fast-path form of a layout, or null when one of its columns needs the string path. */
  #compile(layout: Layout): FastLayout | null {
    if (layout === this.#lastLayout) return this.#lastFast;
    let f = this.#fast.get(layout);
    if (f === undefined) {
      const n = layout.slots.length;
      const reads = new Uint8Array(n);
      const intern = new Uint8Array(n);
      let ok = true;
      for (let k = 0; k < n; k++) {
        const r = readOf(layout.slots[k]!);
        if (r === Read.DECLINE) ok = false;
        reads[k] = r;
        intern[k] = r === Read.TEXT ? 1 : 0;
      }
      f = ok ? { reads, intern, lookups: new Int32Array(n), hits: new Int32Array(n) } : null;
      this.#fast.set(layout, f);
    }
    this.#lastLayout = layout;
    this.#lastFast = f;
    return f;
  }

  /** Whether lines under `layout` can be read here at all. */
  accepts(layout: Layout): boolean {
    return this.#compile(layout) !== null;
  }

  /**
   * Reads the line `buf[from, to)` under `layout` into `draft` (reset first). Returns false, with the draft in
   * any state, when the line is not one the fast path takes: the caller then reads it as a string.
   */
  read(buf: Uint8Array, from: number, to: number, layout: Layout, spans: Spans, draft: RecordDraft): boolean {
    const fast = this.#compile(layout);
    if (fast === null) return false;
    const n = tokenizeBytes(buf, from, to, spans);
    if (n !== layout.slots.length) return false;
    draft.resetFor(layout.slots);
    draft.bytes = bytesOf(buf);
    const v = draft.v;
    const nums = draft.n;
    const bs = draft.bs;
    const be = draft.be;
    const slots = layout.slots;
    const keys = layout.keys;
    const reads = fast.reads;
    const start = spans.start;
    const end = spans.end;
    for (let k = 0; k < n; k++) {
      let s = start[k]!;
      const e = end[k]!;
      if (e === s || (e - s === 1 && buf[s] === 45)) continue; // "" and - are empty
      const slot = slots[k]!;
      switch (reads[k]) {
        case Read.COUNT:
        case Read.PORT:
        case Read.STATUS: {
          const x = digitsOf(buf, s, e);
          const r = reads[k];
          if (x >= 0 && (r === Read.COUNT || (r === Read.PORT ? x <= 65535 : x <= 999))) {
            nums[slot] = x;
            v[slot] = undefined;
            continue;
          }
          break; // not a plain number: as text, for finish to judge and name
        }
        case Read.TIME: {
          const x = hmsOf(buf, s, e);
          if (x >= 0) {
            nums[slot] = x;
            v[slot] = undefined;
            continue;
          }
          break;
        }
        case Read.QUERY:
          if (buf[s] === 63) {
            // finish drops one leading "?", and a query that is only "?"
            if (e - s === 1) {
              v[slot] = undefined;
              continue;
            }
            if (buf[s + 1] === 63) return false; // "??…": left to finish as it is
            s++;
          }
          break;
        default:
          break;
      }
      const text = fast.intern[k] === 1 && e - s <= INTERN_MAX ? this.#intern(fast, k, buf, s, e) : (buf as Latin1).latin1Slice(s, e);
      if (slot === Slot.UNMAPPED) {
        (draft.attrs ??= {})[keys[k]!] = text;
        continue;
      }
      v[slot] = text;
      nums[slot] = NaN;
      bs[slot] = s;
      be[slot] = e;
    }
    return true;
  }

  #intern(fast: FastLayout, k: number, buf: Uint8Array, s: number, e: number): string {
    const len = e - s;
    let h = len;
    if (len <= 16) for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    else {
      // eight bytes spread over the value, the last ones included (user agents share long prefixes)
      const step = len >>> 3;
      for (let i = e - 1; i >= s; i -= step) h = Math.imul(h ^ buf[i]!, 0x01000193);
    }
    h = (h ^ (h >>> 15)) & (TABLE_SIZE - 1);
    const table = this.#table;
    const lookups = ++fast.lookups[k]!;
    if (this.#len[h] === len && sameBytes(viewOf(buf), s, this.#arenaView, this.#at[h]!, len)) {
      fast.hits[k]!++;
      return table[h]!;
    }
    const text = (buf as Latin1).latin1Slice(s, e);
    let at = this.#arenaUsed;
    if (at + len > ARENA_SIZE) {
      table.fill(undefined);
      this.#len.fill(-1);
      at = 0;
    }
    const arena = this.#arena;
    for (let i = 0; i < len; i++) arena[at + i] = buf[s + i]!;
    this.#arenaUsed = at + len;
    this.#at[h] = at;
    this.#len[h] = len;
    table[h] = text;
    if (lookups === JUDGE_AFTER && fast.hits[k]! < JUDGE_AFTER / 4) fast.intern[k] = 0; // rarely repeats
    return text;
  }
}

/** `len` bytes at `a` in one view equal those at `b` in the other: compared four at a time. */
function sameBytes(x: DataView, a: number, y: DataView, b: number, len: number): boolean {
  let i = 0;
  for (; i + 4 <= len; i += 4) if (x.getInt32(a + i, true) !== y.getInt32(b + i, true)) return false;
  for (; i < len; i++) if (x.getUint8(a + i) !== y.getUint8(b + i)) return false;
  return true;
}

/** Up to 15 decimal digits -> their value, else -1. */
function digitsOf(buf: Uint8Array, s: number, e: number): number {
  if (e - s > 15) return -1;
  let x = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

/** Exactly `HH:MM:SS` (a valid time of day) -> ms since midnight, else -1 (other forms go to the string path). */
function hmsOf(buf: Uint8Array, s: number, e: number): number {
  if (e - s !== 8 || buf[s + 2] !== 58 || buf[s + 5] !== 58) return -1;
  const h = two(buf, s);
  const m = two(buf, s + 3);
  const sec = two(buf, s + 6);
  if (h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 || sec > 60) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000;
}

function two(buf: Uint8Array, i: number): number {
  const a = buf[i]! - 48;
  const b = buf[i + 1]! - 48;
  return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
}
