import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/console (listed on docs/reference/errors.md). */
export const CONSOLE_ERROR_CODES = defineErrorCodes('@sightline/console', {
  SL_CONSOLE_UNSAFE_BIND: {
    stage: 'config',
    retryable: false,
    summary: 'The console was asked to listen on an address other than loopback without an access token.',
    remedy: 'Give a token with --token (or SIGHTLINE_CONSOLE_TOKEN), or listen on 127.0.0.1 / ::1 (the default).',
  },
  SL_CONSOLE_LISTEN_FAILED: {
    stage: 'runtime',
    retryable: true,
    summary: 'The console could not listen on the address and port it was given (in use, or not allowed).',
    remedy: 'Pick another port with --port (0 picks a free one) or stop the program that holds it.',
  },
  SL_CONSOLE_UI_MISSING: {
    stage: 'runtime',
    retryable: false,
    summary: 'The console\'s web bundle is not built, so there is no page to serve (the API still answers).',
    remedy: 'Build it: `npm run build` at the repository root (or `npm run build -w @sightline/console`).',
  },
  SL_CONSOLE_RUN_UNREADABLE: {
    stage: 'runtime',
    retryable: false,
    summary: 'A run folder has no readable summary.json, or one of the files it lists cannot be read.',
    remedy: 'The run may still be in progress or was cut short; the console lists the runs it can read and says which it skipped.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CONSOLE_UNSAFE_BIND: true;
    SL_CONSOLE_LISTEN_FAILED: true;
    SL_CONSOLE_UI_MISSING: true;
    SL_CONSOLE_RUN_UNREADABLE: true;
  }
}
