import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/decoder-proxy (listed on docs/reference/errors.md). */
export const PROXY_ERROR_CODES = defineErrorCodes('@sightline/decoder-proxy', {
  SL_PROXY_FIELD_COUNT: {
    stage: 'decode',
    retryable: false,
    summary: 'A log line has fewer values than its layout (#Fields directive, configured or detected layout) names, or more with `extra_columns: quarantine`.',
    remedy: 'The line is quarantined with its file and line number; if every line is affected, the #Fields line or the configured `fields`/`format`/`logformat` does not describe the log.',
  },
  SL_PROXY_BAD_QUOTING: {
    stage: 'decode',
    retryable: false,
    summary: 'A quoted value in a log line is not closed before the end of the line.',
    remedy: 'The line is quarantined; decoding goes on with the next line.',
  },
  SL_PROXY_BAD_VALUE: {
    stage: 'decode',
    retryable: false,
    summary: 'A typed value (date, time, status code, byte count, duration, port) cannot be read.',
    remedy: 'The line is quarantined; the message names the field and the value. A shifted column (a value with an unquoted space) is the usual cause.',
  },
  SL_PROXY_NOT_TEXT: {
    stage: 'decode',
    retryable: false,
    summary: 'A line holds control characters (NUL and other binary bytes), so it is not a log record.',
    remedy: 'The line is quarantined with its bytes; check that the input is a text log (not a compressed or binary file under a .log name).',
  },
  SL_PROXY_UNRECOGNISED: {
    stage: 'decode',
    retryable: false,
    summary: 'A line matches none of the proxy log formats, or no layout is known for it (a data line before any #Fields directive that matches no built-in layout).',
    remedy: 'Set the decoder\'s `format` (and `fields` for a headerless ELFF log, `logformat` for a custom Squid log) so the layout is known.',
  },
  SL_PROXY_BAD_DIRECTIVE: {
    stage: 'decode',
    retryable: false,
    summary: 'A W3C/ELFF directive (#Fields, #Date, #GMT-Offset) cannot be read, so the lines it governs may lack a layout or a date.',
    remedy: 'The directive is quarantined; lines that need it are quarantined too, each with the reason.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_PROXY_FIELD_COUNT: true;
    SL_PROXY_BAD_QUOTING: true;
    SL_PROXY_BAD_VALUE: true;
    SL_PROXY_NOT_TEXT: true;
    SL_PROXY_UNRECOGNISED: true;
    SL_PROXY_BAD_DIRECTIVE: true;
  }
}
