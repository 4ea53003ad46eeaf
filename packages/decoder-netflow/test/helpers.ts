import { type FlowEvent, type InputChunk, type InputSource, type Issue, memorySource } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { manifest } from '../src/index.js';
import type { NetflowDecoder } from '../src/decoder.js';

export interface Outcome {
  events: FlowEvent[];
  issues: Issue[];
}

/** A datagram source whose datagrams come from given exporters at given times (what the udp input yields). */
export function datagrams(name: string, packets: { bytes: Uint8Array; from?: string; at?: number }[]): InputSource {
  return {
    name,
    framing: 'datagram',
    async *chunks(): AsyncGenerator<InputChunk> {
      for (const [i, p] of packets.entries()) {
        const [address, port] = (p.from ?? '192.0.2.1:2055').split(/:(?=\d+$)/) as [string, string];
        yield { bytes: p.bytes, offset: i, receivedAt: p.at ?? 1_700_000_000_000 + i, peer: { address, port: Number(port) } };
      }
    },
  };
}

export async function makeDecoder(config: unknown = {}): Promise<{ decoder: NetflowDecoder; ctx: ReturnType<typeof createTestContext> }> {
  const ctx = createTestContext({ step: 'netflow' });
  const decoder = (await instantiate(manifest, config, ctx)) as NetflowDecoder;
  return { decoder, ctx };
}

export async function decodeWith(decoder: NetflowDecoder, ctx: ReturnType<typeof createTestContext>, source: InputSource, batchSize = 1000): Promise<Outcome> {
  const out: Outcome = { events: [], issues: [] };
  for await (const b of decoder.decode(source, { ...ctx, batchSize, keepRaw: false })) {
    out.events.push(...(b.events as FlowEvent[]));
    out.issues.push(...b.issues);
  }
  return out;
}

export async function decode(source: InputSource, config: unknown = {}): Promise<Outcome> {
  const { decoder, ctx } = await makeDecoder(config);
  const out = await decodeWith(decoder, ctx, source);
  await decoder.close();
  return out;
}

export const stream = (name: string, bytes: Uint8Array): InputSource => memorySource(name, [bytes], 'stream');
