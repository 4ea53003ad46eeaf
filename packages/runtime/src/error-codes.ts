import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/runtime's BullMQ runner (listed on docs/reference/errors.md). */
export const RUNTIME_ERROR_CODES = defineErrorCodes('@sightline/runtime', {
  SL_CLUSTER_REDIS_UNAVAILABLE: {
    stage: 'runtime',
    retryable: true,
    summary: 'Redis does not answer (refused, unreachable, timing out, or still loading).',
    remedy: 'Workers keep retrying and resume when it is back; check `cluster.redis` and that Redis runs. Nothing is acknowledged that was not done.',
  },
  SL_CLUSTER_REDIS_OOM: {
    stage: 'runtime',
    retryable: true,
    summary: 'Redis refused a write because it is out of memory (maxmemory reached).',
    remedy: 'Lower `cluster.in_flight`, raise Redis maxmemory, and keep `maxmemory-policy noeviction` (BullMQ needs it). Jobs are retried.',
  },
  SL_CLUSTER_CONFIG_MISMATCH: {
    stage: 'runtime',
    retryable: false,
    summary: 'A job was submitted with a different pipeline config than the worker runs.',
    remedy: 'Give every worker and `sightline submit` the same pipeline file; restart workers after changing it. The job is failed and kept for `sightline retry-failed`.',
  },
  SL_CLUSTER_PAYLOAD_EXPIRED: {
    stage: 'runtime',
    retryable: false,
    summary: 'A job\'s payload (an uploaded input piece or an event batch) is no longer in Redis: it outlived `cluster.blob_ttl`.',
    remedy: 'Submit the input again; raise `cluster.blob_ttl` if jobs wait that long.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CLUSTER_REDIS_UNAVAILABLE: true;
    SL_CLUSTER_REDIS_OOM: true;
    SL_CLUSTER_CONFIG_MISMATCH: true;
    SL_CLUSTER_PAYLOAD_EXPIRED: true;
  }
}
