import type { InputSource, Issue } from '@sightline/core';
import { CaptureCursor, type CaptureReaderOptions, type CapturedPacket } from './capture-cursor.js';

export { sniffCapture } from './capture-cursor.js';
export type { CaptureFormat, CaptureReaderOptions, CapturedPacket } from './capture-cursor.js';

export interface CaptureBatch {
  readonly packets: CapturedPacket[];
  readonly issues: Issue[];
}

/** Every packet the cursor can complete now, as objects, in batches of at most `batchSize`. */
function* drain(cursor: CaptureCursor, batchSize: number): Generator<CaptureBatch> {
  let packets: CapturedPacket[] = [];
  while (cursor.next()) {
    packets.push(cursor.packet());
    if (packets.length >= batchSize) {
      yield { packets, issues: cursor.takeIssues() };
      packets = [];
    }
  }
  const issues = cursor.takeIssues();
  if (packets.length > 0 || issues.length > 0) yield { packets, issues };
}

/**
 * Reads the packets of a pcap or pcapng capture from a stream source, a batch at a time, in memory bounded by one
 * record whatever the file's size. Corrupt or truncated records become coded issues with their offset; reading
 * stops at corruption it cannot step over (an impossible record length), after everything before it was read.
 *
 * pcap: both byte orders, micro- and nanosecond timestamps, the "modified" variant. pcapng: sections (each with
 * its own byte order), several interfaces with their own link types and timestamp resolutions/offsets, enhanced,
 * simple and obsolete packet blocks; other blocks are skipped. (`CaptureCursor` reads the same without making an
 * object per packet.)
 */
export async function* readCapture(source: InputSource, options: CaptureReaderOptions = {}): AsyncGenerator<CaptureBatch> {
  const cursor = new CaptureCursor(source.name, options);
  const batchSize = options.batchPackets ?? 1024;
  for await (const chunk of source.chunks()) {
    cursor.feed(chunk.bytes, chunk.offset);
    yield* drain(cursor, batchSize);
  }
  cursor.finish();
  const issues = cursor.takeIssues();
  if (issues.length > 0) yield { packets: [], issues };
}

/**
 * The same reader over bytes already in memory, synchronously: every complete packet in `bytes` and the issues,
 * in one batch. With `partial`, bytes that end in the middle of a record are not an issue (a probe's head of a
 * longer capture, as decoders see in `sniff`).
 */
export function readCaptureBytes(bytes: Uint8Array, options: CaptureReaderOptions & { readonly name?: string; readonly partial?: boolean } = {}): CaptureBatch {
  const cursor = new CaptureCursor(options.name ?? 'capture', options);
  const packets: CapturedPacket[] = [];
  cursor.feed(bytes, 0);
  while (cursor.next()) packets.push(cursor.packet());
  if (options.partial !== true) {
    cursor.finish();
  }
  return { packets, issues: cursor.takeIssues() };
}
