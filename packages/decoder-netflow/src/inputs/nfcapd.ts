import type { DecodeBatch, InputSource } from '@sightline/core';
import { Batcher } from './batches.js';

export async function* decodeNfcapd(source: InputSource, batch: Batcher, signal: AbortSignal, keepRaw: boolean): AsyncGenerator<DecodeBatch> {
  void signal;
  void keepRaw;
  for await (const c of source.chunks()) void c;
  batch.issues.push({ code: 'SL_DECODE_UNSUPPORTED', message: `${source.name}: nfcapd files are not read yet`, source: source.name });
  yield* batch.take(true);
}
