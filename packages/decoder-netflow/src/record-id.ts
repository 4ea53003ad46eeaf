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
const le32 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

/**
 * The id of the record `raw[start, end)` of template `templateId` at `ordinal`, in a packet with context digest
 * `digest`: MurmurHash3 x86-128 rounds over the record's bytes in place (no copy), the hash state starting from the
 * digest mixed with template id and position.
 */
export function recordId(digest: Uint32Array, templateId: number, ordinal: number, raw: Uint8Array, start: number, end: number): string {
  const length = end - start;
  let h1 = digest[0]! ^ templateId;
  let h2 = digest[1]! ^ (ordinal >>> 0);
  let h3 = digest[2]! ^ Math.floor(ordinal / 4294967296);
  let h4 = digest[3]! ^ length;
  const blocks = start + (length & ~15);
  let k1: number;
  let k2: number;
  let k3: number;
  let k4: number;
  for (let i = start; i < blocks; i += 16) {
    k1 = Math.imul(rotl(Math.imul(le32(raw, i), C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(le32(raw, i + 4), C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(le32(raw, i + 8), C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(le32(raw, i + 12), C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const tail = length & 15;
  k1 = 0;
  k2 = 0;
  k3 = 0;
  k4 = 0;
  for (let j = 0; j < tail; j++) {
    const v = raw[blocks + j]! << ((j & 3) * 8);
    if (j < 4) k1 ^= v;
    else if (j < 8) k2 ^= v;
    else if (j < 12) k3 ^= v;
    else k4 ^= v;
  }
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
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
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  lanes[0] = h1;
  lanes[1] = h2;
  lanes[2] = h3;
  lanes[3] = h4;
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
