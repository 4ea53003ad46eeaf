import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type PipelineSpec, SightlineError, formatBytes, loadPipelineFile } from '@sightline/core';
import { ClusterWorker, type ClusterStage, StreamLogger, type LogLevel, clusterStatus, configHash, connectRedis, retryFailed, submit, waitForRedis, waitForSubmission } from '@sightline/runtime';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';

const REGISTRY_MODULE = join(CLI_DIR, 'dist', 'builtin-plugins.js');

const common = {
  redis: { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function load(file: string | undefined, redis: string | undefined, io: CliIo): { spec: PipelineSpec; overrides: Record<string, unknown> } {
  if (file === undefined) throw new UsageError('name the pipeline file');
  const overrides: Record<string, unknown> = redis === undefined ? {} : { cluster: { redis } };
  return { spec: loadPipelineFile(file, { env: io.env, overrides }), overrides };
}

function logger(io: CliIo, level: string): StreamLogger {
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) throw new UsageError('--log-level must be debug, info, warn, error or silent');
  return new StreamLogger({ level: level as LogLevel, write: (l) => io.stderr.write(l) });
}

export const WORKER_HELP = `Usage: sightline worker <pipeline.yaml> [options]

Runs BullMQ workers for the pipeline on this host: decode (inputs to enriched events), sink (one queue per sink,
rate-limited per the pipeline's cluster.sink_rate) and model (fit, score and alerts per window, in a worker
thread). Start as many as you like on any hosts that share the Redis and the cluster.shared_dir folder; they all
need the same pipeline file. Ctrl-C (SIGTERM) lets the jobs in progress finish, then stops; a second one stops at
once (its jobs return to the queue when their locks expire).

Options:
      --stages <list>        decode, sink, model (comma list; default all)
      --concurrency <list>   jobs at once per stage, e.g. decode=2,sink=8 (default from the pipeline's cluster section)
      --redis <url>          Redis URL (overrides cluster.redis)
      --log-level <level>    debug, info (default), warn, error, silent
`;

export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...common, stages: { type: 'string', default: 'decode,sink,model' }, concurrency: { type: 'string' } } });
  if (values.help) {
    io.stdout.write(WORKER_HELP);
    return EXIT.OK;
  }
  const { spec, overrides } = load(positionals[0], values.redis, io);
  const stages = values.stages.split(',').map((s) => s.trim()) as ClusterStage[];
  if (stages.some((s) => !['decode', 'sink', 'model'].includes(s))) throw new UsageError('--stages takes decode, sink and/or model');
  const concurrency: Partial<Record<ClusterStage, number>> = {};
  for (const part of values.concurrency?.split(',') ?? []) {
    const [k, v] = part.split('=');
    if (!['decode', 'sink', 'model'].includes(k ?? '') || !Number.isInteger(Number(v)) || Number(v) < 1) throw new UsageError('--concurrency takes stage=n pairs, e.g. decode=2,sink=8');
    concurrency[k as ClusterStage] = Number(v);
  }
  const log = logger(io, values['log-level']);
  const worker = new ClusterWorker({ spec, registry: builtinRegistry(), registryModule: REGISTRY_MODULE, overrides, stages, logger: log, pluginSearchDirs: [spec.baseDir, io.cwd, CLI_DIR], concurrency });
  let stopping = 0;
  const stopped = new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      stopping++;
      if (stopping > 1) {
        io.stderr.write(`sightline worker: ${sig} again: stopping now; jobs in progress go back to their queues when their locks expire\n`);
        process.exit(EXIT.INTERRUPTED);
      }
      io.stderr.write(`sightline worker: ${sig}: finishing the jobs in progress (again to stop at once)\n`);
      void worker.close().then(resolve);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await worker.start();
  io.stderr.write(`sightline worker ${worker.id} on ${hostname()}: ${stages.join(', ')} for "${spec.name}" (config ${worker.configHash}); Ctrl-C to stop\n`);
  await stopped;
  return EXIT.OK;
}

export const SUBMIT_HELP = `Usage: sightline submit <pipeline.yaml> [inputs…] [options]

Submits inputs (files or globs; default: the pipeline's file and directory inputs) as one window to the pipeline's
BullMQ queues: one decode job per input, and a parent job that fits the models on the window, scores it and
delivers the alerts once they are all done. Inputs are uploaded into Redis in pieces (bounded by
cluster.in_flight) unless cluster.upload is false, in which case every worker must see the same paths.

Options:
      --decoder <name>   decoder step for all inputs (default: detect)
      --wait             wait for the submission to finish and print what it did
      --timeout <s>      give up after this many seconds (uploading, and with --wait waiting); what was
                         queued goes on in the workers
      --redis <url>      Redis URL (overrides cluster.redis)
`;

export async function submitCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...common, decoder: { type: 'string' }, wait: { type: 'boolean', default: false }, timeout: { type: 'string' } } });
  if (values.help) {
    io.stdout.write(SUBMIT_HELP);
    return EXIT.OK;
  }
  const { spec, overrides } = load(positionals[0], values.redis, io);
  const log = logger(io, values['log-level']);
  const redis = connectRedis(spec.cluster.redis, log, 'submit');
  try {
    await waitForRedis(redis, spec.cluster.redis, 15_000);
    const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
    if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout takes a positive number of seconds');
    const began = Date.now();
    const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const upload = submit({ spec, redis, logger: log, inputs: positionals.slice(1), cwd: io.cwd, configHash: configHash(spec, overrides), ...(values.decoder === undefined ? {} : { decoder: values.decoder }), ...(signal === undefined ? {} : { signal }) });
    const s = await upload.catch((e: unknown) => {
      if (signal?.aborted === true) throw new SightlineError('SL_CLUSTER_TIMEOUT', `the inputs were not uploaded within --timeout ${values.timeout}s (Redis held cluster.in_flight's share for uploads: are workers running?)`, { stage: 'runtime', retryable: true });
      throw e;
    });
    io.stdout.write(`submitted ${s.submission}: ${s.inputs.length} input${s.inputs.length === 1 ? '' : 's'} (${formatBytes(s.inputs.reduce((n, i) => n + i.size, 0))}) to "${spec.name}"\n`);
    if (!values.wait) return EXIT.OK;
    const r = await waitForSubmission(spec, redis, s.submission, timeoutMs === undefined ? {} : { timeoutMs: Math.max(1, timeoutMs - (Date.now() - began)) });
    const events = r.inputs.reduce((n, i) => n + i.events, 0);
    io.stdout.write(`done: ${events} events from ${r.inputs.length} inputs, ${r.alerts} alerts in ${r.windows.length} window${r.windows.length === 1 ? '' : 's'}\n`);
    for (const f of r.failedInputs) io.stdout.write(`  FAILED INPUT ${f.job}: ${f.reason}\n`);
    for (const [step, files] of Object.entries(r.outputs)) for (const f of files) io.stdout.write(`  ${step}: ${f}\n`);
    return r.failedInputs.length > 0 ? EXIT.UNDELIVERED : r.violations > 0 ? EXIT.CONTRACT : EXIT.OK;
  } finally {
    redis.disconnect();
  }
}

export const STATUS_HELP = `Usage: sightline status <pipeline.yaml> [--json] [--redis <url>]

Shows the pipeline's queues (waiting, active, delayed, waiting for children, completed, failed, jobs per
minute), the last failed jobs with their reasons, payload bytes in flight against cluster.in_flight, recent
submissions with their deliveries outstanding, and Redis memory.
`;

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...common, json: { type: 'boolean', default: false } } });
  if (values.help) {
    io.stdout.write(STATUS_HELP);
    return EXIT.OK;
  }
  const { spec } = load(positionals[0], values.redis, io);
  const redis = connectRedis(spec.cluster.redis, logger(io, values['log-level']), 'status');
  try {
    await waitForRedis(redis, spec.cluster.redis, 10_000);
    const s = await clusterStatus(spec, redis);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      return EXIT.OK;
    }
    const lines = [`Pipeline "${s.pipeline}" on ${spec.cluster.redis.replace(/\/\/[^@]*@/, '//***@')}`];
    lines.push(`  ${'queue'.padEnd(22)} ${['waiting', 'active', 'delayed', 'children', 'completed', 'failed', '/min'].map((h) => h.padStart(9)).join('')}`);
    for (const q of s.queues) {
      const c = q.counts;
      lines.push(`  ${q.queue.padEnd(22)} ${[c['waiting'] ?? 0, c['active'] ?? 0, (c['delayed'] ?? 0) + (c['prioritized'] ?? 0), c['waiting-children'] ?? 0, c['completed'] ?? 0, c['failed'] ?? 0, Math.round(q.perMinute)].map((v) => String(v).padStart(9)).join('')}`);
    }
    lines.push(`  payload in flight: ${formatBytes(s.inflightBytes)} of ${formatBytes(s.inflightLimit)} (uploads ${formatBytes(s.inflightInputBytes)}, batches ${formatBytes(s.inflightBatchBytes)}, each up to half); Redis memory ${formatBytes(s.redisMemory.used)} (peak ${formatBytes(s.redisMemory.peak)}, maxmemory ${s.redisMemory.maxmemory === 0 ? 'unset' : formatBytes(s.redisMemory.maxmemory)}, policy ${s.redisMemory.policy})`);
    if (s.redisMemory.policy !== 'noeviction') lines.push(`  WARNING: maxmemory-policy is ${s.redisMemory.policy}; BullMQ needs noeviction or jobs can vanish`);
    const failed = s.queues.flatMap((q) => q.failed.map((f) => ({ ...f, queue: q.queue })));
    if (failed.length > 0) {
      lines.push('Failed jobs (retry them with `sightline retry-failed`):');
      for (const f of failed) lines.push(`  ${f.queue}/${f.id} after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'} at ${f.at}: ${f.reason}`);
    }
    if (s.submissions.length > 0) {
      lines.push('Recent submissions:');
      for (const sub of s.submissions) lines.push(`  ${sub.id}  ${sub.state.padEnd(10)} ${sub.inputs} inputs, ${sub.outstandingDeliveries} deliveries outstanding`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.OK;
  } finally {
    redis.disconnect();
  }
}

export const RETRY_HELP = `Usage: sightline retry-failed <pipeline.yaml> [--queue <name>]… [--redis <url>]

Moves the pipeline's failed jobs (all queues, or the named ones: decode, model, sink-<step>) back to waiting so
the workers try them again. \`sightline status\` shows what failed and why.
`;

export async function retryFailedCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...common, queue: { type: 'string', multiple: true, default: [] } } });
  if (values.help) {
    io.stdout.write(RETRY_HELP);
    return EXIT.OK;
  }
  const { spec } = load(positionals[0], values.redis, io);
  const redis = connectRedis(spec.cluster.redis, logger(io, values['log-level']), 'retry-failed');
  try {
    await waitForRedis(redis, spec.cluster.redis, 10_000);
    const r = await retryFailed(spec, redis, values.queue);
    const total = Object.values(r).reduce((a, b) => a + b, 0);
    io.stdout.write(`${total} failed job${total === 1 ? '' : 's'} moved back to waiting${total === 0 ? '' : `: ${Object.entries(r).filter(([, n]) => n > 0).map(([q, n]) => `${q} ${n}`).join(', ')}`}\n`);
    return EXIT.OK;
  } finally {
    redis.disconnect();
  }
}
