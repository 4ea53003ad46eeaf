import { murmur3x86128 } from '@sightline/core';

/**
 * Event ids of NetFlow / IPFIX records. Like core's `computeEventId` they are a deterministic 128-bit MurmurHash3
 * (x86, 128-bit) of the event's identity and its position in its source, but taken over what the decoded fields
 * are made from rather than over the fields themselves: the record's bytes (read where they lie in the packet),
 * keyed by a 128-bit digest of its packet's context (exporter, version, domain, export, uptime, boot and receive
 * times, sampling), its template id and its position. The same input read again gives the same ids; two records
 * differ in bytes, context or position. Serialising every decoded field for the hash cost more than decoding the
 * record, which is why this package hashes the bytes.
 */
const SEED = 0x6e660001;
const lanes = new Uint32Array(4);
const HC = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const encoder = new TextEncoder();
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** The context bytes hashed for a packet: fixed fields, then the exporter's UTF-8 (kept while the exporter is the same). */
let ctxBytes = new Uint8Array(44 + 64);
let ctxView = new DataView(ctxBytes.buffer);
let ctxExporter = '';
let ctxExporterLength = 0;

/** The 128-bit digest of what every record of a packet shares (four 32-bit lanes). */
export function packetIdPrefix(version: number, exporter: string, domain: number, eventTime: number, exportMs: number, uptimeMs: number, systemInitMs: number, sampling: number): Uint32Array {
  if (exporter !== ctxExporter) {
    const ex = encoder.encode(exporter);
    if (44 + ex.length > ctxBytes.length) {
      ctxBytes = new Uint8Array(44 + ex.length);
      ctxView = new DataView(ctxBytes.buffer);
    }
    ctxBytes.set(ex, 44);
    ctxExporter = exporter;
    ctxExporterLength = ex.length;
  }
  const p = ctxBytes;
  const v = ctxView;
  p[0] = 0x4e;
  p[1] = version;
  v.setUint32(2, domain >>> 0);
  v.setFloat64(6, eventTime);
  v.setFloat64(14, exportMs);
  v.setFloat64(22, uptimeMs);
  v.setFloat64(30, systemInitMs);
  v.setUint32(38, sampling >>> 0);
  v.setUint16(42, ctxExporterLength);
  const digest = new Uint32Array(4);
  murmur3x86128(p, 44 + ctxExporterLength, SEED, digest);
  return digest;
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
const fmix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};
let viewOf: Uint8Array | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));
/** The first `n` (0 to 4 and more) of the four bytes at `i`, little-endian; n >= 4 reads all four. */
const part = (b: Uint8Array, i: number, n: number): number => (n >= 4 ? view.getInt32(i, true) : n === 3 ? b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) : n === 2 ? b[i]! | (b[i + 1]! << 8) : n === 1 ? b[i]! : 0);

/**
 * MurmurHash3 x86-128 of the record `raw[start, end)` of template `templateId` at `ordinal` in a packet with context
 * digest `digest`, rounds taken over the bytes in place (no copy), the state starting from the digest mixed with
 * template id and position. The 128 bits are left in `lanes`.
 */
function hashRecord(digest: Uint32Array, templateId: number, ordinal: number, raw: Uint8Array, start: number, end: number): void {
  const length = end - start;
  let h1 = digest[0]! ^ templateId;
  let h2 = digest[1]! ^ (ordinal >>> 0);
  let h3 = digest[2]! ^ Math.floor(ordinal / 4294967296);
  let h4 = digest[3]! ^ length;
  const blocks = start + (length & ~15);
  // Words read little-endian through a DataView of the packet (one load each, not four), kept while the packet is.
  if (raw !== viewOf) {
    viewOf = raw;
    view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  const w = view;
  for (let i = start; i < blocks; i += 16) {
    h1 ^= Math.imul(rotl(Math.imul(w.getInt32(i, true), C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(w.getInt32(i + 4, true), C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(w.getInt32(i + 8, true), C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(w.getInt32(i + 12, true), C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail's four words read whole where they can (records of a set share their length: the branches predict).
  const tail = length & 15;
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(part(raw, blocks + 12, tail - 12), C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(part(raw, blocks + 8, tail - 8), C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(part(raw, blocks + 4, tail - 4), C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(part(raw, blocks, tail), C1), 15), C2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  lanes[0] = h1;
  lanes[1] = (h2 + h1) | 0;
  lanes[2] = (h3 + h1) | 0;
  lanes[3] = (h4 + h1) | 0;
}

/** The id of one record (see hashRecord) as 32 lower-case hex digits. */
export function recordId(digest: Uint32Array, templateId: number, ordinal: number, raw: Uint8Array, start: number, end: number): string {
  hashRecord(digest, templateId, ordinal, raw, start, end);
  const a = lanes[0]!;
  const b = lanes[1]!;
  const c = lanes[2]!;
  const d = lanes[3]!;
  // One call that makes one flat string (concatenating 16 hex pairs made 16 short-lived strings per record).
  return String.fromCharCode(
    HC[a >>> 28]!, HC[(a >>> 24) & 15]!, HC[(a >>> 20) & 15]!, HC[(a >>> 16) & 15]!, HC[(a >>> 12) & 15]!, HC[(a >>> 8) & 15]!, HC[(a >>> 4) & 15]!, HC[a & 15]!,
    HC[b >>> 28]!, HC[(b >>> 24) & 15]!, HC[(b >>> 20) & 15]!, HC[(b >>> 16) & 15]!, HC[(b >>> 12) & 15]!, HC[(b >>> 8) & 15]!, HC[(b >>> 4) & 15]!, HC[b & 15]!,
    HC[c >>> 28]!, HC[(c >>> 24) & 15]!, HC[(c >>> 20) & 15]!, HC[(c >>> 16) & 15]!, HC[(c >>> 12) & 15]!, HC[(c >>> 8) & 15]!, HC[(c >>> 4) & 15]!, HC[c & 15]!,
    HC[d >>> 28]!, HC[(d >>> 24) & 15]!, HC[(d >>> 20) & 15]!, HC[(d >>> 16) & 15]!, HC[(d >>> 12) & 15]!, HC[(d >>> 8) & 15]!, HC[(d >>> 4) & 15]!, HC[d & 15]!,
  );
}

/*
 * Ids of many records at once: `addRecordId` hashes a record and writes its 32 hex digits into a scratch buffer,
 * `recordIdsText` turns them all into one string, and each record's id is its 32-character slice of that string
 * (V8 makes a slice of 13 or more characters a view of its parent, not a copy). One string per data set instead
 * of one 32-argument `String.fromCharCode` per record, which cost more than the hash itself.
 */
/** Two hex digits of a byte as one little-endian 16-bit unit: first digit in the low byte. */
const HEX2 = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX2[i] = HC[i >>> 4]! | (HC[i & 15]! << 8);
let idBytes = Buffer.alloc(32 * 64);
let idUnits = new Uint16Array(idBytes.buffer, idBytes.byteOffset, idBytes.length >>> 1);

/** Makes room for `n` ids in the scratch buffer (before the first `addRecordId` of a batch). */
export function reserveRecordIds(n: number): void {
  if (n * 32 <= idBytes.length) return;
  idBytes = Buffer.alloc(Math.max(n * 32, idBytes.length * 2));
  idUnits = new Uint16Array(idBytes.buffer, idBytes.byteOffset, idBytes.length >>> 1);
}

/** Hashes a record (the arguments of `recordId`) and writes its id's hex digits as the `k`-th id of the batch. */
export function addRecordId(k: number, digest: Uint32Array, templateId: number, ordinal: number, raw: Uint8Array, start: number, end: number): void {
  hashRecord(digest, templateId, ordinal, raw, start, end);
  const u = idUnits;
  const at = k << 4;
  const a = lanes[0]!;
  const b = lanes[1]!;
  const c = lanes[2]!;
  const d = lanes[3]!;
  u[at] = HEX2[a >>> 24]!;
  u[at + 1] = HEX2[(a >>> 16) & 255]!;
  u[at + 2] = HEX2[(a >>> 8) & 255]!;
  u[at + 3] = HEX2[a & 255]!;
  u[at + 4] = HEX2[b >>> 24]!;
  u[at + 5] = HEX2[(b >>> 16) & 255]!;
  u[at + 6] = HEX2[(b >>> 8) & 255]!;
  u[at + 7] = HEX2[b & 255]!;
  u[at + 8] = HEX2[c >>> 24]!;
  u[at + 9] = HEX2[(c >>> 16) & 255]!;
  u[at + 10] = HEX2[(c >>> 8) & 255]!;
  u[at + 11] = HEX2[c & 255]!;
  u[at + 12] = HEX2[d >>> 24]!;
  u[at + 13] = HEX2[(d >>> 16) & 255]!;
  u[at + 14] = HEX2[(d >>> 8) & 255]!;
  u[at + 15] = HEX2[d & 255]!;
}

/** The first `n` ids written, one after the other (id k is `.slice(32 * k, 32 * k + 32)`). */
export function recordIdsText(n: number): string {
  return idBytes.toString('latin1', 0, n * 32);
}
