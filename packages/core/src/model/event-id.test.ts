import mm from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { EventFixtures } from '../testkit/fixtures.js';
import { EventIdWriter, assignEventId, computeEventId, identityFieldIndex, identityFields } from './event-id.js';
import { murmur3x86128 } from './murmur3.js';

describe('murmur3x86128', () => {
  it('matches the reference MurmurHash3 x86 128 (murmurhash3js-revisited) for every tail length', () => {
    const out = new Uint32Array(4);
    for (let len = 0; len < 70; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 255);
      murmur3x86128(bytes, len, 0x5a17e1e5, out);
      const mine = [...out].map((v) => v.toString(16).padStart(8, '0')).join('');
      expect(mine).toBe(mm.x86.hash128(bytes, 0x5a17e1e5));
    }
  });
});

describe('event ids', () => {
  it('are 32 hex digits and the same for the same decoded event and position', () => {
    const a = EventFixtures.flow();
    const b = EventFixtures.flow();
    expect(a.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(a.event_id).toBe(b.event_id);
  });

  it('change when any decoded field changes, including nested DNS answers', () => {
    const base = EventFixtures.flow();
    expect(EventFixtures.flow({ dst_port: 444 }).event_id).not.toBe(base.event_id);
    expect(EventFixtures.flow({ in_bytes: 5231 }).event_id).not.toBe(base.event_id);
    const dns = EventFixtures.dns();
    const other = EventFixtures.dns({ dns_answers: [{ name: 'www.example.com', type: 1, class: 1, ttl: 300, data: '93.184.216.35' }] });
    expect(other.event_id).not.toBe(dns.event_id);
  });

  it('keep distinct records with identical content apart by their position in the source', () => {
    expect(EventFixtures.proxy({}, 1).event_id).not.toBe(EventFixtures.proxy({}, 2).event_id);
  });

  it('ignore what enrichers and models add, the insert time, the source name and raw', () => {
    const e = EventFixtures.flow();
    const enriched = { ...e, src_zone: 'dmz', src_country_code: 'DE', score_value: 0.1, score_rank: 1, event_insert_time: 1, event_source: '/other/path', raw: 'x' };
    expect(computeEventId(enriched, 0)).toBe(e.event_id);
    for (const f of ['src_zone', 'score_value', 'event_insert_time', 'event_source', 'raw', 'event_id']) expect(identityFields('flow')).not.toContain(f);
  });

  it('differ between kinds even with the same shared fields', () => {
    const flow = assignEventId({ event_kind: 'flow', event_time: 1, src_ip: '10.0.0.1', dst_ip: '10.0.0.2' } as never);
    const dns = assignEventId({ event_kind: 'dns', event_time: 1, src_ip: '10.0.0.1', dst_ip: '10.0.0.2' } as never);
    expect((flow as { event_id: string }).event_id).not.toBe((dns as { event_id: string }).event_id);
  });

  it('stay what they were for the same event, whatever order its fields were set in (ids are stored by sinks)', () => {
    // Values computed with the first implementation (probing every field of the kind in schema order).
    const known = { flow: 'e273aaf9e447c6f397e9724f8ae8ae03', dns: 'e47f6c40504adbca6af8a55535bddd36', proxy: 'b22b99bf39d5d423217715ff0cf04f22' } as const;
    for (const kind of ['flow', 'dns', 'proxy'] as const) {
      const e = EventFixtures[kind]();
      expect(computeEventId(e, 7), kind).toBe(known[kind]);
      const reversed = Object.fromEntries(Object.entries(e).reverse()) as typeof e;
      expect(computeEventId(reversed, 7), `${kind} with its fields in reverse order`).toBe(known[kind]);
    }
  });

  it('handle non-ASCII and long strings', () => {
    const long = EventFixtures.proxy({ prx_browser: `Mözilla ${'x'.repeat(5000)} 日本` });
    expect(long.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(EventFixtures.proxy({ prx_browser: `Mözilla ${'x'.repeat(5000)} 日本` }).event_id).toBe(long.event_id);
  });
});

describe('EventIdWriter', () => {
  // Writes an event's identity fields in schema order, as a decoder building the event would.
  function viaWriter(event: Record<string, unknown> & { event_kind: 'flow' | 'dns' | 'proxy' }, ordinal?: string | number, parity = 0): string {
    const w = new EventIdWriter(event.event_kind);
    w.begin();
    for (const field of identityFields(event.event_kind)) {
      const v = event[field];
      if (v === undefined) continue;
      const i = identityFieldIndex(event.event_kind, field);
      if (typeof v === 'string') {
        // every other string as its UTF-8 bytes, inside a larger buffer
        if (i % 2 === parity) {
          const bytes = Buffer.from(`<<${v}>>`);
          w.utf8(i, bytes, 2, bytes.length - 2);
        } else w.string(i, v);
      }
      else if (typeof v === 'number') w.number(i, v);
      else w.value(i, v);
    }
    return w.finish(ordinal);
  }

  it('gives the id computeEventId gives, for every kind, with objects, non-ASCII, long strings and any ordinal', () => {
    for (const kind of ['flow', 'dns', 'proxy'] as const) {
      const e = EventFixtures[kind]() as unknown as Record<string, unknown> & { event_kind: typeof kind };
      for (const ordinal of [undefined, 0, 7, 123456789, 'seq-3/2']) expect(viaWriter(e, ordinal), `${kind} ${String(ordinal)}`).toBe(computeEventId(e, ordinal));
    }
    const p = EventFixtures.proxy({ prx_browser: `Mözilla ${'x'.repeat(5000)} 日本`, additional_attrs: { 's-supplier-ip': '1.2.3.4', extra_1: 'é' } }) as unknown as Record<string, unknown> & { event_kind: 'proxy' };
    expect(viaWriter(p, 42)).toBe(computeEventId(p, 42));
    expect(viaWriter(p, 42, 1)).toBe(computeEventId(p, 42));
  });

  it('names -1 for a field that is not part of the identity', () => {
    expect(identityFieldIndex('proxy', 'event_id')).toBe(-1);
    expect(identityFieldIndex('proxy', 'prx_host')).toBe(identityFields('proxy').indexOf('prx_host'));
  });
});
