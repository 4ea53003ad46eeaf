import type { InputSource } from '../contracts/input.js';

export interface Line {
  /** The line without its `\n` (and `\r`), decoded as UTF-8; the first `maxLineBytes` bytes when too long. */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the line's first byte in the input. */
  readonly offset: number;
  /** Bytes the line really had, without its line ending (it may be longer than `text` when truncated). */
  readonly bytes: number;
  /** The line was longer than `maxLineBytes`; `text` holds its beginning. */
  readonly truncated: boolean;
  /** The input ended without a newline after this line (a file cut mid-line, or no final newline). */
  readonly unterminated: boolean;
}

export interface ReadLinesOptions {
  /** Longest line kept whole; longer lines are cut to this and flagged. Default 1 MiB. */
  readonly maxLineBytes?: number;
}

const NL = 10;
const CR = 13;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Splits a stream source into lines, yielding each chunk's complete lines as one array. Memory is bounded by
 * `maxLineBytes` whatever the input (a 10 GiB line costs at most that). Empty lines are yielded too, so line
 * numbers stay true.
 */
export async function* readLines(source: InputSource, options: ReadLinesOptions = {}): AsyncGenerator<Line[]> {
  const max = options.maxLineBytes ?? 1024 * 1024;
  let parts: Buffer[] = []; // kept bytes of the current (partial) line, copied out of their chunks
  let kept = 0;
  let dropped = 0;
  let lastByte = -1;
  let lineNo = 0;
  let lineOffset = 0;
  let position = 0;

  const emit = (tail: Buffer | undefined, unterminated: boolean): Line => {
    let buf: Buffer;
    if (parts.length === 0) buf = tail ?? Buffer.alloc(0);
    else buf = Buffer.concat(tail === undefined ? parts : [...parts, tail]);
    let total = buf.length + dropped;
    let end = buf.length;
    if (lastByte === CR) {
      total--;
      if (dropped === 0) end--;
    }
    const line: Line = {
      text: buf.toString('utf8', 0, Math.min(end, max)),
      line: ++lineNo,
      offset: lineOffset,
      bytes: total,
      truncated: total > max,
      unterminated,
    };
    parts = [];
    kept = 0;
    dropped = 0;
    lastByte = -1;
    return line;
  };

  for await (const chunk of source.chunks()) {
    const buf = asBuffer(chunk.bytes);
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      const len = nl - start;
      if (len > 0) lastByte = buf[nl - 1]!;
      const room = max + 1 - kept; // keep one byte beyond max so a trailing CR can be recognised
      let seg: Buffer | undefined = buf.subarray(start, nl);
      if (len > room) {
        dropped += len - room;
        seg = room > 0 ? seg.subarray(0, room) : undefined;
      }
      out.push(emit(seg, false));
      start = nl + 1;
      lineOffset = position + start;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      lastByte = rest[rest.length - 1]!;
      const room = max + 1 - kept;
      if (room > 0) {
        const take = Buffer.from(rest.subarray(0, Math.min(room, rest.length))); // copy: the chunk may be reused
        parts.push(take);
        kept += take.length;
        dropped += rest.length - take.length;
      } else {
        dropped += rest.length;
      }
    }
    position += buf.length;
    if (out.length > 0) yield out;
  }
  if (kept > 0 || dropped > 0) yield [emit(undefined, true)];
}
