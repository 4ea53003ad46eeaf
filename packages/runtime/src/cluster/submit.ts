import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FlowProducer, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Logger, type PipelineSpec, SightlineError, describeCause } from '@sightline/core';
import { expandPaths } from '../inputs/expand.js';
import { BlobStore, INPUT_PIECE } from './blob-store.js';
import { DECODE_QUEUE, MODEL_QUEUE, clusterKeys, jobIdPart } from './keys.js';

/** What a decode job carries: the input by reference, never its bytes. */
export interface DecodeJobData {
  readonly submission: string;
  readonly index: number;
  readonly configHash: string;
  readonly decoder: string;
  /** `upload`: pieces `pieceId(submission, index, n)` in Redis, counted in `keys.pieces` once all are there; else `path`. */
  readonly input: { readonly name: string; readonly size: number; readonly upload?: boolean; readonly path?: string };
}

export interface WindowJobData {
  readonly submission: string;
  readonly configHash: string;
  readonly inputs: number;
  /** Set by the window job once it has queued its model jobs: the next run delivers their alerts. */
  readonly stage?: 'deliver';
}

/**
 * A fingerprint of the pipeline as a worker sees it, so a worker refuses jobs submitted with another config.
 * Taken from the file's bytes (plus overrides), not from paths, so the same file on two hosts matches.
 */
export function configHash(spec: PipelineSpec, overrides: Readonly<Record<string, unknown>> = {}): string {
  const h = createHash('sha256');
  if (spec.file !== undefined) h.update(readFileSync(spec.file));
  else h.update(JSON.stringify({ ...spec, locate: undefined, baseDir: undefined }));
  h.update(JSON.stringify(overrides));
  return h.digest('hex').slice(0, 16);
}

export interface SubmitOptions {
  readonly spec: PipelineSpec;
  readonly redis: Redis;
  readonly logger: Logger;
  /** Files or globs (relative to `cwd`); default: the pipeline's file and directory inputs. */
  readonly inputs?: readonly string[];
  readonly cwd?: string;
  readonly decoder?: string;
  readonly configHash: string;
  readonly signal?: AbortSignal;
  readonly onUpload?: (name: string, bytes: number) => void;
}

export interface Submission {
  readonly submission: string;
  readonly windowJobId: string;
  readonly inputs: readonly { readonly name: string; readonly size: number }[];
}

async function inputFiles(o: SubmitOptions): Promise<{ path: string; decoder: string }[]> {
  const cwd = o.cwd ?? process.cwd();
  if (o.inputs !== undefined && o.inputs.length > 0) {
    return (await expandPaths(o.inputs, cwd, 'submit')).map((path) => ({ path, decoder: o.decoder ?? 'auto' }));
  }
  const out: { path: string; decoder: string }[] = [];
  for (const input of o.spec.inputs) {
    if (input.type === 'file') for (const path of await expandPaths(input.path, o.spec.baseDir, `inputs[${input.index}]`)) out.push({ path, decoder: input.decoder });
    else if (input.type === 'directory') {
      const { listDirectory } = await import('../inputs/expand.js');
      for (const path of await listDirectory(input.path, input.pattern, input.recursive, o.spec.baseDir, `inputs[${input.index}]`)) out.push({ path, decoder: input.decoder });
    } else o.logger.warn(`inputs[${input.index}] (${input.type}) cannot be submitted to a cluster; only files and directories can`);
  }
  if (out.length === 0) throw new SightlineError('SL_INPUT_NOT_FOUND', 'nothing to submit: name input files, or give the pipeline file or directory inputs', { stage: 'input' });
  return out;
}

/** The id of piece `piece` of input `index` of a submission. */
export function pieceId(submission: string, index: number, piece: number): string {
  return `${INPUT_PIECE}${submission}-${index}-${piece}`;
}

/**
 * Submits inputs as one window: a BullMQ flow whose children decode one input each and whose parent fits the
 * models on the window, scores it and delivers the ranked alerts once the children are done. With
 * `cluster.upload` the flow is added first and the inputs are then uploaded into Redis in pieces, one input after
 * another, waiting for room under `cluster.in_flight`: decode jobs start on the first pieces while later ones
 * arrive, and finished jobs release theirs, so a submission may be far larger than the in-flight limit (one
 * input may not: its pieces stay until its job completes, so that a retried attempt finds them). Otherwise jobs
 * carry paths that every worker must be able to read. Child failure policy is explicit
 * (`cluster.on_chunk_failure`), so a parent never waits forever on a child that failed for good.
 */
export async function submit(o: SubmitOptions): Promise<Submission> {
  const c = o.spec.cluster;
  const keys = clusterKeys(o.spec.name);
  const blobs = new BlobStore(o.redis, keys, c.blobTtlMs, c.inFlightBytes, c.compress);
  const files = await inputFiles(o);
  const submission = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const children: FlowJob[] = [];
  const inputs: { name: string; size: number }[] = [];
  const budget = blobs.limit('input');
  for (const [index, f] of files.entries()) {
    let size: number;
    try {
      size = (await stat(f.path)).size;
    } catch (e) {
      throw SightlineError.from(e, 'SL_INPUT_UNREADABLE', `cannot read ${f.path}`, { stage: 'input' });
    }
    // Uncompressed, a piece is stored as its bytes plus one; an input that cannot fit is refused before anything
    // is queued. (Compressed, the stored size is only known while uploading; that is checked there.)
    if (c.upload && c.compress === 'none' && size + Math.ceil(size / c.chunkBytes) > budget) throw tooLarge(f.path, size, budget);
    inputs.push({ name: f.path, size });
    const input: DecodeJobData['input'] = c.upload ? { name: f.path, size, upload: true } : { name: f.path, size, path: f.path };
    const data: DecodeJobData = { submission, index, configHash: o.configHash, decoder: f.decoder, input };
    children.push({
      name: 'decode',
      queueName: DECODE_QUEUE,
      data,
      opts: {
        jobId: `decode-${submission}-${index}`,
        attempts: c.attempts,
        backoff: { type: 'exponential', delay: c.backoffMs },
        removeOnComplete: { age: Math.ceil(c.keepJobsMs / 1000) },
        removeOnFail: false,
        ...(c.onChunkFailure === 'fail' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true }),
      },
    });
  }
  const windowJobId = `window-${jobIdPart(submission)}`;
  const windowData: WindowJobData = { submission, configHash: o.configHash, inputs: files.length };
  const producer = new FlowProducer({ connection: o.redis, prefix: keys.prefix });
  // While uploading, a heartbeat tells decode jobs waiting for pieces that more are coming.
  const heartbeat = async (): Promise<void> => void (await o.redis.set(keys.uploading(submission), '1', 'PX', UPLOAD_HEARTBEAT_MS * 3));
  try {
    if (c.upload) await heartbeat();
    await o.redis.hset(keys.submission(submission), { submitted: Date.now(), inputs: files.length, state: c.upload ? 'uploading' : 'submitted' });
    await o.redis.zadd(keys.submissions, Date.now(), submission);
    await producer.add({
      name: 'window',
      queueName: MODEL_QUEUE,
      data: windowData,
      opts: { jobId: windowJobId, attempts: c.attempts, backoff: { type: 'exponential', delay: c.backoffMs }, removeOnComplete: { age: Math.ceil(c.keepJobsMs / 1000) }, removeOnFail: false },
      children,
    });
  } catch (e) {
    throw SightlineError.from(e, 'SL_CLUSTER_REDIS_UNAVAILABLE', `submitting to Redis failed: ${describeCause(e)}`, { stage: 'runtime', retryable: true });
  } finally {
    await producer.close();
  }
  if (c.upload) {
    const timer = setInterval(() => void heartbeat().catch(() => undefined), UPLOAD_HEARTBEAT_MS);
    try {
      for (const [index, f] of files.entries()) await uploadInput(o, blobs, keys, submission, index, f.path, budget);
      await o.redis.hset(keys.submission(submission), { state: 'submitted', uploaded: Date.now() });
    } finally {
      clearInterval(timer);
      // Jobs still waiting for pieces of an input that never finished see the heartbeat stop and fail with
      // SL_CLUSTER_UPLOAD_INCOMPLETE; those whose pieces are all there go on.
      await o.redis.del(keys.uploading(submission)).catch(() => undefined);
    }
  }
  return { submission, windowJobId, inputs };
}

/** How often `submit` says it is still uploading (decode jobs give up on pieces some three beats after it stops). */
export const UPLOAD_HEARTBEAT_MS = 2_000;

function tooLarge(path: string, size: number, budget: number): SightlineError {
  return new SightlineError(
    'SL_CLUSTER_INPUT_TOO_LARGE',
    `${path} (${size} bytes${size > budget ? '' : ' compressed so far'}) does not fit in the ${budget} bytes uploads may hold in Redis (half of cluster.in_flight): raise cluster.in_flight, cut the input smaller, or use shared storage with cluster.upload: false`,
    { stage: 'input', details: { path, size, budget } },
  );
}

/** Uploads one input in pieces, waiting for room; writes the piece count once all are stored. */
async function uploadInput(o: SubmitOptions, blobs: BlobStore, keys: ReturnType<typeof clusterKeys>, submission: string, index: number, path: string, budget: number): Promise<void> {
  let piece = 0;
  let held = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: o.spec.cluster.chunkBytes })) {
      o.signal?.throwIfAborted();
      const z = blobs.encode(chunk as Buffer);
      if (held + z.length > budget) throw tooLarge(path, held + z.length, budget);
      await blobs.waitForRoom('input', o.signal);
      held += await blobs.putEncoded(pieceId(submission, index, piece++), z, 1);
      o.onUpload?.(path, (chunk as Buffer).length);
    }
  } catch (e) {
    if (SightlineError.is(e) || o.signal?.aborted === true) throw e;
    throw SightlineError.from(e, 'SL_INPUT_UNREADABLE', `cannot upload ${path}`, { stage: 'input' });
  }
  await o.redis.set(keys.pieces(submission, index), String(piece), 'PX', o.spec.cluster.blobTtlMs);
}
