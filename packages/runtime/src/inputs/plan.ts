import { statSync } from 'node:fs';
import type { InputSource, PipelineSpec } from '@sightline/core';
import { expandPaths, listDirectory } from './expand.js';
import { fileSource, stdinSource } from './file-input.js';
import { syntheticSource } from './synthetic-input.js';

/** One input to read, resolved before the run starts (so a missing file fails fast). */
export interface PlannedInput {
  readonly name: string;
  /** Decoder step name, or `auto`. */
  readonly decoder: string;
  readonly size: number | undefined;
  readonly synthetic: boolean;
  open(): Promise<InputSource>;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** Expands the config's inputs into the concrete inputs to read, in order. Throws SL_INPUT_NOT_FOUND. */
export async function planInputs(spec: PipelineSpec, stdin?: NodeJS.ReadableStream): Promise<PlannedInput[]> {
  const out: PlannedInput[] = [];
  for (const input of spec.inputs) {
    const where = `${spec.file ?? 'pipeline'}: inputs[${input.index}]`;
    switch (input.type) {
      case 'file':
        for (const path of await expandPaths(input.path, spec.baseDir, where)) {
          out.push({ name: path, decoder: input.decoder, size: sizeOf(path), synthetic: false, open: () => fileSource(path) });
        }
        break;
      case 'directory':
        for (const path of await listDirectory(input.path, input.pattern, input.recursive, spec.baseDir, where)) {
          out.push({ name: path, decoder: input.decoder, size: sizeOf(path), synthetic: false, open: () => fileSource(path) });
        }
        break;
      case 'stdin':
        out.push({ name: 'stdin', decoder: input.decoder, size: undefined, synthetic: false, open: async () => stdinSource(stdin) });
        break;
      case 'synthetic': {
        const s = { kind: input.kind, events: input.events, seed: input.seed, start: input.start, spanMs: input.spanMs, hosts: input.hosts, anomalies: input.anomalies };
        const name = `synthetic:${s.kind}:${s.events}:seed=${s.seed}`;
        out.push({ name, decoder: input.decoder, size: undefined, synthetic: true, open: async () => syntheticSource(s, name) });
        break;
      }
    }
  }
  return out;
}
