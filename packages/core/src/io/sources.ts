import type { InputChunk, InputSource } from '../contracts/input.js';

/**
 * An input source over bytes already in memory: one stream cut into the given chunks, or one datagram per
 * chunk. For tests, and for distributed workers that fetched a chunk by reference.
 */
export function memorySource(name: string, chunks: readonly Uint8Array[], framing: 'stream' | 'datagram' = 'stream'): InputSource {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  return {
    name,
    framing,
    size,
    async *chunks(): AsyncGenerator<InputChunk> {
      let offset = 0;
      for (const [i, bytes] of chunks.entries()) {
        yield { bytes, offset: framing === 'stream' ? offset : i };
        offset += bytes.length;
      }
    },
  };
}
