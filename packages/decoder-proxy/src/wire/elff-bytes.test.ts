import { type DecodeContext, type Issue, type OdmEvent, type ProxyEvent, computeEventId, memorySource } from '@sightline/core';
import { createTestContext } from '@sightline/core/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDefaults } from '../config.schema.js';
import { ProxyDecoder } from '../decoder.js';
import { generateProxyLog } from '../generate.js';
import { ElffBytesReader, tokenizeBytes } from './elff-bytes.js';
import { PROXYSG_MAIN_FIELDS } from './layouts.js';
import { Spans, tokenize } from './tokenize.js';

async function decode(bytes: Buffer, chunk: number): Promise<{ events: OdmEvent[]; issues: Issue[]; warnings: string[] }> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const base = createTestContext();
  const ctx: DecodeContext = { ...base, batchSize: 64, keepRaw: true };
  const events: OdmEvent[] = [];
  const issues: Issue[] = [];
  for await (const b of new ProxyDecoder(withDefaults({ max_line_bytes: 2048 })).decode(memorySource('access.log', chunks), ctx)) {
    events.push(...b.events);
    issues.push(...b.issues);
  }
  return { events, issues, warnings: base.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message) };
}

/** The same input through the byte-level reader and through the string path alone (the reader made to decline). */
async function bothWays(bytes: Buffer, chunk: number) {
  const fast = await decode(bytes, chunk);
  const spy = vi.spyOn(ElffBytesReader.prototype, 'read').mockReturnValue(false);
  const slow = await decode(bytes, chunk);
  spy.mockRestore();
  return { fast, slow };
}

/** Values that test the edges of the fast path: each must decode exactly as the string path decodes it. */
const TRICKY = [
  '-', '""', '"a b"', '"a""b"', '"a\\"b"', '"a\\"', '"x"y"', '"', '"open', '?', '??x', '?x=1', '0.015', '99999', '1e3', '65535', '65536', '999', '1000',
  '0000000000000007', '12345678901234567', '08:00:00.123', '8:00:00', '24:00:00', '23:59:60', '2026-13-01', '2026/01/05', 'é', 'a\tb', 'a\u0001b', '\u007f', '#x',
  '\\', 'x"y', '', '  ', '10.0.0.1', 'host.example', '::1', 'a\rb',
];

function mutated(seed: number, count: number): Buffer {
  let x = seed >>> 0;
  const rand = (n: number): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
  const out: string[] = [];
  for (const line of generateProxyLog({ format: 'proxysg-elff', lines: count, seed, headerChangeEvery: Math.max(10, count >> 2) })) {
    if (line.startsWith('#') || rand(3) === 0) {
      out.push(line);
      continue;
    }
    const values: string[] = line.match(/"[^"]*"|\S+/g) ?? [];
    const k = rand(values.length + 1);
    const what = rand(10);
    if (what < 6) values[k % values.length] = TRICKY[rand(TRICKY.length)]!;
    else if (what === 6) values.splice(k, 1); // a value missing
    else if (what === 7) values.push('extra'); // one too many
    else if (what === 8) values.splice(k, 0, '-');
    else values[k % values.length] = 'x'.repeat(3000); // longer than max_line_bytes
    const sep = rand(4) === 0 ? '   ' : ' ';
    out.push((rand(8) === 0 ? ' ' : '') + values.join(sep) + (rand(6) === 0 ? '\r' : ''));
    if (rand(20) === 0) out.push('');
  }
  return Buffer.from(out.join('\n') + (rand(2) === 0 ? '\n' : ''));
}

describe('the byte-level ELFF reader', () => {
  afterEach(() => vi.restoreAllMocks());

  it('splits plain lines where the string tokenizer does, and declines tabs, control bytes, non-ASCII and escapes', () => {
    const a = new Spans();
    const b = new Spans();
    for (const line of ['a b  c', '"x y" - ""', ' lead trail ', 'q"uote "in"side"', '"end"']) {
      const buf = Buffer.from(line);
      const n = tokenizeBytes(buf, 0, buf.length, a);
      expect(n).toBe(tokenize(line, b));
      for (let k = 0; k < n; k++) expect(line.slice(a.start[k]!, a.end[k]!)).toBe(line.slice(b.start[k]!, b.end[k]!));
    }
    for (const line of ['a\tb', 'a\u0001b', 'é', '"a""b"', '"a\\"b"', '"a\\"', '"open']) expect(tokenizeBytes(Buffer.from(line), 0, Buffer.from(line).length, a), line).toBe(-1);
  });

  it('gives the very events, ids, raw lines and issues the string path gives, on generated logs cut into any chunks', async () => {
    for (const seed of [1, 2, 3]) {
      const text = [...generateProxyLog({ format: 'proxysg-elff', lines: 600, seed, headerChangeEvery: 200 })].join('\n') + '\n';
      for (const chunk of [1 << 20, 4096, 97]) {
        const { fast, slow } = await bothWays(Buffer.from(text), chunk);
        expect(fast.events.length).toBe(600);
        expect(fast).toEqual(slow);
      }
    }
  });

  it('gives the very events and issues the string path gives on mutated lines (bad values, quoting, counts, CR, long lines)', async () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const bytes = mutated(seed, 400);
      for (const chunk of [1 << 20, 333]) {
        const { fast, slow } = await bothWays(bytes, chunk);
        expect(fast.issues.length, 'the mutations make some lines bad').toBeGreaterThan(0);
        expect(fast).toEqual(slow);
      }
    }
  });

  it('hashes ids from the bytes read to the ids core computes from the events', async () => {
    const header = `#Fields: ${PROXYSG_MAIN_FIELDS.join(' ')}`;
    const line = '2024-03-22 16:16:01 48 10.82.255.36 302 TCP_NC_MISS 1242 969 GET https pixel.tapad.com 443 /idsync/ex/push ?partner_id=2499 aeinstein - pixel.tapad.com - https://vid.vidoomy.com/ "Mozilla/5.0 (Windows NT 10.0)" OBSERVED "Web Ads/Analytics" - 81.2.69.144';
    const { events } = await decode(Buffer.from(`${header}\n${line}\n${line}\n`), 1 << 20);
    expect(events.map((e) => e.event_id)).toEqual([computeEventId(events[0]!, 2), computeEventId(events[1]!, 3)]);
  });

  it('reuses the strings of values that repeat, and stops looking up a column whose values do not', async () => {
    const header = `#Fields: ${PROXYSG_MAIN_FIELDS.join(' ')}`;
    const lines = Array.from({ length: 5000 }, (_, i) => `2024-03-22 16:16:01 48 10.0.0.1 200 TCP_MISS 1 2 GET https h.example 443 /p${i} - - - h.example - - "UA 1" OBSERVED "News" - 81.2.69.144`);
    const events = (await decode(Buffer.from(`${header}\n${lines.join('\n')}\n`), 1 << 20)).events as ProxyEvent[];
    expect(events).toHaveLength(5000);
    expect(new Set(events.map((e) => e.prx_path)).size).toBe(5000);
    expect(events.every((e) => e.prx_browser === 'UA 1' && e.prx_host === 'h.example')).toBe(true);
  });

  it('keeps giving the right strings when the bytes of the values it keeps fill their arena and it starts over', async () => {
    const header = `#Fields: ${PROXYSG_MAIN_FIELDS.join(' ')}`;
    // Every other user agent repeats (the column stays looked up); the others are new, long, and fill the 1 MiB arena.
    const ua = (i: number): string => (i % 2 === 0 ? `UA common ${i % 6}` : `UA ${i} ${'x'.repeat(90 + (i % 7))}`);
    const lines = Array.from({ length: 24_000 }, (_, i) => `2024-03-22 16:16:01 48 10.0.0.1 200 TCP_MISS 1 2 GET https h.example 443 /p - - - h.example - - "${ua(i)}" OBSERVED "News" - 81.2.69.144`);
    const events = (await decode(Buffer.from(`${header}\n${lines.join('\n')}\n`), 1 << 20)).events as ProxyEvent[];
    expect(events).toHaveLength(24_000);
    expect(events.map((e) => e.prx_browser)).toEqual(lines.map((_, i) => ua(i)));
  });
});
