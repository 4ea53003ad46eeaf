import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { InputChunk, InputSource } from '@sightline/core';
import { SightlineError, describeCause } from '@sightline/core';

const CHUNK = 256 * 1024;

async function isGzip(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await h.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/** Chunks of a readable stream, with running offsets. Errors become SL_INPUT_UNREADABLE naming the input. */
export async function* streamChunks(stream: NodeJS.ReadableStream, name: string): AsyncGenerator<InputChunk> {
  let offset = 0;
  try {
    for await (const data of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      yield { bytes, offset };
      offset += bytes.length;
    }
  } catch (cause) {
    throw new SightlineError('SL_INPUT_UNREADABLE', `reading ${name} failed after ${offset} bytes: ${describeCause(cause)}`, { stage: 'input', cause, details: { offset } });
  }
}

/**
 * A file as an input source, read in 256 KiB chunks as its consumer pulls (back-pressure), decompressed on the
 * fly when it is gzip (by magic bytes, whatever its name). A truncated or corrupt gzip stream ends the input with
 * SL_INPUT_UNREADABLE after everything before the damage was delivered.
 */
export async function fileSource(path: string): Promise<InputSource> {
  let size: number;
  let gz: boolean;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
    gz = await isGzip(path);
  } catch (cause) {
    throw new SightlineError('SL_INPUT_UNREADABLE', `cannot read input ${path}: ${describeCause(cause)}`, { stage: 'input', cause });
  }
  return {
    name: path,
    framing: 'stream',
    size,
    chunks() {
      const raw = createReadStream(path, { highWaterMark: CHUNK });
      if (!gz) return streamChunks(raw, path);
      const gunzip = createGunzip({ chunkSize: CHUNK });
      raw.on('error', (e) => gunzip.destroy(e));
      return streamChunks(raw.pipe(gunzip), path);
    },
  };
}

/** Resolves with the first bytes a stream has buffered (put back with unshift), or null at its end. */
function peek(stream: NodeJS.ReadableStream & { read(): Buffer | null; unshift(b: Buffer): void }): Promise<Buffer | null> {
  return new Promise((resolvePeek, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = (): void => {
      const data: Buffer | string | null = stream.read();
      if (data === null) return; // wait for more
      cleanup();
      const b = typeof data === 'string' ? Buffer.from(data) : data;
      stream.unshift(b);
      resolvePeek(b);
    };
    const onEnd = (): void => {
      cleanup();
      resolvePeek(null);
    };
    const onError = (e: unknown): void => {
      cleanup();
      reject(e);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** Standard input as an input source (so `tcpdump -w -` or `zcat` can feed a pipeline); gzip is detected and decompressed. */
export function stdinSource(stdin: NodeJS.ReadableStream = process.stdin): InputSource {
  return {
    name: 'stdin',
    framing: 'stream',
    async *chunks() {
      const head = await peek(stdin as NodeJS.ReadableStream & { read(): Buffer | null; unshift(b: Buffer): void });
      if (head === null) return;
      const gz = head[0] === 0x1f && head[1] === 0x8b;
      yield* streamChunks(gz ? stdin.pipe(createGunzip({ chunkSize: CHUNK })) : stdin, 'stdin');
    },
  };
}
