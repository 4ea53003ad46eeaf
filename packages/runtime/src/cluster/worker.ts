import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type DecodeContext,
  type InputChunk,
  type InputSource,
  type Logger,
  type OdmEvent,
  type PipelineSpec,
  type PluginRegistry,
  SightlineError,
  type Stream,
  describeCause,
} from '@sightline/core';
import { type AssembledPipeline, assemblePipeline, stepContext } from '../assemble.js';
import { FileDeadLetterStore, FileQuarantineStore } from '../file-stores.js';
import { fileSource } from '../inputs/file-input.js';
import { peekSource } from '../inputs/peek.js';
import { PipelineStages } from '../pipeline-stages.js';
import { BoundaryValidator } from '../validator.js';
import { BlobStore } from './blob-store.js';
import { decodeBatch, encodeBatch } from './batch-codec.js';
import { connectRedis, waitForRedis } from './connection.js';
import { type ClusterKeys, DECODE_QUEUE, MODEL_QUEUE, clusterKeys, sinkQueue } from './keys.js';
import { type DecodeJobData, configHash, pieceId } from './submit.js';
import { InputSpool, spoolDir } from './input-spool.js';
import { type DecodeResult, WORKER_ENV, type WorkerEnvironment, runWindowJob, submissionDir } from './window-job.js';

export type ClusterStage = 'decode' | 'sink' | 'model';

export interface SinkJobData {
  readonly submission: string;
  readonly configHash: string;
  readonly blob: string;
  readonly stream: Stream;
  readonly count: number;
}

export interface ClusterWorkerOptions {
  readonly spec: PipelineSpec;
  readonly registry: PluginRegistry;
  /** Module exporting `builtinRegistry()`, for the model thread (which builds its own pipeline). */
  readonly registryModule: string;
  readonly overrides?: Readonly<Record<string, unknown>>;
  readonly stages?: readonly ClusterStage[];
  readonly logger: Logger;
  readonly pluginSearchDirs?: readonly string[];
  /** Run model jobs in a worker thread (default) or in this thread (tests, debugging). */
  readonly modelInThread?: boolean;
  readonly concurrency?: Partial<Record<ClusterStage, number>>;
}

/**
 * Pieces of an uploaded input, fetched from Redis one at a time as the decoder pulls. The job may start before
 * the upload ends: a piece not there yet is waited for while the submitter's heartbeat lasts; the piece count,
 * written when the upload is complete, says where the input ends.
 */
function uploadedSource(name: string, submission: string, index: number, blobs: BlobStore, redis: Redis, keys: ClusterKeys): InputSource {
  return {
    name,
    framing: 'stream',
    async *chunks(): AsyncGenerator<InputChunk> {
      let offset = 0;
      for (let piece = 0; ; piece++) {
        for (let delay = 5; ; delay = Math.min(200, delay * 2)) {
          const bytes = await blobs.find(pieceId(submission, index, piece));
          if (bytes !== undefined) {
            yield { bytes, offset };
            offset += bytes.length;
            break;
          }
          const count = await redis.get(keys.pieces(submission, index));
          if (count !== null) {
            if (piece >= Number(count)) return;
            // The piece and the count may both have arrived since we looked for the piece: look once more.
            if ((await blobs.find(pieceId(submission, index, piece))) !== undefined) continue;
            throw new SightlineError('SL_CLUSTER_PAYLOAD_EXPIRED', `piece ${piece} of ${name} is no longer in Redis (expired after cluster.blob_ttl, or already consumed)`, { stage: 'runtime' });
          }
          if ((await redis.exists(keys.uploading(submission))) === 0) {
            // The count may have been written just after we looked; look once more before giving up.
            if ((await redis.get(keys.pieces(submission, index))) !== null) continue;
            throw new SightlineError('SL_CLUSTER_UPLOAD_INCOMPLETE', `the submitter stopped uploading ${name} after ${piece} piece${piece === 1 ? '' : 's'}`, { stage: 'input' });
          }
          await sleep(delay);
        }
      }
    },
  };
}

/** Releases the pieces of an uploaded input once its decode job has completed. */
async function releasePieces(submission: string, index: number, blobs: BlobStore, redis: Redis, keys: ClusterKeys): Promise<void> {
  const count = Number((await redis.get(keys.pieces(submission, index))) ?? 0);
  for (let piece = 0; piece < count; piece++) await blobs.release(pieceId(submission, index, piece));
  await redis.del(keys.pieces(submission, index));
}

/** A failure retrying cannot fix becomes UnrecoverableError (kept as a failed job, no more attempts). */
function asJobError(e: unknown): Error {
  if (SightlineError.is(e) && !e.retryable) return new UnrecoverableError(`[${e.code}] ${e.message}`);
  if (SightlineError.is(e)) return new Error(`[${e.code}] ${e.message}`);
  if (e instanceof Error && /OOM/.test(e.message)) return new Error(`[SL_CLUSTER_REDIS_OOM] ${e.message}`);
  return e instanceof Error ? e : new Error(describeCause(e));
}

/**
 * Options of the model jobs' worker threads. BullMQ starts them with the process's `execArgv`, but a worker
 * thread refuses V8 heap flags there (ERR_WORKER_INVALID_EXEC_ARGV): `sightline` itself starts with
 * `--max-semi-space-size`, and users add `--max-old-space-size`. Those become the thread's resource limits.
 */
export function modelThreadOptions(execArgv: readonly string[]): { execArgv: string[]; resourceLimits: { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number } } {
  const heap = /^--(max-semi-space-size|max-old-space-size|max_semi_space_size|max_old_space_size)(?:=(\d+))?$/;
  const resourceLimits: { maxYoungGenerationSizeMb?: number; maxOldGenerationSizeMb?: number } = {};
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const m = heap.exec(execArgv[i]!);
    if (m === null) {
      kept.push(execArgv[i]!);
      continue;
    }
    // `--flag=N` or `--flag N`
    const value = Number(m[2] ?? execArgv[++i]);
    if (!Number.isFinite(value) || value <= 0) continue;
    // V8's young generation is three semi-spaces (two for copying, one for new large objects).
    if (m[1]!.includes('semi')) resourceLimits.maxYoungGenerationSizeMb = 3 * value;
    else resourceLimits.maxOldGenerationSizeMb = value;
  }
  return { execArgv: kept, resourceLimits };
}

/**
 * A worker process: BullMQ workers for the stages it runs (decode, one queue per sink, model), all built from the
 * same pipeline file as `sightline submit` and the LocalRunner. Decode jobs decode and enrich an input and hand
 * batches to the sink queues by reference; sink jobs deliver them (rate-limited per sink); window jobs fit,
 * score and deliver alerts in a worker thread. `close()` lets active jobs finish before it returns.
 */
export class ClusterWorker {
  readonly #o: ClusterWorkerOptions;
  readonly #spec: PipelineSpec;
  readonly #logger: Logger;
  readonly #hash: string;
  readonly #id = `${hostname()}-${process.pid}`;
  readonly #workers: Worker[] = [];
  readonly #queues = new Map<string, Queue>();
  #redis: Redis | undefined;
  #pipeline: AssembledPipeline | undefined;
  #stages: PipelineStages | undefined;
  #blobs: BlobStore | undefined;
  /** Delivery state per submission (its dead-letter and quarantine files), the few most recent kept open. */
  readonly #scoped = new Map<string, { stages: PipelineStages; close: () => Promise<void> }>();
  #closed = false;
  /** One validator for the process, so `validate: sample` samples the worker's events, not each job's. */
  readonly #validator: BoundaryValidator;
  #reconcile: NodeJS.Timeout | undefined;

  constructor(o: ClusterWorkerOptions) {
    this.#o = o;
    this.#spec = o.spec;
    this.#logger = o.logger;
    this.#hash = configHash(o.spec, o.overrides ?? {});
    this.#validator = new BoundaryValidator(o.spec.validate);
  }

  get id(): string {
    return this.#id;
  }

  get configHash(): string {
    return this.#hash;
  }

  async start(): Promise<void> {
    const spec = this.#spec;
    const c = spec.cluster;
    const stages = this.#o.stages ?? ['decode', 'sink', 'model'];
    const redis = connectRedis(c.redis, this.#logger, `worker ${this.#id}`);
    this.#redis = redis;
    await waitForRedis(redis, c.redis, 60_000);
    const keys = clusterKeys(spec.name);
    this.#blobs = new BlobStore(redis, keys, c.blobTtlMs, c.inFlightBytes, c.compress);
    // Payloads that expired (their consumers failed for good) no longer count as in flight.
    await this.#blobs.reconcile();
    this.#reconcile = setInterval(() => void this.#blobs?.reconcile().catch(() => undefined), 5 * 60_000);
    this.#reconcile.unref();
    const connection = redis;
    const common = { connection, prefix: keys.prefix, metrics: { maxDataPoints: 60 * 24 * 7 }, lockDuration: c.lockMs, stalledInterval: Math.max(1000, Math.floor(c.lockMs / 2)), maxStalledCount: 2 };

    if (stages.includes('decode') || stages.includes('sink')) {
      const runDir = join(c.sharedDir, 'workers', this.#id);
      await mkdir(runDir, { recursive: true });
      const quarantine = new FileQuarantineStore(join(runDir, 'quarantine'));
      const deadLetter = new FileDeadLetterStore(join(runDir, 'dead-letter'));
      this.#pipeline = await assemblePipeline(spec, {
        registry: this.#o.registry,
        logger: this.#logger,
        runDir,
        signal: new AbortController().signal,
        quarantine,
        deadLetter,
        ...(this.#o.pluginSearchDirs === undefined ? {} : { pluginSearchDirs: this.#o.pluginSearchDirs }),
      });
      this.#stages = new PipelineStages({ spec, pipeline: this.#pipeline, logger: this.#logger, quarantine, deadLetter, validator: this.#validator });
      for (const s of this.#pipeline.sinks) this.#queues.set(s.spec.name, new Queue(sinkQueue(s.spec.name), { connection, prefix: keys.prefix }));
    }

    if (stages.includes('decode')) {
      const w = new Worker<DecodeJobData, DecodeResult>(DECODE_QUEUE, (job) => this.#decode(job).catch((e: unknown) => Promise.reject(asJobError(e))), { ...common, concurrency: this.#o.concurrency?.decode ?? c.concurrency.decode });
      w.on('completed', (job) => {
        if (job.data.input.upload === true) void releasePieces(job.data.submission, job.data.index, this.#blobs!, redis, keys).catch((e: unknown) => this.#logger.warn(`releasing the pieces of ${job.data.input.name}: ${describeCause(e)}`));
      });
      this.#workers.push(w);
    }
    if (stages.includes('sink')) {
      for (const s of this.#pipeline!.sinks) {
        const rate = c.sinkRate[s.spec.name];
        const w = new Worker<SinkJobData>(sinkQueue(s.spec.name), (job) => this.#sink(job, s.spec.name).catch((e: unknown) => Promise.reject(asJobError(e))), {
          ...common,
          concurrency: this.#o.concurrency?.sink ?? c.concurrency.sink,
          ...(rate === undefined ? {} : { limiter: { max: rate.max, duration: rate.perMs } }),
        });
        w.on('completed', (job) => {
          void this.#blobs!.release(job.data.blob).then(() => redis.srem(keys.outstanding(job.data.submission), `${s.spec.name}/${job.id}`));
        });
        // A sink job that failed for good no longer holds its submission open (it stays failed, for retry-failed).
        w.on('failed', (job) => {
          if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)) void redis.srem(keys.outstanding(job.data.submission), `${s.spec.name}/${job.id}`);
        });
        this.#workers.push(w);
      }
    }
    if (stages.includes('model')) {
      const env: WorkerEnvironment = {
        pipelineFile: spec.file ?? '',
        overrides: this.#o.overrides ?? {},
        registryModule: this.#o.registryModule,
        pluginSearchDirs: this.#o.pluginSearchDirs ?? [spec.baseDir, process.cwd()],
        workerId: this.#id,
      };
      if (spec.file === undefined) throw new SightlineError('SL_CONFIG_INVALID', 'cluster workers need the pipeline as a file (its path is how worker threads load it)', { stage: 'config' });
      const concurrency = this.#o.concurrency?.model ?? c.concurrency.model;
      let w: Worker;
      if (this.#o.modelInThread === false) {
        w = new Worker(MODEL_QUEUE, (job, token) => runWindowJob(job as never, env, this.#logger, token).catch((e: unknown) => Promise.reject(asJobError(e))), { ...common, concurrency });
      } else {
        process.env[WORKER_ENV] = JSON.stringify(env);
        const processor = fileURLToPath(new URL('../../dist/cluster/window-processor.js', import.meta.url));
        w = new Worker(MODEL_QUEUE, processor, { ...common, concurrency, useWorkerThreads: true, workerThreadsOptions: modelThreadOptions(process.execArgv) });
      }
      w.on('completed', (job) => {
        if (job.name === 'window') void redis.hset(keys.submission(job.data.submission), { state: 'modelled', modelled: Date.now() });
      });
      this.#workers.push(w);
    }
    for (const w of this.#workers) {
      w.on('error', (e) => this.#logger.error(`worker ${w.name}: ${describeCause(e)}`));
      w.on('failed', (job, e) => this.#logger.warn(`${w.name} job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${e.message}`));
      w.on('completed', (job) => this.#logger.debug(`${w.name} job ${job.id ?? '?'} (${job.name}) done in ${job.finishedOn !== undefined && job.processedOn !== undefined ? job.finishedOn - job.processedOn : '?'} ms`));
    }
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
    this.#logger.info(`worker ${this.#id} runs ${stages.join(', ')} for pipeline "${spec.name}" (config ${this.#hash})`);
  }

  #checkHash(data: { configHash: string; submission: string }): void {
    if (data.configHash !== this.#hash) {
      throw new SightlineError('SL_CLUSTER_CONFIG_MISMATCH', `submission ${data.submission} was made with pipeline config ${data.configHash}; worker ${this.#id} runs ${this.#hash} (give every worker and submit the same file)`, { stage: 'runtime' });
    }
  }

  async #decode(job: Job<DecodeJobData, DecodeResult>): Promise<DecodeResult> {
    const d = job.data;
    this.#checkHash(d);
    const spec = this.#spec;
    const st0 = this.#stages!;
    const blobs = this.#blobs!;
    const redis = this.#redis!;
    const keys = clusterKeys(spec.name);
    const dir = submissionDir(spec.cluster.sharedDir, d.submission);
    const qdir = join(dir, 'quarantine', `decode-${d.index}`);
    await rm(qdir, { recursive: true, force: true }); // a retried attempt starts its record afresh
    const quarantine = new FileQuarantineStore(qdir);
    const st = new PipelineStages({ spec, pipeline: this.#pipeline!, logger: this.#logger, quarantine, deadLetter: new FileDeadLetterStore(join(dir, 'dead-letter', `decode-${d.index}`)), validator: this.#validator });
    const source = d.input.upload === true ? uploadedSource(d.input.name, d.submission, d.index, blobs, redis, keys) : await fileSource(d.input.path!);
    const result: { -readonly [K in keyof DecodeResult]: DecodeResult[K] } = { index: d.index, name: d.input.name, decoder: undefined, bytes: 0, events: 0, issues: 0, batches: 0, spooled: 0 };
    const counted: InputSource = {
      ...source,
      chunks: async function* () {
        for await (const c of source.chunks()) {
          result.bytes += c.bytes.length;
          yield c;
        }
      },
    };
    const { head, source: replay } = await peekSource(counted);
    const chosen = st.chooseDecoder(d.decoder, head, replay);
    if (chosen === undefined) {
      await st.quarantineIssues([{ code: 'SL_INPUT_UNKNOWN_FORMAT', message: `no decoder recognised ${d.input.name}`, source: d.input.name, offset: 0, raw: head.subarray(0, 256) }], 'input', 'runtime');
      await quarantine.close();
      throw new SightlineError('SL_INPUT_UNKNOWN_FORMAT', `no decoder recognised ${d.input.name}`, { stage: 'input' });
    }
    result.decoder = chosen.step;
    const kinds = st0.modelKinds();
    // The events the models take, spooled per model window (by event time) in a folder of this attempt's own,
    // renamed into place when the job is done: the window job hands the files to the models as they are.
    const spool = kinds.size > 0 ? new InputSpool(spoolDir(dir, d.index), `${job.attemptsStarted}-${job.stalledCounter}`, spec.window.sizeMs) : undefined;
    const ctx: DecodeContext = { ...stepContext(spec, { name: chosen.step }, this.#logger, join(dir, 'run'), new AbortController().signal), batchSize: spec.batchSize, keepRaw: spec.keepRaw };
    try {
      for await (const batch of chosen.decoder.decode(replay, ctx)) {
        result.events += batch.events.length;
        result.issues += batch.issues.length;
        const events = await st.processDecoded(chosen.step, d.input.name, batch.events, batch.issues);
        const targets = st.sinksFor('events', events);
        if (targets.length > 0) {
          // Deterministic ids: a retried decode job finds the sink jobs it already queued and does not queue
          // (or store) them again, so a batch is never delivered twice because its decode was retried.
          const id = `ev-${d.submission}-${d.index}-${result.batches}`;
          // Only a re-run of this job (a retry, or after a crashed worker) can find its sink jobs already queued.
          const rerun = job.attemptsStarted > 1 || job.stalledCounter > 0;
          const fresh: typeof targets = [];
          for (const t of targets) if (!rerun || (await this.#queues.get(t.step.spec.name)!.getJob(id)) === undefined) fresh.push(t);
          if (fresh.length > 0) {
            await blobs.waitForRoom('batch');
            await blobs.put(id, encodeBatch(events), fresh.length);
            await redis.sadd(keys.outstanding(d.submission), ...fresh.map((t) => `${t.step.spec.name}/${id}`));
            await Promise.all(
              fresh.map((t) => {
                const data: SinkJobData = { submission: d.submission, configHash: d.configHash, blob: id, stream: 'events', count: t.events.length };
                return this.#queues.get(t.step.spec.name)!.add('deliver', data, {
                  jobId: id,
                  attempts: spec.cluster.attempts,
                  backoff: { type: 'exponential', delay: spec.cluster.backoffMs },
                  removeOnComplete: { age: Math.ceil(spec.cluster.keepJobsMs / 1000) },
                  removeOnFail: false,
                });
              }),
            );
          }
        }
        if (spool !== undefined) result.spooled += await spool.append(events, kinds);
        result.batches++;
        await job.updateProgress({ events: result.events, bytes: result.bytes });
      }
      if (spool !== undefined) result.windows = await spool.commit();
    } finally {
      await spool?.abandon();
      await quarantine.close();
    }
    // The input's pieces are released when BullMQ has committed this job's completion (the 'completed'
    // event), not here: an attempt that lost its lock may be run again and must find them.
    return result;
  }

  async #sink(job: Job<SinkJobData>, step: string): Promise<{ delivered: number; deadLettered: number }> {
    const d = job.data;
    this.#checkHash(d);
    const st = this.#stages!;
    const events = decodeBatch(await this.#blobs!.get(d.blob), d.blob);
    const target = st.sinksFor(d.stream, events).find((t) => t.step.spec.name === step);
    // The batch is released and the submission told when BullMQ has committed completion ('completed' event).
    return target === undefined ? { delivered: 0, deadLettered: 0 } : await this.#deliver(step, d, target.events);
  }

  /** Delivers with the retrying wrapper; dead letters go to the submission's folder. */
  async #deliver(step: string, d: SinkJobData, events: readonly OdmEvent[]): Promise<{ delivered: number; deadLettered: number }> {
    let scoped = this.#scoped.get(d.submission);
    if (scoped === undefined) {
      const dir = submissionDir(this.#spec.cluster.sharedDir, d.submission);
      const deadLetter = new FileDeadLetterStore(join(dir, 'dead-letter', this.#id));
      const quarantine = new FileQuarantineStore(join(dir, 'quarantine', `sink-${this.#id}`));
      scoped = {
        stages: new PipelineStages({ spec: this.#spec, pipeline: this.#pipeline!, logger: this.#logger, quarantine, deadLetter, validator: this.#validator }),
        close: async () => {
          await deadLetter.close();
          await quarantine.close();
        },
      };
      this.#scoped.set(d.submission, scoped);
      if (this.#scoped.size > 16) {
        const [oldest, entry] = this.#scoped.entries().next().value as [string, { close: () => Promise<void> }];
        this.#scoped.delete(oldest);
        await entry.close();
      }
    }
    return scoped.stages.deliverTo(step, d.stream, events);
  }

  /** Stops taking jobs, lets active ones finish, finalises the sinks' outputs. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#reconcile);
    await Promise.all(this.#workers.map((w) => w.close()));
    for (const q of this.#queues.values()) await q.close();
    await this.#pipeline?.close().catch((e: unknown) => this.#logger.error(`closing the pipeline: ${describeCause(e)}`));
    for (const s of this.#scoped.values()) await s.close();
    await this.#redis?.quit().catch(() => undefined);
  }
}
