import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EventKind, OdmEvent } from '@sightline/core';
import { EventFixtures, createTestContext, instantiate, prng } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { csvLine } from './csv.js';
import { manifest } from './manifest.js';

// The sink's files must hold exactly the bytes of `JSON.stringify(event) + "\n"` per event, cut into parts where a
// sink that joined its lines and measured each with Buffer.byteLength cut them, and gzipped one member per append.
// `reference` below is that sink's algorithm, kept here as the model the output is compared with.

const c = corpus();

async function writeAll(config: Record<string, unknown>, batches: readonly (readonly OdmEvent[])[]) {
  const ctx = createTestContext({ step: 'bytes' });
  const sink = await instantiate(manifest, config, ctx);
  await sink.open?.(ctx);
  const results = [];
  for (const events of batches) results.push(await sink.write({ stream: 'events', events }, ctx));
  await sink.close();
  return { dir: join(ctx.runDir, 'events'), results };
}

/** The part files of one kind, in part order, as bytes. */
function partsOf(dir: string, kind: EventKind): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}.`) || f.startsWith(`${kind}-`))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

/** What the sink wrote before lines were encoded into a buffer: parts (as lists of appended chunks) per kind. */
function reference(batches: readonly (readonly OdmEvent[])[], kind: EventKind, opts: { maxBytes?: number; maxEvents?: number; gzip?: boolean; line?: (e: OdmEvent) => string }): Buffer[] {
  const line = opts.line ?? ((e: OdmEvent) => `${JSON.stringify(e)}\n`);
  const encode = (text: string) => (opts.gzip === true ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8'));
  const files: Buffer[][] = [[]];
  let bytes = 0;
  let events = 0;
  for (const batch of batches) {
    let parts: string[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (parts.length === 0) return;
      const chunk = encode(parts.join(''));
      files[files.length - 1]!.push(chunk);
      bytes += chunk.length;
      events += parts.length;
      parts = [];
      pendingBytes = 0;
    };
    for (const e of batch.filter((x) => x.event_kind === kind)) {
      const l = line(e);
      const lineBytes = Buffer.byteLength(l);
      const count = events + parts.length;
      if ((opts.maxEvents !== undefined && count >= opts.maxEvents) || (opts.maxBytes !== undefined && count > 0 && bytes + pendingBytes + lineBytes > opts.maxBytes)) {
        flush();
        files.push([]);
        bytes = 0;
        events = 0;
      }
      parts.push(l);
      pendingBytes += lineBytes;
    }
    flush();
  }
  return files.filter((f) => f.length > 0).map((f) => Buffer.concat(f));
}

/** Compares part files byte for byte; on a difference, says which part and shows the bytes around the first one. */
function expectSameParts(actual: readonly Buffer[], expected: readonly Buffer[], what = ''): void {
  expect(actual.map((p) => p.length), `part sizes ${what}`).toEqual(expected.map((p) => p.length));
  actual.forEach((a, i) => {
    if (a.equals(expected[i]!)) return;
    let at = 0;
    while (a[at] === expected[i]![at]) at++;
    const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 40), at + 40).toString('latin1'));
    expect.fail(`part ${i} ${what} differs at byte ${at}: ${around(a)} where ${around(expected[i]!)} was expected`);
  });
}

const rng = prng; // seeded (mulberry32), so a failing case can be replayed

const PIECES = ['a', 'Z', '0', ' ', '"', '\\', '/', '\u0000', '\u0001', '\b', '\f', '\n', '\r', '\t', '\u001f', '\u007f', '\u0080', 'é', 'ß', '\u00ff', '\u0100', '\u2028', '\u2029', '\ufeff', '\uffff', '😀', '👍🏽', '\ud800', '\udbff', '\udc00', '\udfff', '\udfff\ud800', '中文', '</script>'];
const NUMBERS = [0, -0, 1, -1, 0.1 + 0.2, 1e21, 1e-7, 123e-20, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1767571203141, 3.121928094887362, NaN, Infinity, -Infinity];

function randomString(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)]!;
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 8 : 13));
  switch (pick) {
    case 0:
    case 1:
      return randomString(r);
    case 2:
      return NUMBERS[Math.floor(r() * NUMBERS.length)]!;
    case 3:
      return (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    case 4:
      return r() < 0.5;
    case 5:
      return null;
    case 6:
      return undefined;
    case 7:
      return Math.floor(r() * 2 ** 31) - 2 ** 30;
    case 8:
      return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth + 1));
    case 9:
      return randomObject(r, depth + 1);
    case 10:
      return new Date(Math.floor(r() * 4e12));
    case 11:
      return r() < 0.5 ? () => 1 : Symbol('s');
    default: {
      const keep = r() < 0.5; // decided now: toJSON runs again when the reference serialises the event
      return { toJSON: (key: string) => (keep ? `${key}!` : undefined) };
    }
  }
}

function randomObject(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[r() < 0.7 ? `k${Math.floor(r() * 20)}` : r() < 0.5 ? randomString(r) : String(Math.floor(r() * 30))] = randomValue(r, depth);
  return o;
}

const KINDS: readonly EventKind[] = ['flow', 'dns', 'proxy'];
const fixture = (kind: EventKind, extra: Record<string, unknown>, ordinal: number): OdmEvent =>
  ({ ...(kind === 'flow' ? EventFixtures.flow({}, ordinal) : kind === 'dns' ? EventFixtures.dns({}, ordinal) : EventFixtures.proxy({}, ordinal)), ...extra }) as OdmEvent;

/** Events whose extra fields are random values (every kind of JSON edge), in batches of random sizes. */
function fuzzBatches(seed: number, events: number): OdmEvent[][] {
  const r = rng(seed);
  const all = Array.from({ length: events }, (_, i) => fixture(KINDS[i % 3]!, randomObject(r, 0), i));
  const batches: OdmEvent[][] = [];
  for (let i = 0; i < all.length; ) {
    const n = 1 + Math.floor(r() * 60);
    batches.push(all.slice(i, i + n));
    i += n;
  }
  return batches;
}

/** Values that have tripped JSON writers: each is one event's extra field. */
const ADVERSARIAL: Record<string, unknown>[] = [
  { emoji: '😀👍🏽 ok', cjk: '中文テスト', accents: 'Ωmega café' },
  { lone_high: 'a\ud800b', lone_low: '\udc00', reversed_pair: '\udc00\ud800', pair_then_lone: '😀\ud83d' },
  { separators: 'line\u2028para\u2029end', bom: '\ufeff', nonchar: '\uffff' },
  { controls: '\u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f\u007f', nul: '\u0000' },
  { quote: 'say "hi"', backslash: 'C:\\temp\\', slash: '</script>' },
  { numbers: [0, -0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 0.1 + 0.2, -1.5] },
  { nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0, big: 1e300, small: -1e-300 },
  { nested: { a: { b: { c: [1, { d: 'e' }, [[]]] } }, empty: {}, list: [] } },
  { holes: [undefined, () => 1, Symbol('x'), null, 1], gone: undefined, fn: () => 2, sym: Symbol('y') },
  { 'key "quoted"': 1, 'key\nnewline': 2, 'key\\slash': 3, '😀': 4, '\ud800': 5, '': 6, '\u2028': 7 },
  { '10': 'integer keys come first', b: 1, '2': 'in ascending order', a: 2 },
  { when: new Date(Date.UTC(2026, 0, 5, 13, 0, 0, 7)), bad_date: new Date(NaN) },
  { custom: { toJSON: (key: string) => ({ key, at: 'custom' }) }, gone_by_tojson: { toJSON: () => undefined } },
  { boxed: [Object(1), Object('s'), Object(false)], bytes: new Uint8Array([1, 2, 250]) },
  { long: 'x'.repeat(200_000), long_multibyte: '€'.repeat(70_000) },
];

describe('file sink output bytes', () => {
  it('writes exactly JSON.stringify of each event and a newline, for values that trip JSON writers', async () => {
    const events = ADVERSARIAL.map((extra, i) => fixture(KINDS[i % 3]!, extra, i));
    const { dir, results } = await writeAll({}, [events]);
    expect(results.map((r) => r.status)).toEqual(['success']);
    for (const kind of KINDS) expectSameParts(partsOf(dir, kind), reference([events], kind, {}));
  });

  it('writes an event whose toJSON gives undefined as the word undefined, as it always has', async () => {
    const odd = { ...EventFixtures.flow({}, 1), toJSON: () => undefined } as unknown as OdmEvent;
    const { dir } = await writeAll({}, [[EventFixtures.flow({}, 0), odd]]);
    expectSameParts(partsOf(dir, 'flow'), reference([[EventFixtures.flow({}, 0), odd]], 'flow', {}));
    expect(partsOf(dir, 'flow')[0]!.toString().endsWith('\nundefined\n')).toBe(true);
  });

  it('writes nothing of a kind whose batch holds an event JSON cannot encode, and the other kinds byte for byte', async () => {
    const events = [EventFixtures.dns({}, 1), fixture('flow', { n: 1n }, 2), EventFixtures.flow({}, 3), EventFixtures.proxy({}, 4)];
    const { dir, results } = await writeAll({}, [events]);
    expect(results[0]!.status).toBe('partial');
    if (results[0]!.status === 'partial') expect(results[0]!.failed.map((f) => f.index)).toEqual([1, 2]);
    expect(partsOf(dir, 'flow')).toEqual([]);
    for (const kind of ['dns', 'proxy'] as const) expectSameParts(partsOf(dir, kind), reference([events], kind, {}));
  });

  it('matches JSON.stringify on random values, with and without rotation and gzip (seeded fuzz)', async () => {
    for (const seed of [1, 2, 3]) {
      const batches = fuzzBatches(seed, 400);
      for (const opts of [{}, { maxBytes: 16_384 }, { maxBytes: 1500 }, { maxEvents: 7 }, { gzip: true, maxBytes: 4096 }]) {
        const config: Record<string, unknown> = { rotate: { ...(opts.maxBytes === undefined ? {} : { max_bytes: opts.maxBytes }), ...(opts.maxEvents === undefined ? {} : { max_events: opts.maxEvents }) } };
        if ('gzip' in opts) config['gzip'] = true;
        const { dir } = await writeAll(config, batches);
        for (const kind of KINDS) expectSameParts(partsOf(dir, kind), reference(batches, kind, opts), `seed ${seed}, ${JSON.stringify(opts)}, ${kind}`);
      }
    }
  });

  it('cuts parts by max_bytes where byte counts differ from character counts, lines longer than its buffer included', async () => {
    const r = rng(7);
    const wide = (i: number) => fixture('proxy', { prx_browser: `${'😀é中'.repeat(1 + Math.floor(r() * 400))}${i}` }, i);
    const batches = [Array.from({ length: 120 }, (_, i) => wide(i)), [fixture('proxy', { huge: '€'.repeat(150_000) }, 1000)], Array.from({ length: 30 }, (_, i) => wide(2000 + i))];
    for (const maxBytes of [3000, 100_000, 1 << 20]) {
      const { dir } = await writeAll({ rotate: { max_bytes: maxBytes } }, batches);
      expectSameParts(partsOf(dir, 'proxy'), reference(batches, 'proxy', { maxBytes }), `max_bytes ${maxBytes}`);
    }
  });

  it('writes CSV cells with emoji, lone surrogates and quotes as the joined text encoded', async () => {
    const columns = ['event_id', 'prx_browser', 'prx_query'];
    const events = [
      EventFixtures.proxy({ prx_browser: 'agent 😀 "q", \ud800 end', prx_query: '\udfff\n2nd line' }, 1),
      EventFixtures.proxy({ prx_browser: 'plain', prx_query: '€'.repeat(30_000) }, 2),
    ];
    const { dir } = await writeAll({ format: 'csv', columns, rotate: { max_bytes: 50_000 } }, [events, [EventFixtures.proxy({}, 3)]]);
    const line = (e: OdmEvent) => csvLine(columns.map((k) => (e as unknown as Record<string, unknown>)[k]), ',', false);
    const header = Buffer.from(`${columns.join(',')}\n`);
    const expected = reference([events, [EventFixtures.proxy({}, 3)]], 'proxy', { maxBytes: 50_000 - header.length, line }).map((p) => Buffer.concat([header, p]));
    expectSameParts(partsOf(dir, 'proxy'), expected);
  });

  describe.skipIf(!c.available)(`on documents from the shared corpus${c.note}`, () => {
    /** Real-world values: Elastic's expected ProxySG documents, Beats' NetFlow goldens and MaxMind's test records (names in many scripts). */
    const documents = (): Record<string, unknown>[] => {
      const files = [
        'elastic-integrations-proxysg/test-proxy-main.log-expected.json',
        'elastic-integrations-proxysg/test-proxy-ssl.log-expected.json',
        'beats-netflow-golden/IPFIX-Nokia-BRAS.golden.json',
        'beats-netflow-golden/Netflow-9-Palo-Alto-1-flowset-in-large-zero-filled-packet.golden.json',
        'maxmind-test-db/GeoIP2-City-Test.json',
        'maxmind-test-db/GeoLite2-ASN-Test.json',
      ];
      const out: Record<string, unknown>[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v !== null && typeof v === 'object') {
          out.push(v as Record<string, unknown>);
          Object.values(v).forEach((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? walk(x) : undefined));
        }
      };
      for (const f of files) walk(JSON.parse(readFileSync(c.path(f), 'utf8')));
      return out;
    };

    it('writes each document, as an event field and spread into the event, exactly as JSON.stringify does', async () => {
      const docs = documents();
      expect(docs.length).toBeGreaterThan(300);
      const events = docs.flatMap((d, i) => [fixture(KINDS[i % 3]!, { doc: d }, 2 * i), fixture(KINDS[i % 3]!, { ...d, event_id: undefined }, 2 * i + 1)]).map((e, i) => ({ ...e, event_id: `${i}`.padStart(32, '0') }) as OdmEvent);
      const batches = [events.slice(0, 500), events.slice(500)];
      for (const maxBytes of [undefined, 32 * 1024]) {
        const { dir } = await writeAll(maxBytes === undefined ? {} : { rotate: { max_bytes: maxBytes } }, batches);
        for (const kind of KINDS) expectSameParts(partsOf(dir, kind), reference(batches, kind, maxBytes === undefined ? {} : { maxBytes }));
      }
    });
  });
});
