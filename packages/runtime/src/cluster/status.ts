import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type PipelineSpec, SightlineError } from '@sightline/core';
import { BlobStore } from './blob-store.js';
import { DECODE_QUEUE, MODEL_QUEUE, clusterKeys, jobIdPart, sinkQueue } from './keys.js';
import { type WindowResult, submissionDir } from './window-job.js';

export interface QueueStatus {
  readonly queue: string;
  readonly counts: Readonly<Record<string, number>>;
  /** Jobs completed per minute over the last 5 minutes (from the workers' metrics). */
  readonly perMinute: number;
  readonly failed: readonly { readonly id: string; readonly name: string; readonly reason: string; readonly attempts: number; readonly at: string }[];
}

export interface ClusterStatus {
  readonly pipeline: string;
  readonly queues: readonly QueueStatus[];
  /** Payload bytes in Redis now (uploaded input pieces plus event batches). */
  readonly inflightBytes: number;
  readonly inflightInputBytes: number;
  readonly inflightBatchBytes: number;
  /** `cluster.in_flight`: half for uploads, half for batches. */
  readonly inflightLimit: number;
  readonly submissions: readonly { readonly id: string; readonly state: string; readonly inputs: number; readonly outstandingDeliveries: number; readonly submitted: string }[];
  readonly redisMemory: { readonly used: number; readonly peak: number; readonly maxmemory: number; readonly policy: string };
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

function queueNames(spec: PipelineSpec): string[] {
  return [DECODE_QUEUE, MODEL_QUEUE, ...spec.sinks.map((s) => sinkQueue(s.name))];
}

/** Queue depths, rates, failed jobs with their reasons, payload in flight, recent submissions, Redis memory. */
export async function clusterStatus(spec: PipelineSpec, redis: Redis, failedPerQueue = 5): Promise<ClusterStatus> {
  const keys = clusterKeys(spec.name);
  const queues: QueueStatus[] = [];
  for (const name of queueNames(spec)) {
    const q = new Queue(name, { connection: redis, prefix: keys.prefix });
    try {
      const counts = await q.getJobCounts(...STATES);
      const metrics = await q.getMetrics('completed', 0, 4).catch(() => ({ data: [] as number[] }));
      const recent = metrics.data.slice(0, 5);
      const failed = (await q.getFailed(0, failedPerQueue - 1)).map((j) => ({ id: j.id ?? '?', name: j.name, reason: j.failedReason ?? '', attempts: j.attemptsMade, at: new Date(j.finishedOn ?? j.timestamp).toISOString() }));
      queues.push({ queue: name, counts, perMinute: recent.length === 0 ? 0 : recent.reduce((a, b) => a + b, 0) / recent.length, failed });
    } finally {
      await q.close();
    }
  }
  const blobs = new BlobStore(redis, keys, spec.cluster.blobTtlMs, spec.cluster.inFlightBytes, spec.cluster.compress);
  const ids = await redis.zrevrange(keys.submissions, 0, 9);
  const submissions = [];
  for (const id of ids) {
    const h = await redis.hgetall(keys.submission(id));
    submissions.push({ id, state: h['state'] ?? 'unknown', inputs: Number(h['inputs'] ?? 0), outstandingDeliveries: await redis.scard(keys.outstanding(id)), submitted: new Date(Number(h['submitted'] ?? 0)).toISOString() });
  }
  const info = await redis.info('memory');
  const field = (k: string): string => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '0';
  return {
    pipeline: spec.name,
    queues,
    inflightInputBytes: await blobs.inflight('input'),
    inflightBatchBytes: await blobs.inflight('batch'),
    inflightBytes: await blobs.inflight(),
    inflightLimit: spec.cluster.inFlightBytes,
    submissions,
    redisMemory: { used: Number(field('used_memory')), peak: Number(field('used_memory_peak')), maxmemory: Number(field('maxmemory')), policy: field('maxmemory_policy') },
  };
}

/** Moves failed jobs back to waiting (all queues, or the named ones); returns how many per queue. */
export async function retryFailed(spec: PipelineSpec, redis: Redis, only?: readonly string[]): Promise<Record<string, number>> {
  const keys = clusterKeys(spec.name);
  const out: Record<string, number> = {};
  for (const name of queueNames(spec)) {
    if (only !== undefined && only.length > 0 && !only.includes(name)) continue;
    const q = new Queue(name, { connection: redis, prefix: keys.prefix });
    try {
      const failed = await q.getJobCountByTypes('failed');
      if (failed > 0) {
        // Sink jobs hold their submission open again while they are retried.
        if (name.startsWith('sink-')) {
          for (const j of await q.getFailed(0, -1)) await redis.sadd(keys.outstanding((j.data as { submission: string }).submission), `${name.slice(5)}/${j.id}`);
        }
        await q.retryJobs({ state: 'failed', count: 1000 });
      }
      out[name] = failed;
    } finally {
      await q.close();
    }
  }
  return out;
}

/**
 * Waits until a submission is done: its window job completed (or failed for good) and every event batch it
 * queued for the sinks delivered or failed for good. Returns the window's result.
 */
export async function waitForSubmission(spec: PipelineSpec, redis: Redis, submission: string, options: { timeoutMs?: number; onTick?: (s: { window: string; outstanding: number }) => void } = {}): Promise<WindowResult> {
  const keys = clusterKeys(spec.name);
  const q = new Queue(MODEL_QUEUE, { connection: redis, prefix: keys.prefix });
  const deadline = Date.now() + (options.timeoutMs ?? Infinity);
  try {
    for (;;) {
      const job = await q.getJob(`window-${jobIdPart(submission)}`);
      const state = job === undefined ? 'missing' : await job.getState();
      const outstanding = await redis.scard(keys.outstanding(submission));
      options.onTick?.({ window: state, outstanding });
      if (state === 'failed' && job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        throw new SightlineError('SL_MODEL_FIT_FAILED', `submission ${submission}: its window job failed: ${job.failedReason}`, { stage: 'model' });
      }
      if (state === 'completed' && outstanding === 0) break;
      if (Date.now() > deadline) throw new SightlineError('SL_CLUSTER_TIMEOUT', `submission ${submission} did not finish in time (window ${state}, ${outstanding} deliveries outstanding); it goes on in the workers`, { stage: 'runtime', retryable: true });
      await sleep(250);
    }
  } finally {
    await q.close();
  }
  await redis.hset(keys.submission(submission), { state: 'done', done: Date.now() });
  return JSON.parse(await readFile(join(submissionDir(spec.cluster.sharedDir, submission), 'summary.json'), 'utf8')) as WindowResult;
}

/** Empties the pipeline's queues and keys (tests, resets). */
export async function obliterate(spec: PipelineSpec, redis: Redis): Promise<void> {
  const keys = clusterKeys(spec.name);
  for (const name of queueNames(spec)) {
    const q = new Queue(name, { connection: redis, prefix: keys.prefix });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
}
