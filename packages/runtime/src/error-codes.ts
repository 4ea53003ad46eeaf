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
  SL_CLUSTER_INPUT_TOO_LARGE: {
    stage: 'input',
    retryable: false,
    summary: 'An input is larger than uploads may hold in Redis at once (half of `cluster.in_flight`); its pieces stay until its decode job is done, so it cannot be uploaded.',
    remedy: 'Raise `cluster.in_flight`, cut inputs smaller (nfcapd -t, tcpdump -G, `sightline simulate --rotate`), set `cluster.compress: gzip`, or put inputs on storage every worker reads and set `cluster.upload: false`.',
  },
  SL_CLUSTER_UPLOAD_INCOMPLETE: {
    stage: 'input',
    retryable: false,
    summary: 'A decode job was waiting for pieces of its input, and the `sightline submit` that was uploading them stopped before it finished.',
    remedy: 'Submit the input again. The job is failed and kept; what was decoded from the pieces that arrived was delivered.',
  },
  SL_CLUSTER_TIMEOUT: {
    stage: 'runtime',
    retryable: true,
    summary: '`sightline submit --timeout` ran out before the submission was uploaded or finished.',
    remedy: 'What was queued goes on in the workers: follow it with `sightline status`. Raise --timeout, or add workers.',
  },
  SL_CLUSTER_PAYLOAD_UNREADABLE: {
    stage: 'runtime',
    retryable: false,
    summary: 'A job\'s payload in Redis cannot be read: an unknown encoding (written by another Sightline version) or damaged bytes.',
    remedy: 'Run the same Sightline version on every worker and for `sightline submit`, then submit the input again. The job is failed and kept for inspection.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CLUSTER_REDIS_UNAVAILABLE: true;
    SL_CLUSTER_REDIS_OOM: true;
    SL_CLUSTER_CONFIG_MISMATCH: true;
    SL_CLUSTER_PAYLOAD_EXPIRED: true;
    SL_CLUSTER_PAYLOAD_UNREADABLE: true;
    SL_CLUSTER_INPUT_TOO_LARGE: true;
    SL_CLUSTER_TIMEOUT: true;
    SL_CLUSTER_UPLOAD_INCOMPLETE: true;
  }
}
