import { murmur3x86128 } from '@sightline/core';

/**
 * Event ids of NetFlow / IPFIX records. Like core's `computeEventId` they are a deterministic 128-bit
 * MurmurHash3 of the event's identity and its position in its source, but taken over what the decoded fields
 * are made from, not over the fields themselves: the record's bytes, its template id, its packet's context
 * (exporter, version, domain, export, uptime, boot and receive times, sampling) and the record's position. The
 * same input read again gives the same ids; two records differ in bytes, context or position. Serialising every
 * decoded field for the hash cost more than decoding the record (about half the time per flow), which is why
 * this package hashes the bytes instead.
 */
const SEED = 0x6e660001;
const lanes = new Uint32Array(4);
const HC = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
let buf = new Uint8Array(4096);
let view = new DataView(buf.buffer);
const encoder = new TextEncoder();

/** The part of the hashed bytes that is the same for every record of a packet (a 128-bit digest of it). */
export function packetIdPrefix(version: number, exporter: string, domain: number, eventTime: number, exportMs: number, uptimeMs: number, systemInitMs: number, sampling: number): Uint8Array {
  const ex = encoder.encode(exporter);
  const p = new Uint8Array(1 + 1 + 4 + 8 * 4 + 4 + 2 + ex.length);
  const v = new DataView(p.buffer);
  p[0] = 0x4e;
  p[1] = version;
  v.setUint32(2, domain >>> 0);
  v.setFloat64(6, eventTime);
  v.setFloat64(14, exportMs);
  v.setFloat64(22, uptimeMs);
  v.setFloat64(30, systemInitMs);
  v.setUint32(38, sampling >>> 0);
  v.setUint16(42, ex.length);
  p.set(ex, 44);
  // Hashed once per packet down to 16 bytes: every record id then hashes 16 bytes of context, not all of it.
  const digest = new Uint8Array(16);
  murmur3x86128(p, p.length, SEED ^ 0x5a5a, lanes);
  const dv = new DataView(digest.buffer);
  for (let i = 0; i < 4; i++) dv.setUint32(i * 4, lanes[i]!);
  return digest;
}

/** The id of the record `raw[start, end)` of template `templateId`, at `ordinal`, in a packet with `prefix`. */
export function recordId(prefix: Uint8Array, templateId: number, ordinal: number, raw: Uint8Array, start: number, end: number): string {
  const len = prefix.length + 10 + (end - start);
  if (len > buf.length) {
    buf = new Uint8Array(len * 2);
    view = new DataView(buf.buffer);
  }
  buf.set(prefix, 0);
  let p = prefix.length;
  view.setUint16(p, templateId);
  view.setFloat64(p + 2, ordinal);
  p += 10;
  for (let i = start; i < end; i++) buf[p++] = raw[i]!;
  murmur3x86128(buf, p, SEED, lanes);
  // One call that makes one flat string (concatenating 16 hex pairs made 16 short-lived strings per record).
  const a = lanes[0]!;
  const b = lanes[1]!;
  const c = lanes[2]!;
  const d = lanes[3]!;
  return String.fromCharCode(
    HC[a >>> 28]!, HC[(a >>> 24) & 15]!, HC[(a >>> 20) & 15]!, HC[(a >>> 16) & 15]!, HC[(a >>> 12) & 15]!, HC[(a >>> 8) & 15]!, HC[(a >>> 4) & 15]!, HC[a & 15]!,
    HC[b >>> 28]!, HC[(b >>> 24) & 15]!, HC[(b >>> 20) & 15]!, HC[(b >>> 16) & 15]!, HC[(b >>> 12) & 15]!, HC[(b >>> 8) & 15]!, HC[(b >>> 4) & 15]!, HC[b & 15]!,
    HC[c >>> 28]!, HC[(c >>> 24) & 15]!, HC[(c >>> 20) & 15]!, HC[(c >>> 16) & 15]!, HC[(c >>> 12) & 15]!, HC[(c >>> 8) & 15]!, HC[(c >>> 4) & 15]!, HC[c & 15]!,
    HC[d >>> 28]!, HC[(d >>> 24) & 15]!, HC[(d >>> 20) & 15]!, HC[(d >>> 16) & 15]!, HC[(d >>> 12) & 15]!, HC[(d >>> 8) & 15]!, HC[(d >>> 4) & 15]!, HC[d & 15]!,
  );
}
