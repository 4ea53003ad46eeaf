import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/sink-splunk (listed on docs/reference/errors.md). */
export const SPLUNK_ERROR_CODES = defineErrorCodes('@sightline/sink-splunk', {
  SL_SPLUNK_AUTH_FAILED: {
    stage: 'sink',
    retryable: false,
    summary: 'The HTTP Event Collector refused the token (HEC code 2, 3, 4 or 1: missing, malformed, invalid or disabled).',
    remedy: 'Check `token` and that the token is enabled in Settings > Data inputs > HTTP Event Collector.',
  },
  SL_SPLUNK_CHANNEL: {
    stage: 'sink',
    retryable: false,
    summary: 'HEC wants a channel (code 10: the token has indexer acknowledgement on), refused the channel (11), or has acknowledgement off (14).',
    remedy: 'Set `ack.enabled: true` when the token has indexer acknowledgement, false when it does not; `channel` must be a GUID.',
  },
  SL_SPLUNK_UNACKNOWLEDGED: {
    stage: 'sink',
    retryable: true,
    summary: 'HEC accepted a batch but did not acknowledge it as indexed within `ack.timeout`.',
    remedy: 'The batch is sent again (at least once: Splunk has no idempotent ids, so a late-indexed batch can appear twice; `dedup event_id` removes it at search time); raise `ack.timeout` for slow indexers.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_SPLUNK_AUTH_FAILED: true;
    SL_SPLUNK_CHANNEL: true;
    SL_SPLUNK_UNACKNOWLEDGED: true;
  }
}
