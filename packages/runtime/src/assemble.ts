import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Container } from 'inversify';
import {
  type ConfigProblem,
  type DeadLetterStore,
  type Logger,
  type ModelStepSpec,
  PipelineContainer,
  type PipelineSpec,
  type PluginContext,
  type PluginInstances,
  type PluginKind,
  type PluginManifest,
  type PluginRegistry,
  type QuarantineStore,
  SightlineError,
  type SinkStepSpec,
  type StepSpec,
  TOKENS,
  deepFreeze,
  findPluginPackage,
  formatProblems,
  importPluginPackage,
  validateConfig,
} from '@sightline/core';

export interface Step<K extends PluginKind, S extends StepSpec = StepSpec> {
  readonly spec: S;
  readonly manifest: PluginManifest<K>;
  readonly instance: PluginInstances[K];
  readonly ctx: PluginContext;
}

export interface AssembledPipeline {
  readonly spec: PipelineSpec;
  readonly container: PipelineContainer;
  readonly decoders: readonly Step<'decoder'>[];
  readonly enrichers: readonly Step<'enricher'>[];
  readonly models: readonly Step<'model', ModelStepSpec>[];
  readonly sinks: readonly Step<'sink', SinkStepSpec>[];
  /** Closes every instance (sinks finalise their outputs). Safe to call twice. */
  close(): Promise<void>;
}

export interface AssembleOptions {
  readonly registry: PluginRegistry;
  readonly logger: Logger;
  readonly runDir: string;
  readonly signal: AbortSignal;
  readonly quarantine: QuarantineStore;
  readonly deadLetter: DeadLetterStore;
  /** Shared services for every pipeline of the process (e.g. a Redis connection). */
  readonly parent?: Container;
  /** Folders to search for plugin packages (default: the pipeline's folder and the working directory). */
  readonly pluginSearchDirs?: readonly string[];
  /**
   * Only the steps this accepts are checked and started (default: all). A BullMQ model job starts only its model,
   * a window job only the models and sinks: an enricher's feeds are not loaded where no event is enriched.
   */
  readonly only?: (step: StepSpec) => boolean;
}

const SECTION_KIND = { decoders: 'decoder', enrichers: 'enricher', models: 'model', sinks: 'sink' } as const;

function at(spec: PipelineSpec, path: string): string {
  const where = spec.locate(path);
  return `${spec.file ?? 'pipeline'}: ${path}${where === undefined ? '' : ` (line ${where.line})`}`;
}

/** Loads the packages listed in `plugins:` and registers their manifests. */
export async function loadConfiguredPlugins(spec: PipelineSpec, registry: PluginRegistry, searchDirs: readonly string[]): Promise<void> {
  for (const [i, name] of spec.plugins.entries()) {
    try {
      const pkg = findPluginPackage(name, searchDirs);
      for (const m of await importPluginPackage(pkg)) registry.register(m, `${pkg.name}@${pkg.version}`);
    } catch (e) {
      if (SightlineError.is(e)) throw new SightlineError(e.code, `${at(spec, `plugins[${i}]`)}: ${e.message}`, { stage: e.stage, cause: e });
      throw e;
    }
  }
}

async function resolveManifest(step: StepSpec, spec: PipelineSpec, registry: PluginRegistry, searchDirs: readonly string[]): Promise<PluginManifest> {
  const kind = SECTION_KIND[step.section];
  let manifest = registry.get(step.use)?.manifest;
  if (manifest === undefined) {
    // Not a registered name: try it as a package (npm name or path) that exports the plugin.
    let candidates: unknown[];
    try {
      const pkg = findPluginPackage(step.use, searchDirs);
      candidates = (await importPluginPackage(pkg)).map((m) => registry.register(m, `${pkg.name}@${pkg.version}`));
    } catch (e) {
      if (SightlineError.is(e)) {
        const known = registry.list().filter((p) => p.manifest.kind === kind).map((p) => p.manifest.name);
        const hint = e.code === 'SL_PLUGIN_NOT_FOUND' ? ` Known ${kind}s: ${known.join(', ') || 'none'}.` : '';
        throw new SightlineError(e.code, `${at(spec, `${step.path}.use`)}: ${e.message}${hint}`, { stage: 'plugin', cause: e });
      }
      throw e;
    }
    const ofKind = (candidates as PluginManifest[]).filter((m) => m.kind === kind);
    if (ofKind.length !== 1) {
      throw new SightlineError(
        ofKind.length === 0 ? 'SL_PLUGIN_KIND_MISMATCH' : 'SL_PLUGIN_INVALID_MANIFEST',
        `${at(spec, `${step.path}.use`)}: package "${step.use}" exports ${ofKind.length === 0 ? 'no' : 'several'} ${kind} plugins (${(candidates as PluginManifest[]).map((m) => `${m.name}: ${m.kind}`).join(', ')}); ${ofKind.length === 0 ? `move the step to the section of its kind` : 'name the one to use by its plugin name'}`,
        { stage: 'plugin' },
      );
    }
    manifest = ofKind[0]!;
  }
  if (manifest.kind !== kind) {
    throw new SightlineError('SL_PLUGIN_KIND_MISMATCH', `${at(spec, `${step.path}.use`)}: "${step.use}" is a ${manifest.kind} plugin, but it is listed under ${step.section}`, {
      stage: 'plugin',
      plugin: manifest.name,
    });
  }
  return manifest;
}

/** The context a step's instance gets. */
export function stepContext(spec: PipelineSpec, step: { name: string }, logger: Logger, runDir: string, signal: AbortSignal): PluginContext {
  return {
    pipeline: spec.name,
    step: step.name,
    logger,
    signal,
    baseDir: spec.baseDir,
    runDir,
    stateDir: join(spec.stateDir, step.name),
    resolvePath: (p: string) => (isAbsolute(p) ? p : resolve(spec.baseDir, p)),
  };
}

export interface PreparedStep {
  readonly spec: StepSpec;
  readonly manifest: PluginManifest;
  /** Validated, defaults applied, frozen. */
  readonly config: unknown;
}

/**
 * Resolves every step's plugin (built in, listed in `plugins:`, or a package named by `use`) and checks its
 * config against the plugin's schema, without creating anything. Problems come back as one SightlineError
 * naming the step, path and line. `sightline validate` stops here.
 */
export async function preparePipeline(
  spec: PipelineSpec,
  options: Pick<AssembleOptions, 'registry' | 'pluginSearchDirs' | 'only'>,
): Promise<PreparedStep[]> {
  const searchDirs = options.pluginSearchDirs ?? [spec.baseDir, process.cwd()];
  await loadConfiguredPlugins(spec, options.registry, searchDirs);

  // With no decoders listed, every registered decoder takes part in auto-detection, with its defaults.
  const decoderSteps: StepSpec[] =
    spec.decoders.length > 0
      ? [...spec.decoders]
      : options.registry
          .list()
          .filter((p) => p.manifest.kind === 'decoder')
          .map((p, index) => ({ section: 'decoders', index, path: `decoders (default ${p.manifest.name})`, use: p.manifest.name, name: p.manifest.name, config: {} }));

  const stepNames = new Set(decoderSteps.map((d) => d.name));
  for (const input of spec.inputs) {
    if (input.decoder !== 'auto' && !stepNames.has(input.decoder)) {
      throw new SightlineError('SL_CONFIG_INVALID', `${at(spec, `inputs[${input.index}].decoder`)}: no decoder is named "${input.decoder}" (available: ${[...stepNames].join(', ') || 'none'})`, { stage: 'config' });
    }
  }
  const all: StepSpec[] = [...decoderSteps, ...spec.enrichers, ...spec.models, ...spec.sinks].filter((step) => options.only?.(step) ?? true);
  const manifests = new Map<StepSpec, PluginManifest>();
  for (const step of all) manifests.set(step, await resolveManifest(step, spec, options.registry, searchDirs));

  // Check every step's config before creating anything, and report all problems at once.
  const problems: ConfigProblem[] = [];
  const prepared: PreparedStep[] = [];
  for (const step of all) {
    const config = structuredClone(step.config) as Record<string, unknown>;
    const manifest = manifests.get(step)!;
    problems.push(...validateConfig(manifest.configSchema, config, `${step.path}.config`));
    prepared.push({ spec: step, manifest, config: deepFreeze(config) });
  }
  if (problems.length > 0) {
    throw new SightlineError('SL_PLUGIN_CONFIG_INVALID', formatProblems(`${spec.file ?? 'pipeline'}: plugin settings`, problems, spec.locate), { stage: 'plugin', details: { problems } });
  }
  return prepared;
}

/**
 * Builds a pipeline from its spec: `preparePipeline`, then instances created in the pipeline's own container
 * (sinks opened, enrichers started).
 */
export async function assemblePipeline(spec: PipelineSpec, options: AssembleOptions): Promise<AssembledPipeline> {
  const prepared = await preparePipeline(spec, options);

  const container = new PipelineContainer(options.parent);
  container
    .provide(TOKENS.Logger, options.logger)
    .provide(TOKENS.QuarantineStore, options.quarantine)
    .provide(TOKENS.DeadLetterStore, options.deadLetter)
    .provide(TOKENS.Clock, () => Date.now())
    .provide(TOKENS.PipelineInfo, { name: spec.name, baseDir: spec.baseDir, runDir: options.runDir, stateDir: spec.stateDir });

  const created: Step<PluginKind>[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const errors: unknown[] = [];
    for (const s of [...created].reverse()) {
      try {
        const inst = s.instance as { close?: () => unknown };
        await inst.close?.();
      } catch (e) {
        errors.push(e);
        options.logger.error(`closing step "${s.spec.name}" failed: ${(e as Error).message}`);
      }
    }
    if (errors.length > 0) throw SightlineError.from(errors[0], 'SL_OUTPUT_UNWRITABLE', 'closing the pipeline failed');
  };

  try {
    for (const { spec: step, manifest, config } of prepared) {
      const ctx = stepContext(spec, step, options.logger, options.runDir, options.signal);
      mkdirSync(ctx.stateDir, { recursive: true });
      let instance: PluginInstances[PluginKind];
      try {
        instance = await container.create(manifest, config, ctx);
        created.push({ spec: step, manifest, instance, ctx });
        if (manifest.kind === 'sink') await (instance as PluginInstances['sink']).open?.(ctx);
        if (manifest.kind === 'enricher') await (instance as PluginInstances['enricher']).start?.(ctx);
      } catch (e) {
        const err = SightlineError.from(e, 'SL_PLUGIN_INIT_FAILED', `step "${step.name}" (plugin "${manifest.name}") failed to start`, { stage: 'plugin', plugin: manifest.name });
        throw new SightlineError(err.code, `${at(spec, step.path)}: ${err.message}`, { stage: err.stage, plugin: manifest.name, cause: err });
      }
    }
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }

  const of = <K extends PluginKind>(kind: K) => created.filter((s) => s.manifest.kind === kind) as unknown as Step<K>[];
  return {
    spec,
    container,
    decoders: of('decoder'),
    enrichers: of('enricher'),
    models: of('model') as unknown as Step<'model', ModelStepSpec>[],
    sinks: of('sink') as unknown as Step<'sink', SinkStepSpec>[],
    close,
  };
}
