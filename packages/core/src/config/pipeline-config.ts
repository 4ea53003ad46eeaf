import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Document, LineCounter, parseDocument } from 'yaml';
import { SightlineError, describeCause } from '../errors/sightline-error.js';
import type { EventKind } from '../model/event.js';
import { pipelineSchema } from '../model/generated/odm-schemas.js';
import { type ConfigProblem, deepFreeze, validateConfig } from './config-ajv.js';
import { parseDuration, parseSize } from './units.js';

export type StepSection = 'decoders' | 'enrichers' | 'models' | 'sinks';

/** One plugin step as written in the config. Its `config` is checked later, against the plugin's own schema. */
export interface StepSpec {
  readonly section: StepSection;
  readonly index: number;
  /** `sinks[1]`: where the step is in the config, for messages. */
  readonly path: string;
  readonly use: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface ModelStepSpec extends StepSpec {
  readonly topN: number;
  readonly threshold: number | undefined;
  readonly seed: number;
}

export interface RetrySpec {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly deadlineMs: number;
  readonly maxAttempts: number;
}

export interface SinkStepSpec extends StepSpec {
  readonly deliver: 'events' | 'alerts' | 'both';
  readonly kinds: readonly EventKind[] | undefined;
  readonly retry: RetrySpec;
}

export type InputSpec =
  | { readonly type: 'file'; readonly path: readonly string[]; readonly decoder: string; readonly index: number }
  | {
      readonly type: 'directory';
      readonly path: string;
      readonly pattern: string;
      readonly recursive: boolean;
      readonly watch: boolean;
      readonly pollMs: number;
      readonly settleMs: number;
      readonly decoder: string;
      readonly index: number;
    }
  | {
      readonly type: 'udp';
      readonly address: string;
      readonly port: number;
      readonly receiveBuffer: number;
      readonly queue: number;
      readonly idleTimeoutMs: number | undefined;
      readonly maxDatagrams: number | undefined;
      readonly decoder: string;
      readonly index: number;
    }
  | { readonly type: 'stdin'; readonly decoder: string; readonly index: number }
  | {
      readonly type: 'synthetic';
      readonly kind: EventKind;
      readonly events: number;
      readonly seed: number;
      readonly start: number;
      readonly spanMs: number;
      readonly hosts: number;
      readonly anomalies: number;
      readonly decoder: string;
      readonly index: number;
    };

/** How the pipeline runs on BullMQ workers (see the `cluster` section of the config). */
export interface ClusterSpec {
  readonly redis: string;
  readonly sharedDir: string;
  readonly upload: boolean;
  readonly inFlightBytes: number;
  /** Compression of payloads held in Redis. */
  readonly compress: 'none' | 'gzip';
  readonly blobTtlMs: number;
  readonly chunkBytes: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly concurrency: { readonly decode: number; readonly sink: number; readonly model: number };
  readonly sinkRate: Readonly<Record<string, { readonly max: number; readonly perMs: number }>>;
  readonly onChunkFailure: 'continue' | 'fail';
  readonly keepJobsMs: number;
  readonly lockMs: number;
}

/** A pipeline config after parsing, validation, defaults and path resolution. Frozen. */
export interface PipelineSpec {
  readonly name: string;
  readonly description: string | undefined;
  /** The config file, when it came from one. */
  readonly file: string | undefined;
  /** Folder relative paths resolve from. */
  readonly baseDir: string;
  readonly outputDir: string;
  readonly stateDir: string;
  readonly plugins: readonly string[];
  readonly inputs: readonly InputSpec[];
  readonly decoders: readonly StepSpec[];
  readonly enrichers: readonly StepSpec[];
  readonly models: readonly ModelStepSpec[];
  readonly sinks: readonly SinkStepSpec[];
  readonly window: { readonly sizeMs: number; readonly latenessMs: number };
  readonly batchSize: number;
  readonly validate: 'off' | 'sample' | 'all';
  readonly keepRaw: boolean;
  readonly cluster: ClusterSpec;
  /** Finds the line of a config path (`sinks[0].config.format`) for messages. */
  readonly locate: (path: string) => { line: number; col: number } | undefined;
}

/** Splits `sinks[0].config.format` into `['sinks', 0, 'config', 'format']`. */
export function splitConfigPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.matchAll(re)) {
    if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push(JSON.parse(`"${m[3]}"`) as string);
    else if (m[1] !== undefined) parts.push(m[1]);
  }
  return parts;
}

function locator(doc: Document | undefined, lines: LineCounter | undefined): PipelineSpec['locate'] {
  return (path) => {
    if (doc === undefined || lines === undefined) return undefined;
    const parts = path === '(root)' ? [] : splitConfigPath(path);
    for (let n = parts.length; n >= 0; n--) {
      const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range !== undefined) {
        const pos = lines.linePos(node.range[0]);
        return { line: pos.line, col: pos.col };
      }
    }
    return undefined;
  };
}

/** Formats problems as one message: the file, then one line per problem with its path and line. */
export function formatProblems(where: string, problems: readonly ConfigProblem[], locate?: PipelineSpec['locate']): string {
  const lines = problems.slice(0, 20).map((p) => {
    const at = locate?.(p.path);
    return `  - ${p.path}${at === undefined ? '' : ` (line ${at.line})`}: ${p.message}`;
  });
  if (problems.length > 20) lines.push(`  … and ${problems.length - 20} more`);
  const head = problems.length === 1 ? `${where} is invalid:` : `${where} has ${problems.length} problems:`;
  return `${head}\n${lines.join('\n')}`;
}

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` and `${NAME:-default}` in every string; `$${` stands for a literal `${`. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (whole, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '${';
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new SightlineError('SL_CONFIG_ENV_MISSING', `${path === '' ? '(root)' : path}: environment variable ${name} is not set (write \${${name}:-default} to give a default)`, {
        stage: 'config',
        details: { path, variable: name, text: whole },
      });
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, path === '' ? k : `${path}.${k}`);
    return out;
  }
  return value;
}

export interface ParseOptions {
  /** The file it came from (for messages and relative paths). */
  readonly file?: string;
  /** Folder relative paths resolve from (default: the file's folder, else the working directory). */
  readonly baseDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides applied after reading, before validation (CLI flags such as --output). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** @internal YAML document, for line numbers. */
  readonly document?: Document;
  /** @internal */
  readonly lineCounter?: LineCounter;
}

/** Overrides (CLI flags) win; objects merge key by key so `{ cluster: { redis } }` keeps the rest of `cluster`. */
function mergeOverrides(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const plain = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = plain(b) && plain(v) ? mergeOverrides(b, v) : v;
  }
  return out;
}

/** Reads a pipeline file (YAML or JSON). Throws SL_CONFIG_NOT_FOUND, SL_CONFIG_PARSE or SL_CONFIG_INVALID. */
export function loadPipelineFile(file: string, options: Omit<ParseOptions, 'file' | 'document' | 'lineCounter'> = {}): PipelineSpec {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SightlineError('SL_CONFIG_NOT_FOUND', `cannot read pipeline file ${file}: ${describeCause(cause)}`, { stage: 'config', cause });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const e = document.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new SightlineError('SL_CONFIG_PARSE', `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`, {
      stage: 'config',
      details: { file, line: pos.line, col: pos.col },
    });
  }
  return parsePipelineConfig(document.toJS({ maxAliasCount: 1000 }), { ...options, file: path, document, lineCounter });
}

/** Validates and normalises a pipeline config given as data. */
export function parsePipelineConfig(data: unknown, options: ParseOptions = {}): PipelineSpec {
  const where = options.file ?? 'pipeline config';
  const locate = locator(options.document, options.lineCounter);
  const substituted = substituteEnv(data ?? {}, options.env ?? process.env);
  const raw = (typeof substituted === 'object' && substituted !== null && !Array.isArray(substituted) ? mergeOverrides(substituted as Record<string, unknown>, options.overrides ?? {}) : substituted) as Record<string, unknown>;
  const problems = validateConfig(pipelineSchema, raw);
  if (problems.length > 0) {
    throw new SightlineError('SL_CONFIG_INVALID', formatProblems(where, problems, locate), {
      stage: 'config',
      details: { problems: problems.map((p) => ({ ...p, ...locate(p.path) })) },
    });
  }
  return normalise(raw, where, options, locate);
}

interface RawStep {
  use: string;
  name?: string;
  config: Record<string, unknown>;
}

function normalise(raw: Record<string, unknown>, where: string, options: ParseOptions, locate: PipelineSpec['locate']): PipelineSpec {
  const baseDir = resolve(options.baseDir ?? (options.file !== undefined ? dirname(options.file) : process.cwd()));
  const outputDir = resolve(baseDir, raw['output'] as string);
  const stateDir = raw['state'] === undefined ? resolve(outputDir, 'state') : resolve(baseDir, raw['state'] as string);
  const problems: ConfigProblem[] = [];
  const names = new Map<string, string>();

  const steps = <S extends StepSpec>(section: StepSection, extra: (r: Record<string, unknown>) => Omit<S, keyof StepSpec>): S[] =>
    ((raw[section] as RawStep[]) ?? []).map((r, index) => {
      const path = `${section}[${index}]`;
      const name = r.name ?? r.use;
      const previous = names.get(name);
      if (previous !== undefined) {
        problems.push({ path: `${path}.name`, message: `step name "${name}" is already used by ${previous}; give one of them a distinct \`name\`` });
      }
      names.set(name, path);
      return { section, index, path, use: r.use, name, config: r.config, ...extra(r as unknown as Record<string, unknown>) } as S;
    });

  const decoders = steps<StepSpec>('decoders', () => ({}));
  const enrichers = steps<StepSpec>('enrichers', () => ({}));
  const models = steps<ModelStepSpec>('models', (r) => ({
    topN: r['top_n'] as number,
    threshold: r['threshold'] as number | undefined,
    seed: r['seed'] as number,
  }));
  const sinks = steps<SinkStepSpec>('sinks', (r) => {
    const retry = r['retry'] as Record<string, string | number>;
    return {
      deliver: r['deliver'] as SinkStepSpec['deliver'],
      kinds: r['kinds'] as EventKind[] | undefined,
      retry: {
        initialDelayMs: parseDuration(retry['initial_delay']!),
        maxDelayMs: parseDuration(retry['max_delay']!),
        deadlineMs: parseDuration(retry['deadline']!),
        maxAttempts: retry['max_attempts'] as number,
      },
    };
  });

  const decoderNames = new Set(decoders.map((d) => d.name));
  const inputs = ((raw['inputs'] as Record<string, unknown>[]) ?? []).map((r, index): InputSpec => {
    const decoder = r['decoder'] as string;
    // With no decoders listed, every installed decoder is used and the name is checked when plugins are resolved.
    if (decoder !== 'auto' && decoderNames.size > 0 && !decoderNames.has(decoder)) {
      problems.push({
        path: `inputs[${index}].decoder`,
        message: `no decoder step is named "${decoder}" (decoders: ${decoderNames.size === 0 ? 'none' : [...decoderNames].join(', ')})`,
      });
    }
    switch (r['type']) {
      case 'file': {
        const p = r['path'] as string | string[];
        return { type: 'file', path: Array.isArray(p) ? p : [p], decoder, index };
      }
      case 'directory':
        return {
          type: 'directory',
          path: r['path'] as string,
          pattern: r['pattern'] as string,
          recursive: r['recursive'] as boolean,
          watch: r['watch'] as boolean,
          pollMs: parseDuration(r['poll'] as string | number),
          settleMs: parseDuration(r['settle'] as string | number),
          decoder,
          index,
        };
      case 'udp':
        return {
          type: 'udp',
          address: r['address'] as string,
          port: r['port'] as number,
          receiveBuffer: parseSize(r['receive_buffer'] as string | number),
          queue: r['queue'] as number,
          idleTimeoutMs: r['idle_timeout'] === undefined ? undefined : parseDuration(r['idle_timeout'] as string | number),
          maxDatagrams: r['max_datagrams'] as number | undefined,
          decoder,
          index,
        };
      case 'stdin':
        return { type: 'stdin', decoder, index };
      default:
        return {
          type: 'synthetic',
          kind: r['kind'] as EventKind,
          events: r['events'] as number,
          seed: r['seed'] as number,
          start: Date.parse(r['start'] as string),
          spanMs: parseDuration(r['span'] as string | number),
          hosts: r['hosts'] as number,
          anomalies: r['anomalies'] as number,
          decoder,
          index,
        };
    }
  });

  const window = raw['window'] as Record<string, string | number>;
  const sizeMs = parseDuration(window['size']!);
  if (sizeMs < 1000) problems.push({ path: 'window.size', message: 'must be at least 1s' });

  if (problems.length > 0) {
    throw new SightlineError('SL_CONFIG_INVALID', formatProblems(where, problems, locate), {
      stage: 'config',
      details: { problems: problems.map((p) => ({ ...p, ...locate(p.path) })) },
    });
  }

  const c = raw['cluster'] as Record<string, unknown>;
  const conc = c['concurrency'] as Record<string, number>;
  const cluster: ClusterSpec = {
    redis: c['redis'] as string,
    sharedDir: c['shared_dir'] === undefined ? resolve(outputDir, 'cluster') : resolve(baseDir, c['shared_dir'] as string),
    upload: c['upload'] as boolean,
    inFlightBytes: parseSize(c['in_flight'] as string | number),
    compress: c['compress'] as 'none' | 'gzip',
    blobTtlMs: parseDuration(c['blob_ttl'] as string | number),
    chunkBytes: parseSize(c['chunk'] as string | number),
    attempts: c['attempts'] as number,
    backoffMs: parseDuration(c['backoff'] as string | number),
    concurrency: { decode: conc['decode']!, sink: conc['sink']!, model: conc['model']! },
    sinkRate: Object.fromEntries(Object.entries(c['sink_rate'] as Record<string, { max: number; per: string | number }>).map(([k, v]) => [k, { max: v.max, perMs: parseDuration(v.per) }])),
    onChunkFailure: c['on_chunk_failure'] as 'continue' | 'fail',
    keepJobsMs: parseDuration(c['keep_jobs'] as string | number),
    lockMs: parseDuration(c['lock'] as string | number),
  };
  return deepFreeze({
    name: raw['name'] as string,
    description: raw['description'] as string | undefined,
    file: options.file,
    baseDir,
    outputDir,
    stateDir,
    plugins: raw['plugins'] as string[],
    inputs,
    decoders,
    enrichers,
    models,
    sinks,
    window: { sizeMs, latenessMs: parseDuration(window['lateness']!) },
    batchSize: raw['batch_size'] as number,
    validate: raw['validate'] as PipelineSpec['validate'],
    keepRaw: raw['keep_raw'] as boolean,
    cluster,
    locate,
  });
}
