import { type OdmEvent, type Stream, toEcs } from '@sightline/core';
import { type Targets, documentId } from './targets.js';

/** One bulk request: its NDJSON body and which batch items it carries. */
export interface BulkChunk {
  body: string;
  bytes: number;
  /** Indexes into the batch, in body order. */
  readonly items: number[];
}

export interface EncodeResult {
  readonly chunks: BulkChunk[];
  /** Items that could not be serialised, with why. */
  readonly unencodable: { index: number; reason: string }[];
}

/**
 * Encodes a batch as `create` actions (a retry of a delivered document answers 409, never duplicates it) with
 * ECS documents, split into requests of at most `maxEvents` documents and `maxBytes` bytes. A document larger
 * than `maxBytes` travels alone (the cluster's own limit decides).
 */
export function encodeBulk(events: readonly OdmEvent[], stream: Stream, targets: Targets, maxEvents: number, maxBytes: number): EncodeResult {
  const chunks: BulkChunk[] = [];
  const unencodable: { index: number; reason: string }[] = [];
  let cur: BulkChunk = { body: '', bytes: 0, items: [] };
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    let entry: string;
    try {
      entry = `{"create":{"_index":${JSON.stringify(targets.of(stream, e))},"_id":${JSON.stringify(documentId(stream, e))}}}\n${JSON.stringify(toEcs(e, stream))}\n`;
    } catch (err) {
      unencodable.push({ index: i, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const bytes = Buffer.byteLength(entry);
    if (cur.items.length > 0 && (cur.items.length >= maxEvents || cur.bytes + bytes > maxBytes)) {
      chunks.push(cur);
      cur = { body: '', bytes: 0, items: [] };
    }
    cur.body += entry;
    cur.bytes += bytes;
    cur.items.push(i);
  }
  if (cur.items.length > 0) chunks.push(cur);
  return { chunks, unencodable };
}

/** Splits a chunk's body in two halves by item (after a 413). */
export function halve(chunk: BulkChunk): [BulkChunk, BulkChunk] {
  const lines = chunk.body.split('\n');
  const mid = Math.ceil(chunk.items.length / 2);
  const make = (from: number, to: number): BulkChunk => {
    const body = `${lines.slice(from * 2, to * 2).join('\n')}\n`;
    return { body, bytes: Buffer.byteLength(body), items: chunk.items.slice(from, to) };
  };
  return [make(0, mid), make(mid, chunk.items.length)];
}
