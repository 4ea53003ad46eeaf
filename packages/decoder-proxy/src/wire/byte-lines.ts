import type { Line } from '@sightline/core';

/**
 * Line framing over the input's bytes, with the same lines, numbers, offsets, truncation and line-end rules as
 * core's `readLines`, but without decoding each line into a string: the decoder looks at a line's bytes where they
 * lie in the chunk and makes a `Line` (a string) only for the lines it reads as text. A line cut by a chunk boundary
 * is kept like `readLines` keeps it: at most `max + 1` bytes, copied, the rest counted.
 */

const CR = 13;

/** The bytes of a line, where they are: `bytes[start, end)` kept, `dropped` more not kept, its last byte. */
export interface LineBytes {
  bytes: Buffer;
  start: number;
  end: number;
  dropped: number;
  /** The line's last byte (before its `\n`), -1 for an empty line. */
  lastByte: number;
}

export class LineFramer {
  readonly #max: number;
  #parts: Buffer[] = [];
  #kept = 0;
  #dropped = 0;
  #lastByte = -1;
  /** The line being framed: filled by `line`/`tail` and read by the caller before the next call. */
  readonly out: LineBytes = { bytes: Buffer.alloc(0), start: 0, end: 0, dropped: 0, lastByte: -1 };

  constructor(maxLineBytes: number) {
    this.#max = maxLineBytes;
  }

  get max(): number {
    return this.#max;
  }

  /** Bytes of an unfinished line are waiting for the next chunk. */
  get pending(): boolean {
    return this.#kept > 0 || this.#dropped > 0;
  }

  /** Frames the line that ends (before its `\n`) at `nl` in `buf` and started at `start` (or in earlier chunks). */
  line(buf: Buffer, start: number, nl: number): LineBytes {
    const out = this.out;
    const len = nl - start;
    if (this.#parts.length === 0 && this.#dropped === 0) {
      const room = this.#max + 1;
      out.bytes = buf;
      out.start = start;
      out.end = len > room ? start + room : nl;
      out.dropped = len > room ? len - room : 0;
      out.lastByte = len > 0 ? buf[nl - 1]! : -1;
      return out;
    }
    if (len > 0) this.#keep(buf.subarray(start, nl), false);
    return this.#flush();
  }

  /** Keeps the start of a line that the chunk ends inside. */
  rest(buf: Buffer, start: number): void {
    if (start < buf.length) this.#keep(buf.subarray(start), true);
  }

  /** The last line of an input without a final `\n` (call only when `pending`). */
  tail(): LineBytes {
    return this.#flush();
  }

  #keep(seg: Buffer, copy: boolean): void {
    this.#lastByte = seg[seg.length - 1]!;
    const room = this.#max + 1 - this.#kept;
    if (room > 0) {
      const part = seg.subarray(0, Math.min(room, seg.length));
      const take = copy ? Buffer.from(part) : part; // copy: the chunk may be reused
      this.#parts.push(take);
      this.#kept += take.length;
      this.#dropped += seg.length - take.length;
    } else this.#dropped += seg.length;
  }

  #flush(): LineBytes {
    const out = this.out;
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    out.bytes = bytes;
    out.start = 0;
    out.end = bytes.length;
    out.dropped = this.#dropped;
    out.lastByte = this.#lastByte;
    this.#parts = [];
    this.#kept = 0;
    this.#dropped = 0;
    this.#lastByte = -1;
    return out;
  }
}

/** The line's content end: before a final `\r` (when the whole line was kept). */
export function contentEnd(l: LineBytes): number {
  return l.lastByte === CR && l.dropped === 0 ? l.end - 1 : l.end;
}

/** The line's length in bytes without its line end, kept or not. */
export function lineLength(l: LineBytes): number {
  return l.end - l.start + l.dropped - (l.lastByte === CR ? 1 : 0);
}

/** The `Line` `readLines` would give for these bytes. */
export function toLine(l: LineBytes, max: number, line: number, offset: number, unterminated: boolean): Line {
  const total = lineLength(l);
  return {
    text: l.bytes.toString('utf8', l.start, Math.min(contentEnd(l), l.start + max)),
    line,
    offset,
    bytes: total,
    truncated: total > max,
    unterminated,
  };
}
