import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';

/** Called for each non-empty line: its text (without the line break) and its byte position in the file. */
export type LineVisitor = (text: string, offset: number, length: number) => void;

export interface ScanOptions {
  readonly signal?: AbortSignal;
  /** Longer lines are skipped and counted (default 16 MiB): no allocation grows past this. */
  readonly maxLineBytes?: number;
  /** Told the bytes read so far, now and then. */
  readonly onProgress?: (bytes: number) => void;
}

export interface ScanResult {
  readonly bytes: number;
  readonly lines: number;
  readonly tooLong: number;
  /** False for gzip files: offsets are into the decompressed stream and cannot be read back by position. */
  readonly seekable: boolean;
}

const NL = 0x0a;
const CR = 0x0d;

export function isGzipPath(file: string): boolean {
  return file.endsWith('.gz');
}

/**
 * Streams an NDJSON (or any line) file in 1 MiB chunks and hands each line to `visit` with its byte offset, so a
 * caller can keep a position instead of the text. Memory is one chunk plus at most one line (bounded by
 * `maxLineBytes`). Gzip files (`.gz`) are decompressed on the fly. Gives the event loop a turn between chunks so a
 * server stays responsive while a large file is scanned.
 */
export async function scanLines(file: string, visit: LineVisitor, options: ScanOptions = {}): Promise<ScanResult> {
  const max = options.maxLineBytes ?? 16 * 1024 * 1024;
  const gz = isGzipPath(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream: Readable = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  let position = 0; // bytes of the (decompressed) stream consumed before the current chunk
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let carryStart = 0;
  let skipping = false;
  let lines = 0;
  let tooLong = 0;
  let lastYield = Date.now();

  const emit = (buf: Buffer, start: number, end: number, offset: number): void => {
    let e = end;
    if (e > start && buf[e - 1] === CR) e--;
    if (e <= start) return;
    lines++;
    visit(buf.toString('utf8', start, e), offset, e - start);
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) break;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, from);
        if (nl === -1) break;
        if (skipping) {
          skipping = false;
        } else if (carryBytes > 0) {
          if (carryBytes + (nl - from) > max) tooLong++;
          else {
            const whole = Buffer.concat([...carry, chunk.subarray(from, nl)]);
            emit(whole, 0, whole.length, carryStart);
          }
        } else if (nl - from > max) tooLong++;
        else emit(chunk, from, nl, position + from);
        carry = [];
        carryBytes = 0;
        from = nl + 1;
      }
      if (from < chunk.length && !skipping) {
        if (carryBytes === 0) carryStart = position + from;
        carryBytes += chunk.length - from;
        if (carryBytes > max) {
          tooLong++;
          skipping = true;
          carry = [];
          carryBytes = 0;
        } else carry.push(Buffer.from(chunk.subarray(from)));
      }
      position += chunk.length;
      options.onProgress?.(position);
      if (Date.now() - lastYield > 20) {
        await yieldToLoop();
        lastYield = Date.now();
      }
    }
    if (carryBytes > 0 && !options.signal?.aborted) {
      const whole = Buffer.concat(carry);
      emit(whole, 0, whole.length, carryStart);
    }
  } finally {
    stream.destroy();
    raw.destroy();
  }
  return { bytes: position, lines, tooLong, seekable: !gz };
}

/** A line kept by position (plain files) or, where positions cannot be read back (gzip), by its text. */
export type LineRef = { readonly file: number; readonly offset: number; readonly length: number } | { readonly file: number; readonly text: string };

/** Reads lines by position from one file, in the order asked; one open handle, reads sorted by offset. */
export async function readLinesAt(file: string, refs: readonly { readonly offset: number; readonly length: number }[]): Promise<string[]> {
  const out = new Array<string>(refs.length);
  if (refs.length === 0) return out;
  const order = refs.map((_, i) => i).sort((a, b) => refs[a]!.offset - refs[b]!.offset);
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.alloc(64 * 1024);
    for (const i of order) {
      const { offset, length } = refs[i]!;
      if (length > buf.length) buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, offset);
      out[i] = buf.toString('utf8', 0, bytesRead);
    }
  } finally {
    await handle.close();
  }
  return out;
}
