import assert from 'node:assert/strict';
import type { Issue } from '../contracts/common.js';
import type { DecodeBatch, DecodeContext, Decoder } from '../contracts/decoder.js';
import type { InputSource } from '../contracts/input.js';
import type { PluginManifest } from '../contracts/manifest.js';
import { checkManifest } from '../di/registry.js';
import { isErrorCode } from '../errors/error-codes.js';
import { memorySource } from '../io/sources.js';
import type { OdmEvent } from '../model/event.js';
import { validateEvent } from '../model/validate-event.js';
import { prng, mutate, randomBytes, randomChunks } from './fuzz.js';
import { createTestContext, instantiate } from './harness.js';
import type { ConformanceCheck, ConformanceSuite } from './suite.js';

export interface DecoderSample {
  /** Says where it came from: "v9 template then data, from the project's own encoder". */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** `datagram`: `bytes` is one datagram (or give `datagrams`). Default `stream`. */
  readonly framing?: 'stream' | 'datagram';
  /** For datagram inputs of several packets. */
  readonly datagrams?: readonly Uint8Array[];
  /** At least this many events must come out (default 1). */
  readonly minEvents?: number;
}

export interface DecoderConformanceOptions {
  readonly manifest: PluginManifest<'decoder'>;
  readonly config?: unknown;
  /** Good inputs; the suite needs at least one. */
  readonly samples: readonly DecoderSample[];
  /** Whether the decoder recognises its samples by content (sniff >= 0.5). Default true. */
  readonly sniffs?: boolean;
  /** Random and mutated inputs to try. Default 150. */
  readonly fuzzCases?: number;
  readonly seed?: number;
  /** Longest a single decode of a fuzz case may take. Default 5 s. */
  readonly perInputTimeoutMs?: number;
}

interface DecodeOutcome {
  events: OdmEvent[];
  issues: Issue[];
  batches: number;
}

function sourceOf(sample: DecoderSample, chunks?: readonly Uint8Array[]): InputSource {
  if (sample.framing === 'datagram') return memorySource(sample.name, sample.datagrams ?? [sample.bytes], 'datagram');
  return memorySource(sample.name, chunks ?? [sample.bytes], 'stream');
}

async function decodeAll(decoder: Decoder, source: InputSource, ctx: DecodeContext, timeoutMs: number): Promise<DecodeOutcome> {
  const out: DecodeOutcome = { events: [], issues: [], batches: 0 };
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    for await (const batch of decoder.decode(source, ctx) as AsyncIterable<DecodeBatch>) {
      out.batches++;
      out.events.push(...batch.events);
      out.issues.push(...batch.issues);
    }
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`decoding ${source.name} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

function assertWellFormed(out: DecodeOutcome, decoder: Decoder, what: string): void {
  for (const e of out.events) {
    const v = validateEvent(e);
    assert.ok(v.ok, `${what}: event ${e.event_id ?? '(no id)'} is not valid: ${v.ok ? '' : `${v.path} ${v.message}`}`);
    assert.ok(decoder.kinds.includes(e.event_kind), `${what}: event kind ${e.event_kind} is not among the decoder's kinds (${decoder.kinds.join(', ')})`);
  }
  for (const i of out.issues) {
    assert.ok(isErrorCode(i.code), `${what}: issue code ${String(i.code)} is not a known error code`);
    assert.ok(typeof i.message === 'string' && i.message.length > 0, `${what}: issue ${i.code} has no message`);
  }
}

const ids = (events: readonly OdmEvent[]): string[] => events.map((e) => e.event_id);

/** The decoder conformance suite: the contract every decoder must keep, checked on its own samples and fuzz. */
export function decoderConformance(options: DecoderConformanceOptions): ConformanceSuite {
  const { manifest, samples } = options;
  const timeoutMs = options.perInputTimeoutMs ?? 5000;
  const seed = options.seed ?? 0x51;
  const make = async (batchSize = 500): Promise<{ decoder: Decoder; ctx: DecodeContext }> => {
    const base = createTestContext({ step: manifest.name });
    const decoder = await instantiate(manifest, options.config ?? {}, base);
    return { decoder, ctx: { ...base, batchSize, keepRaw: false } };
  };
  const checks: ConformanceCheck[] = [
    {
      name: 'its manifest is valid for this core and names a decoder',
      async run() {
        checkManifest(manifest, 'conformance');
        assert.equal(manifest.kind, 'decoder');
        assert.ok(samples.length > 0, 'the suite needs at least one sample input');
      },
    },
    {
      name: 'sniff returns a confidence in [0, 1] and never throws, on samples, empty and random input',
      async run() {
        const { decoder } = await make();
        const rand = prng(seed);
        const probes = [...samples.map((s) => s.bytes), new Uint8Array(0), randomBytes(rand, 512), new Uint8Array(4096).fill(0xff)];
        for (const head of probes) {
          for (const framing of ['stream', 'datagram'] as const) {
            const c = decoder.sniff({ head, name: 'probe', framing });
            assert.ok(typeof c === 'number' && c >= 0 && c <= 1, `sniff returned ${String(c)}`);
          }
        }
        if (options.sniffs !== false) {
          for (const s of samples) {
            const c = decoder.sniff({ head: s.bytes.subarray(0, 65536), name: s.name, framing: s.framing ?? 'stream' });
            assert.ok(c >= 0.5, `sniff on its own sample "${s.name}" gave ${c}, expected >= 0.5`);
          }
        }
      },
    },
    {
      name: 'decodes every sample into valid events of its kinds, with coded issues only',
      async run() {
        const { decoder, ctx } = await make();
        for (const s of samples) {
          const out = await decodeAll(decoder, sourceOf(s), ctx, timeoutMs * 4);
          assertWellFormed(out, decoder, s.name);
          assert.ok(out.events.length >= (s.minEvents ?? 1), `${s.name}: ${out.events.length} events, expected at least ${s.minEvents ?? 1}`);
        }
      },
    },
    {
      name: 'gives every event a deterministic id: unique within an input, the same on a second read',
      async run() {
        for (const s of samples) {
          const a = await make();
          const b = await make();
          const first = await decodeAll(a.decoder, sourceOf(s), a.ctx, timeoutMs * 4);
          const second = await decodeAll(b.decoder, sourceOf(s), b.ctx, timeoutMs * 4);
          for (const e of first.events) assert.match(e.event_id, /^[0-9a-f]{32}$/, `${s.name}: bad event_id ${e.event_id}`);
          assert.equal(new Set(ids(first.events)).size, first.events.length, `${s.name}: duplicate event ids`);
          assert.deepEqual(ids(second.events), ids(first.events), `${s.name}: ids differ between two reads of the same input`);
        }
      },
    },
    {
      name: 'streams: yields several batches when the input has more events than the batch size',
      async run() {
        for (const s of samples) {
          const { decoder, ctx } = await make(1);
          const out = await decodeAll(decoder, sourceOf(s), ctx, timeoutMs * 4);
          if (out.events.length > 1) assert.ok(out.batches > 1, `${s.name}: ${out.events.length} events came in ${out.batches} batch with batchSize 1`);
        }
      },
    },
    {
      name: 'gives the same events whatever the chunk boundaries of a stream input',
      async run() {
        const rand = prng(seed + 1);
        for (const s of samples.filter((x) => x.framing !== 'datagram')) {
          const whole = await make();
          const reference = await decodeAll(whole.decoder, sourceOf(s), whole.ctx, timeoutMs * 4);
          for (const max of [1, 7, 97, 4096]) {
            const { decoder, ctx } = await make();
            const chunks = max === 1 && s.bytes.length > 20000 ? randomChunks(s.bytes, rand, 3) : randomChunks(s.bytes, rand, max);
            const out = await decodeAll(decoder, sourceOf(s, chunks), ctx, timeoutMs * 4);
            assert.deepEqual(ids(out.events), ids(reference.events), `${s.name}: events differ when read in chunks of up to ${max} bytes`);
          }
        }
      },
    },
    {
      name: 'never throws or hangs on truncated input, and reports problems as coded issues',
      async run() {
        const rand = prng(seed + 2);
        for (const s of samples) {
          const cuts = new Set([0, 1, 2, 3, 7, 16, Math.floor(s.bytes.length / 2), s.bytes.length - 1]);
          for (let i = 0; i < 12; i++) cuts.add(Math.floor(rand() * s.bytes.length));
          for (const cut of cuts) {
            if (cut < 0 || cut >= s.bytes.length) continue;
            const { decoder, ctx } = await make();
            const truncated: DecoderSample = { ...s, bytes: s.bytes.subarray(0, cut), datagrams: s.datagrams?.map((d, j) => (j === (s.datagrams?.length ?? 1) - 1 ? d.subarray(0, Math.min(cut, d.length)) : d)) ?? [s.bytes.subarray(0, cut)] };
            const out = await decodeAll(decoder, sourceOf(truncated), ctx, timeoutMs);
            assertWellFormed(out, decoder, `${s.name} cut at ${cut}`);
          }
        }
      },
    },
    {
      name: 'never throws or hangs on random and mutated input; whatever it emits is valid',
      async run() {
        const rand = prng(seed + 3);
        const cases = options.fuzzCases ?? 150;
        for (let i = 0; i < cases; i++) {
          const s = samples[i % samples.length]!;
          const base = s.framing === 'datagram' ? (s.datagrams ?? [s.bytes]) : [s.bytes];
          const input = i % 5 === 0 ? base.map(() => randomBytes(rand, 1 + Math.floor(rand() * 1500))) : base.map((b) => mutate(b, rand));
          const { decoder, ctx } = await make();
          const fuzzed: DecoderSample = s.framing === 'datagram' ? { ...s, datagrams: input } : { ...s, bytes: input[0]! };
          let out: DecodeOutcome;
          try {
            out = await decodeAll(decoder, sourceOf(fuzzed), ctx, timeoutMs);
          } catch (e) {
            throw new Error(`fuzz case ${i} (seed ${seed + 3}, from "${s.name}") failed: ${(e as Error).message}`, { cause: e });
          }
          assertWellFormed(out, decoder, `fuzz case ${i}`);
        }
      },
    },
    {
      name: 'stops when the run is aborted',
      async run() {
        const controller = new AbortController();
        controller.abort();
        const base = createTestContext({ step: manifest.name, signal: controller.signal });
        const decoder = await instantiate(manifest, options.config ?? {}, base);
        const out = await decodeAll(decoder, sourceOf(samples[0]!), { ...base, batchSize: 100, keepRaw: false }, timeoutMs);
        assertWellFormed(out, decoder, 'aborted run');
        await decoder.close?.();
        await decoder.close?.();
      },
    },
  ];
  return { title: `decoder conformance: ${manifest.name}`, checks };
}
