import type { InputSource } from '@sightline/core';

export const SNIFF_BYTES = 64 * 1024;

/**
 * Reads the first bytes of a source for format detection (up to 64 KiB, or the first datagram) and returns a
 * source that replays them, so the decoder sees the input from its first byte. The returned source can be read once.
 */
export async function peekSource(source: InputSource): Promise<{ head: Uint8Array; source: InputSource }> {
  const it = source.chunks()[Symbol.asyncIterator]();
  const buffered: { bytes: Uint8Array; offset: number }[] = [];
  let total = 0;
  let done = false;
  while (total < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    buffered.push(r.value);
    total += r.value.bytes.length;
    if (source.framing === 'datagram') break;
  }
  const head = Buffer.concat(buffered.map((b) => b.bytes)).subarray(0, SNIFF_BYTES);
  const replay: InputSource = {
    ...source,
    async *chunks() {
      yield* buffered;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done === true) return;
        yield r.value;
      }
    },
  };
  return { head, source: replay };
}

