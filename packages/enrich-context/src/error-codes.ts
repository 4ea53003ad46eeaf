import { defineErrorCodes } from '@sightline/core';

/**
 * Error codes of @sightline/enrich-context (listed on docs/reference/errors.md). A rejected reload uses core's
 * SL_ENRICH_RELOAD_REJECTED; these say why a reference file could not be used at all.
 */
export const ENRICH_CONTEXT_ERROR_CODES = defineErrorCodes('@sightline/enrich-context', {
  SL_CONTEXT_FILE_UNREADABLE: {
    stage: 'enrich',
    retryable: false,
    summary: 'A reference file (network list, asset inventory, GeoIP database, indicator feed, top-domains list) cannot be read.',
    remedy: 'Check the path (relative paths are resolved from the pipeline file\'s folder) and the permissions.',
  },
  SL_CONTEXT_FILE_INVALID: {
    stage: 'enrich',
    retryable: false,
    summary: 'A reference file has lines or entries that cannot be used (bad address or range, missing column, bad criticality).',
    remedy: 'The message names the file, the line and what was expected there; fix the file. At start the step does not start; on reload the old data stays in use.',
  },
  SL_CONTEXT_MMDB_INVALID: {
    stage: 'enrich',
    retryable: false,
    summary: 'A MaxMind database is corrupt, truncated or of the wrong type for its slot (an ASN database given as the city database).',
    remedy: 'Download the database again; the message names the file, its type and what is broken.',
  },
  SL_CONTEXT_SERVICE_FAILED: {
    stage: 'enrich',
    retryable: true,
    summary: 'A reputation service did not answer in time or failed; the batch went on without its verdicts.',
    remedy: 'The cause is attached; the values are asked again with a later batch.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CONTEXT_FILE_UNREADABLE: true;
    SL_CONTEXT_FILE_INVALID: true;
    SL_CONTEXT_MMDB_INVALID: true;
    SL_CONTEXT_SERVICE_FAILED: true;
  }
}
