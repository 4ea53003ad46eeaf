import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/sink-elastic (listed on docs/reference/errors.md). */
export const ELASTIC_ERROR_CODES = defineErrorCodes('@sightline/sink-elastic', {
  SL_ELASTIC_SETUP_FAILED: {
    stage: 'sink',
    retryable: false,
    summary: 'Installing the index templates or creating the data streams was refused by the cluster.',
    remedy: 'The cluster\'s reason is in the message (often missing `manage_index_templates` / `create_index` privileges, or a conflicting template); fix it or set `setup: false` and install the templates yourself.',
  },
  SL_ELASTIC_AUTH_FAILED: {
    stage: 'sink',
    retryable: false,
    summary: 'The cluster refused the credentials (401) or the user may not write to the index (403).',
    remedy: 'Check `auth` (API key, user and password, or cloud id) and the role\'s index privileges (`create_doc` on the target).',
  },
  SL_ELASTIC_DOCUMENT_TOO_LARGE: {
    stage: 'sink',
    retryable: false,
    summary: 'A single document is larger than the cluster accepts in one request (413, `http.max_content_length`).',
    remedy: 'The event is dead-lettered; raise `http.max_content_length` on the cluster or drop `raw` / large fields before the sink.',
  },
  SL_ELASTIC_UNSUPPORTED_VERSION: {
    stage: 'sink',
    retryable: false,
    summary: 'The cluster is not Elasticsearch 8.x or 9.x, or is not Elasticsearch.',
    remedy: 'Point `node` at an Elasticsearch 8 or 9 cluster; the message says what answered.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_ELASTIC_SETUP_FAILED: true;
    SL_ELASTIC_AUTH_FAILED: true;
    SL_ELASTIC_DOCUMENT_TOO_LARGE: true;
    SL_ELASTIC_UNSUPPORTED_VERSION: true;
  }
}
