import { describe, expect, it } from 'vitest';
import { addRecordId, packetIdPrefix, recordId, recordIdsText, reserveRecordIds } from '../src/record-id.js';

describe('record ids', () => {
  const raw = new Uint8Array(4096);
  for (let i = 0; i < raw.length; i++) raw[i] = (Math.imul(i + 1, 2654435761) >>> 13) & 255;
  const digest = packetIdPrefix(9, '10.0.0.1:9', 7, 1, 2, 3, 4, 5);

  it('gives a known id (MurmurHash3 x86-128 over the record, keyed by its packet, template and position)', () => {
    // Ids already stored must not change when the hash code does.
    // Pinned from the byte-loop implementation that came before the DataView one.
    expect(recordId(digest, 256, 65536 + 20, raw, 20, 65)).toBe('017c5fc1bbe5ae69e12a495fd0a52437');
    expect(recordId(digest, 0, 7, raw, 100, 148)).toBe('cd903d4820d0f6b141a7cda00bcc05e6');
    expect(recordId(digest, 256, 65536 + 20, raw, 20, 65)).not.toBe(recordId(digest, 256, 65536 + 21, raw, 20, 65));
  });

  it('gives the same ids one at a time and in a batch, for every record length and tail, at any offset', () => {
    for (let length = 0; length <= 70; length++) {
      const n = 5;
      reserveRecordIds(n);
      for (let k = 0; k < n; k++) addRecordId(k, digest, 300 + length, k * 1e10 + length, raw, 3 + k * length, 3 + (k + 1) * length);
      const text = recordIdsText(n);
      expect(text.length).toBe(32 * n);
      for (let k = 0; k < n; k++) expect(text.slice(32 * k, 32 * k + 32)).toBe(recordId(digest, 300 + length, k * 1e10 + length, raw, 3 + k * length, 3 + (k + 1) * length));
    }
    // A batch larger than the scratch buffer grows it.
    reserveRecordIds(1000);
    for (let k = 0; k < 1000; k++) addRecordId(k, digest, 256, k, raw, k, k + 45);
    const text = recordIdsText(1000);
    for (const k of [0, 1, 63, 64, 500, 999]) expect(text.slice(32 * k, 32 * k + 32)).toBe(recordId(digest, 256, k, raw, k, k + 45));
  });
});
