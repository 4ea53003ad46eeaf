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

  // A seeded generator, so a failure names an input that can be made again.
  function random(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s;
    };
  }
  const hex = (out: Uint32Array): string => [...out].map((v) => v.toString(16).padStart(8, '0')).join('');

  it('matches the reference for random bytes of every length 0..1000, at every alignment, in plain arrays and Buffers', () => {
    const next = random(1);
    const out = new Uint32Array(4);
    const pool = new Uint8Array(1024 + 8);
    for (let i = 0; i < pool.length; i++) pool[i] = next() >>> 24;
    const asBuffer = Buffer.from(pool);
    for (let len = 0; len <= 1000; len++) {
      const start = len % 8;
      const bytes = pool.slice(start, start + len);
      const seed = next();
      const expected = mm.x86.hash128(bytes, seed);
      // the range alone, the range inside a larger array (any alignment), and a Buffer from Node's shared pool
      murmur3x86128(bytes, len, seed, out);
      expect(hex(out), `length ${len}`).toBe(expected);
      murmur3x86128(pool, len, seed, out, start);
      expect(hex(out), `length ${len} at ${start}`).toBe(expected);
      murmur3x86128(asBuffer, len, seed, out, start);
      expect(hex(out), `length ${len} at ${start} of a Buffer`).toBe(expected);
      const view = new Uint8Array(pool.buffer, 3, pool.length - 3);
      murmur3x86128(view, len, seed, out, (start + 5) & 7);
      expect(hex(out), `length ${len} in an offset view`).toBe(mm.x86.hash128(view.slice((start + 5) & 7, ((start + 5) & 7) + len), seed));
    }
  });

  it('reads bytes past the end of the array as zeros, as it always did', () => {
    const out = new Uint32Array(4);
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    murmur3x86128(bytes, 48, 7, out, 0);
    expect(hex(out)).toBe(mm.x86.hash128(Uint8Array.from({ length: 48 }, (_, i) => (i < 40 ? i + 1 : 0)), 7));
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

  it('gives the same ids as a straightforward reference encoding hashed by murmurhash3js-revisited, for random fields', () => {
    // The reference: kind tag, then per field (schema position + 16, then 1 + float64 LE for a number, 2 + uint32
    // LE length + UTF-8 for a string), then 7 and the ordinal, MurmurHash3 x86 128 seeded 0x5a17e1e5.
    const fields = identityFields('proxy');
    const stringFields = ['dvc_host', 'src_ip', 'user_name', 'prx_host', 'prx_path', 'prx_query', 'prx_uri', 'prx_referrer', 'prx_browser'].map((f) => fields.indexOf(f));
    const numberFields = ['event_time', 'dst_port', 'in_bytes', 'prx_code'].map((f) => fields.indexOf(f));
    const next = (() => {
      let s = 12345;
      return (n: number): number => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s % n;
      };
    })();
    const alphabet = ['a', 'Z', '/', '?', '=', '%', ' ', '.', '0', 'é', 'ß', '日', '本', '😀', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800'];
    const randomString = (len: number): string => {
      let s = '';
      while (s.length < len) s += next(3) === 0 ? alphabet[next(alphabet.length)]! : String.fromCharCode(32 + next(95));
      return s;
    };
    for (let round = 0; round < 300; round++) {
      const event: Record<string, unknown> & { event_kind: 'proxy' } = { event_kind: 'proxy' };
      const ref: number[] = [3];
      const pushString = (field: number, value: string): void => {
        const utf8 = Buffer.from(value, 'utf8');
        ref.push(field + 16, 2, utf8.length & 255, (utf8.length >>> 8) & 255, (utf8.length >>> 16) & 255, utf8.length >>> 24, ...utf8);
      };
      const pushNumber = (value: number): void => {
        const b = Buffer.alloc(8);
        b.writeDoubleLE(value);
        ref.push(1, ...b);
      };
      const chosen = [...stringFields, ...numberFields, fields.indexOf('event_kind')].filter((f) => f === fields.indexOf('event_kind') || next(4) !== 0).sort((a, b) => a - b);
      const w = new EventIdWriter('proxy');
      w.begin();
      for (const f of chosen) {
        const name = fields[f]!;
        if (name === 'event_kind') {
          pushString(f, 'proxy');
          w.string(f, 'proxy');
        } else if (numberFields.includes(f)) {
          const v = next(2) === 0 ? next(70000) : next(1 << 30) * 1000 + next(1000) / 8;
          event[name] = v;
          ref.push(f + 16);
          pushNumber(v);
          w.number(f, v);
        } else {
          // lengths 0..1000, fed as a string, as bytes in a larger buffer, or in pieces
          const v = randomString(next(4) === 0 ? next(1001) : next(40));
          event[name] = v;
          pushString(f, v);
          const how = next(3);
          if (how === 0) w.string(f, v);
          else if (how === 1) {
            const bytes = Buffer.from(`${'#'.repeat(next(7))}${v}!`);
            const start = bytes.length - 1 - Buffer.byteLength(v);
            w.utf8(f, bytes, start, bytes.length - 1);
          } else {
            let cut = next(v.length + 1);
            if (cut > 0 && cut < v.length && v.charCodeAt(cut - 1) >= 0xd800 && v.charCodeAt(cut - 1) < 0xdc00) cut++; // not inside a surrogate pair
            const head = Buffer.from(v.slice(0, cut));
            w.beginString(f);
            w.appendUtf8(head, 0, head.length);
            w.appendString(v.slice(cut));
            w.endString();
          }
        }
      }
      const ordinal = next(1 << 20);
      ref.push(7);
      pushNumber(ordinal);
      const expected = mm.x86.hash128(Uint8Array.from(ref), 0x5a17e1e5);
      expect(w.finish(ordinal), `round ${round}`).toBe(expected);
      expect(computeEventId(event, ordinal), `round ${round}`).toBe(expected);
    }
  });

  it('hashes a string field given in pieces as the joined string, and refuses pieces outside a field', () => {
    const line = Buffer.from('GET cdn.example.com /a/b.js q=1&r=é HTTP/1.1');
    const w = new EventIdWriter('proxy');
    const uri = identityFieldIndex('proxy', 'prx_uri');
    const kind = identityFieldIndex('proxy', 'event_kind');
    w.begin();
    w.string(kind, 'proxy');
    w.beginString(uri);
    w.appendUtf8(line, 4, 19);
    w.appendUtf8(line, 20, 27);
    w.appendUtf8(line, 20, 20);
    w.appendString('?');
    w.appendUtf8(line, 28, line.indexOf(' HTTP'));
    w.endString();
    const pieced = w.finish(9);
    w.begin();
    w.string(kind, 'proxy');
    w.string(uri, 'cdn.example.com/a/b.js?q=1&r=é');
    expect(pieced).toBe(w.finish(9));
    expect(pieced).toBe(computeEventId({ event_kind: 'proxy', prx_uri: 'cdn.example.com/a/b.js?q=1&r=é' } as never, 9));
    w.begin();
    expect(() => w.appendString('x')).toThrow(/outside/);
    expect(() => w.endString()).toThrow(/without/);
    w.beginString(uri);
    expect(() => w.finish()).toThrow(/inside/);
  });

  it('names -1 for a field that is not part of the identity', () => {
    expect(identityFieldIndex('proxy', 'event_id')).toBe(-1);
    expect(identityFieldIndex('proxy', 'prx_host')).toBe(identityFields('proxy').indexOf('prx_host'));
  });
});
