import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { LogFields, Logger, PluginContext } from '../contracts/common.js';
import type { PluginInstances, PluginKind, PluginManifest } from '../contracts/manifest.js';
import { deepFreeze, validateConfig } from '../config/config-ajv.js';
import { formatProblems } from '../config/pipeline-config.js';
import { PipelineContainer } from '../di/pipeline-container.js';
import { checkManifest } from '../di/registry.js';
import { TOKENS } from '../di/tokens.js';
import { SightlineError } from '../errors/sightline-error.js';
import { InMemoryDeadLetterStore, InMemoryQuarantineStore } from '../reference/memory-stores.js';

/** A logger that keeps what it is told (tests can assert on it). */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: LogFields }[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push(fields === undefined ? { level: 'debug', message } : { level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push(fields === undefined ? { level: 'info', message } : { level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push(fields === undefined ? { level: 'warn', message } : { level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push(fields === undefined ? { level: 'error', message } : { level: 'error', message, fields });
  }
}

export interface TestContextOptions {
  readonly step?: string;
  readonly baseDir?: string;
  readonly signal?: AbortSignal;
}

/** A plugin context with fresh temporary folders, for tests. */
export function createTestContext(options: TestContextOptions = {}): PluginContext & { logger: RecordingLogger } {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-test-'));
  const baseDir = options.baseDir ?? dir;
  return {
    pipeline: 'test',
    step: options.step ?? 'test',
    logger: new RecordingLogger(),
    signal: options.signal ?? new AbortController().signal,
    baseDir,
    runDir: join(dir, 'run'),
    stateDir: join(dir, 'state'),
    resolvePath: (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p)),
  };
}

/**
 * Creates a plugin instance the way a pipeline does: manifest checked, config validated against the plugin's
 * schema with defaults applied and frozen, module loaded into a fresh pipeline container.
 */
export async function instantiate<K extends PluginKind>(
  manifest: PluginManifest<K>,
  config: unknown = {},
  ctx: PluginContext = createTestContext({ step: manifest.name }),
): Promise<PluginInstances[K]> {
  checkManifest(manifest, 'test');
  const cfg = structuredClone(config ?? {});
  const problems = validateConfig(manifest.configSchema, cfg, 'config');
  if (problems.length > 0) {
    throw new SightlineError('SL_PLUGIN_CONFIG_INVALID', formatProblems(`config of plugin "${manifest.name}"`, problems), { stage: 'plugin', plugin: manifest.name });
  }
  const container = new PipelineContainer();
  container
    .provide(TOKENS.Logger, ctx.logger)
    .provide(TOKENS.QuarantineStore, new InMemoryQuarantineStore())
    .provide(TOKENS.DeadLetterStore, new InMemoryDeadLetterStore())
    .provide(TOKENS.Clock, () => Date.now())
    .provide(TOKENS.PipelineInfo, { name: ctx.pipeline, baseDir: ctx.baseDir, runDir: ctx.runDir, stateDir: ctx.stateDir });
  return container.create(manifest, deepFreeze(cfg), ctx);
}
