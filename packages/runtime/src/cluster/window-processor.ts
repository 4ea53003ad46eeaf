/**
 * The model queue's processor, loaded by BullMQ in a worker thread (`useWorkerThreads`): CPU-heavy fitting and
 * scoring run here, so the main thread keeps renewing job locks and a long fit is never taken for a stalled job.
 */
import { UnrecoverableError } from 'bullmq';
import { SightlineError } from '@sightline/core';
import { WORKER_ENV, type WindowJobLike, type WorkerEnvironment, runWindowJob } from './window-job.js';

export default async function windowProcessor(job: WindowJobLike, token?: string): Promise<unknown> {
  const raw = process.env[WORKER_ENV];
  if (raw === undefined) throw new SightlineError('SL_INTERNAL', `the model worker thread was started without ${WORKER_ENV}`);
  const env = JSON.parse(raw) as WorkerEnvironment;
  try {
    return await runWindowJob(job, env, undefined, token);
  } catch (e) {
    if (e instanceof Error && e.name === 'WaitingChildrenError') throw e;
    // Errors cross the thread boundary as plain data: keep the code in the message, and say when retrying is useless.
    if (SightlineError.is(e)) throw e.retryable ? new Error(`[${e.code}] ${e.message}`) : new UnrecoverableError(`[${e.code}] ${e.message}`);
    throw e;
  }
}
