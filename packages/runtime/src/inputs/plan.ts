import { statSync } from 'node:fs';
import type { InputSource, Logger, PipelineSpec } from '@sightline/core';
import { expandPaths, listDirectory } from './expand.js';
import { fileSource, stdinSource } from './file-input.js';
import { syntheticSource } from './synthetic-input.js';
import { udpSource } from './udp-input.js';
import { watchDirectory } from './watch-directory.js';

/** One input to read. */
export interface PlannedInput {
  readonly name: string;
  /** Decoder step name, or `auto`. */
  readonly decoder: string;
  readonly size: number | undefined;
  readonly synthetic: boolean;
  open(): Promise<InputSource>;
}

export interface InputPlan {
  /** The inputs in config order; watched folders keep yielding new files until the run stops. */
  readonly inputs: AsyncIterable<PlannedInput>;
  /** Total bytes when every input is a file known up front, else undefined. */
  readonly totalBytes: number | undefined;
}

export interface PlanOptions {
  readonly stdin?: NodeJS.ReadableStream | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  readonly onListening?: ((address: string, port: number) => void) | undefined;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Resolves the config's inputs. Files, globs and folders are checked now, so a missing input stops the run
 * before anything is processed (SL_INPUT_NOT_FOUND); watched folders and UDP listeners are opened as the run
 * reaches them.
 */
export async function planInputs(spec: PipelineSpec, options: PlanOptions = {}): Promise<InputPlan> {
  const signal = options.signal ?? new AbortController().signal;
  const logger = options.logger ?? silent;
  const steps: (PlannedInput[] | (() => AsyncIterable<PlannedInput>))[] = [];
  let totalBytes: number | undefined = 0;
  const fileInput = (path: string, decoder: string): PlannedInput => {
    const size = sizeOf(path);
    return { name: path, decoder, size, synthetic: false, open: () => fileSource(path) };
  };
  for (const input of spec.inputs) {
    const where = `${spec.file ?? 'pipeline'}: inputs[${input.index}]`;
    switch (input.type) {
      case 'file':
        steps.push((await expandPaths(input.path, spec.baseDir, where)).map((p) => fileInput(p, input.decoder)));
        break;
      case 'directory':
        if (!input.watch) {
          steps.push((await listDirectory(input.path, input.pattern, input.recursive, spec.baseDir, where)).map((p) => fileInput(p, input.decoder)));
        } else {
          await listDirectory(input.path, input.pattern, input.recursive, spec.baseDir, where); // fails now if the folder is missing
          totalBytes = undefined;
          steps.push(async function* () {
            const paths = watchDirectory({ dir: input.path, pattern: input.pattern, recursive: input.recursive, baseDir: spec.baseDir, where, pollMs: input.pollMs, settleMs: input.settleMs, signal });
            for await (const p of paths) yield fileInput(p, input.decoder);
          });
        }
        break;
      case 'stdin':
        totalBytes = undefined;
        steps.push([{ name: 'stdin', decoder: input.decoder, size: undefined, synthetic: false, open: async () => stdinSource(options.stdin) }]);
        break;
      case 'udp': {
        totalBytes = undefined;
        const source = udpSource({ ...input, signal, logger, ...(options.onListening === undefined ? {} : { onListening: options.onListening }) });
        steps.push([{ name: source.name, decoder: input.decoder, size: undefined, synthetic: false, open: async () => source }]);
        break;
      }
      case 'synthetic': {
        totalBytes = undefined;
        const s = { kind: input.kind, events: input.events, seed: input.seed, start: input.start, spanMs: input.spanMs, hosts: input.hosts, anomalies: input.anomalies };
        const name = `synthetic:${s.kind}:${s.events}:seed=${s.seed}`;
        steps.push([{ name, decoder: input.decoder, size: undefined, synthetic: true, open: async () => syntheticSource(s, name) }]);
        break;
      }
    }
  }
  if (totalBytes !== undefined) {
    for (const step of steps) if (Array.isArray(step)) for (const i of step) totalBytes = i.size === undefined || totalBytes === undefined ? undefined : totalBytes + i.size;
  }
  return {
    totalBytes,
    inputs: (async function* () {
      for (const step of steps) {
        if (Array.isArray(step)) yield* step;
        else yield* step();
      }
    })(),
  };
}
