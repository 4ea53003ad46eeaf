import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type PipelineSpec, PluginRegistry, parsePipelineConfig, referenceManifests } from '@sightline/core';
import { LocalRunner, type RunSummary, StreamLogger } from '@sightline/runtime';
import { simulate } from '@sightline/simulator';
import { manifest as fileSink } from '@sightline/sink-file';

export function tempDir(prefix = 'sl-console-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The plugins the test pipelines use: core's reference plugins (odm-ndjson decoder, map enricher, rarity) and file sinks. */
export function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const m of [...referenceManifests, fileSink]) r.register(m);
  return r;
}

/**
 * The pipeline the console tests browse: a simulated day as ODM NDJSON (what decoders would produce), zones added by
 * the map enricher, the rarity model (top 100 per kind), events and alerts to NDJSON files, as `sightline demo`
 * writes them.
 */
export function pipelineSpec(dir: string, extraInputs: readonly Record<string, unknown>[] = []): PipelineSpec {
  return parsePipelineConfig(
    {
      name: 'console-test',
      output: 'runs',
      inputs: [{ type: 'file', path: 'sim/events.ndjson', decoder: 'odm-ndjson' }, ...extraInputs],
      decoders: [{ use: 'odm-ndjson' }],
      enrichers: [{ use: 'map', name: 'zones', config: { lookups: [{ field: 'dst_ip', table: { '10.20.0.53': { dst_zone: 'servers', dst_host: 'dns-1', dst_criticality: 4 } } }] } }],
      models: [{ use: 'rarity', top_n: 100 }],
      sinks: [
        { use: 'file', name: 'events', config: { format: 'ndjson', path: 'events/{kind}' } },
        { use: 'file', name: 'alerts', deliver: 'alerts', config: { format: 'ndjson', path: 'alerts/{kind}' } },
      ],
    },
    { baseDir: dir },
  );
}

export interface TestRun {
  readonly dir: string;
  readonly spec: PipelineSpec;
  readonly ratingsFile: string;
  readonly summary: RunSummary;
  /** Runs the pipeline again (the models fit with every rating so far); resolves with the new run's folder name. */
  rerun(): Promise<string>;
}

/** Simulates a day of `hosts` workstations (ODM only) and runs the test pipeline once on it. */
export async function simulatedRun(options: { hosts?: number; seed?: number; garbage?: boolean } = {}): Promise<TestRun> {
  const dir = tempDir();
  await simulate({ seed: options.seed ?? 3, days: 1, workstations: options.hosts ?? 15, outDir: join(dir, 'sim'), flows: 'none', dns: 'none', proxy: [], odm: true });
  const extra: Record<string, unknown>[] = [];
  if (options.garbage === true) {
    // Two lines no decoder can read, in an input of their own: the run quarantines them with their reasons.
    writeFileSync(join(dir, 'bad.ndjson'), '{"event_kind":"flow"}\nnot json at all\n');
    extra.push({ type: 'file', path: 'bad.ndjson', decoder: 'odm-ndjson' });
  }
  const spec = pipelineSpec(dir, extra);
  let n = 0;
  const runOnce = async (): Promise<RunSummary> => {
    n++;
    const runner = new LocalRunner({ spec, registry: registry(), logger: new StreamLogger({ level: 'silent' }), runId: `run-${n}` });
    return runner.run();
  };
  const summary = await runOnce();
  return { dir, spec, ratingsFile: join(spec.stateDir, 'feedback', 'ratings.ndjson'), summary, rerun: async () => basename((await runOnce()).runDir) };
}
