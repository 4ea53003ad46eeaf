import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FlowProducer, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Logger, type PipelineSpec, SightlineError, describeCause } from '@sightline/core';
import { expandPaths } from '../inputs/expand.js';
import { BlobStore } from './blob-store.js';
import { DECODE_QUEUE, MODEL_QUEUE, clusterKeys, jobIdPart } from './keys.js';

/** What a decode job carries: the input by reference, never its bytes. */
export interface DecodeJobData {
  readonly submission: string;
  readonly index: number;
  readonly configHash: string;
  readonly decoder: string;
  readonly input: { readonly name: string; readonly size: number; readonly blobs?: readonly string[]; readonly path?: string };
}

export interface WindowJobData {
  readonly submission: string;
  readonly configHash: string;
  readonly inputs: number;
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

/**
 * Submits inputs as one window: a BullMQ flow whose children decode one input each and whose parent fits the
 * models on the window, scores it and delivers the ranked alerts once the children are done. With
 * `cluster.upload` the inputs are uploaded into Redis in pieces (waiting for room under `cluster.in_flight`);
 * otherwise jobs carry paths that every worker must be able to read. Child failure policy is explicit
 * (`cluster.on_chunk_failure`), so a parent never waits forever on a child that failed for good.
 */
export async function submit(o: SubmitOptions): Promise<Submission> {
  const c = o.spec.cluster;
  const keys = clusterKeys(o.spec.name);
  const blobs = new BlobStore(o.redis, keys, c.blobTtlMs, c.inFlightBytes);
  const files = await inputFiles(o);
  const submission = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const children: FlowJob[] = [];
  const inputs: { name: string; size: number }[] = [];
  for (const [index, f] of files.entries()) {
    const size = (await stat(f.path)).size;
    inputs.push({ name: f.path, size });
    let input: DecodeJobData['input'];
    if (c.upload) {
      const ids: string[] = [];
      let piece = 0;
      try {
        for await (const chunk of createReadStream(f.path, { highWaterMark: c.chunkBytes })) {
          await blobs.waitForRoom(o.signal);
          const id = `in-${submission}-${index}-${piece++}`;
          await blobs.put(id, chunk as Buffer, 1);
          ids.push(id);
          o.onUpload?.(f.path, (chunk as Buffer).length);
        }
      } catch (e) {
        throw SightlineError.from(e, 'SL_INPUT_UNREADABLE', `cannot upload ${f.path}`, { stage: 'input' });
      }
      input = { name: f.path, size, blobs: ids };
    } else input = { name: f.path, size, path: f.path };
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
  try {
    await o.redis.hset(keys.submission(submission), { submitted: Date.now(), inputs: files.length, state: 'submitted' });
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
  return { submission, windowJobId, inputs };
}
