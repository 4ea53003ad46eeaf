import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MemorySink, type PipelineSpec, PluginRegistry, type PluginManifest, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { LocalRunner, type LocalRunnerOptions, type RunSummary, StreamLogger } from '../src/index.js';

export function tempDir(prefix = 'sl-rt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function registry(extra: readonly PluginManifest[] = []): PluginRegistry {
  const r = new PluginRegistry();
  for (const m of [...referenceManifests, ...extra]) r.register(m);
  return r;
}

export function spec(config: Record<string, unknown>, baseDir = tempDir()): PipelineSpec {
  return parsePipelineConfig({ name: 'test', output: 'out', ...config }, { baseDir });
}

export interface Ran {
  summary: RunSummary;
  runner: LocalRunner;
  sink(name?: string): MemorySink;
  logs: string[];
}

export async function run(config: Record<string, unknown>, options: Partial<LocalRunnerOptions> & { extra?: readonly PluginManifest[]; baseDir?: string } = {}): Promise<Ran> {
  const logs: string[] = [];
  const runner = new LocalRunner({
    spec: spec(config, options.baseDir),
    registry: registry(options.extra),
    logger: new StreamLogger({ level: 'debug', write: (l) => logs.push(l) }),
    ...options,
  });
  const summary = await runner.run();
  return {
    summary,
    runner,
    logs,
    sink: (name = 'memory') => runner.pipeline!.sinks.find((s) => s.spec.name === name)!.instance as MemorySink,
  };
}
