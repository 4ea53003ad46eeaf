/**
 * Every error code Sightline reports. Codes are stable, low-cardinality identifiers: they name what went wrong
 * (for metrics, quarantine records and scripts); the message says it in words for the case at hand.
 *
 * The reference page docs/reference/errors.md is generated from this table (`npm run gen`) and a test fails
 * when the two disagree. First-party packages add their codes here so the page lists every code; third-party
 * plugins use codes of the form `X_<PLUGIN>_<WHAT>` (see `ExtensionErrorCode`).
 */
export type Stage = 'config' | 'plugin' | 'input' | 'decode' | 'enrich' | 'model' | 'sink' | 'runtime';

export interface ErrorCodeInfo {
  readonly stage: Stage;
  /** Whether trying again later can succeed. */
  readonly retryable: boolean;
  /** One line: what it means. */
  readonly summary: string;
  /** What the user can do about it. */
  readonly remedy: string;
}

export const ERROR_CODES = {
  // --- configuration --------------------------------------------------------------------------------------
  SL_CONFIG_NOT_FOUND: {
    stage: 'config',
    retryable: false,
    summary: 'The pipeline file does not exist or cannot be read.',
    remedy: 'Check the path given to the command.',
  },
  SL_CONFIG_PARSE: {
    stage: 'config',
    retryable: false,
    summary: 'The pipeline file is not valid YAML or JSON.',
    remedy: 'Fix the syntax at the line and column the message names.',
  },
  SL_CONFIG_INVALID: {
    stage: 'config',
    retryable: false,
    summary: 'The pipeline config does not match its schema.',
    remedy: 'The message names the path (e.g. `sinks[0].config.format`) and what was expected there.',
  },
  SL_CONFIG_ENV_MISSING: {
    stage: 'config',
    retryable: false,
    summary: 'The config refers to an environment variable (`${NAME}`) that is not set and has no default.',
    remedy: 'Set the variable or write `${NAME:-default}`.',
  },
  // --- plugins ---------------------------------------------------------------------------------------------
  SL_PLUGIN_NOT_FOUND: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin named in the config is neither built in nor an installed package.',
    remedy: 'Install the package next to the pipeline file (npm install <name>) or fix the name; `sightline plugins` lists what is installed.',
  },
  SL_PLUGIN_LOAD_FAILED: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin package was found but importing it failed.',
    remedy: 'The cause is attached; usually the package is not built or a dependency is missing.',
  },
  SL_PLUGIN_INVALID_MANIFEST: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin package does not export a valid manifest.',
    remedy: 'The package must export `manifest` (or `manifests`) made with `definePlugin`; the message names the bad field.',
  },
  SL_PLUGIN_INCOMPATIBLE: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin was built for a core version range that does not include the running core.',
    remedy: 'Upgrade the plugin or Sightline so that the plugin\'s `core` range includes the running core version.',
  },
  SL_PLUGIN_DUPLICATE: {
    stage: 'plugin',
    retryable: false,
    summary: 'Two different plugins registered the same name.',
    remedy: 'Remove one of the packages or rename one plugin.',
  },
  SL_PLUGIN_KIND_MISMATCH: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin was used in a section of the config that does not match its kind (e.g. a sink under `decoders`).',
    remedy: 'Move the step to the section of its kind; `sightline plugins` shows each plugin\'s kind.',
  },
  SL_PLUGIN_CONFIG_INVALID: {
    stage: 'plugin',
    retryable: false,
    summary: 'A step\'s `config` does not match the plugin\'s config schema.',
    remedy: 'The message names the path inside the step and what was expected.',
  },
  SL_PLUGIN_INIT_FAILED: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin failed while starting (opening files, loading reference data, connecting).',
    remedy: 'The cause is attached.',
  },
  SL_PLUGIN_CRASHED: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin threw where its contract says it must return a value (a bug in the plugin).',
    remedy: 'The batch it was working on is quarantined; report the cause to the plugin\'s authors.',
  },
  SL_EVENT_INVALID: {
    stage: 'plugin',
    retryable: false,
    summary: 'A plugin produced an event that does not match the open data model.',
    remedy: 'The event is quarantined with the failing path; the plugin needs fixing. Run with --validate to check every event.',
  },
  // --- inputs ----------------------------------------------------------------------------------------------
  SL_INPUT_NOT_FOUND: {
    stage: 'input',
    retryable: false,
    summary: 'An input file, directory or glob matched nothing.',
    remedy: 'Check the path; relative paths are resolved from the pipeline file\'s folder.',
  },
  SL_INPUT_UNREADABLE: {
    stage: 'input',
    retryable: false,
    summary: 'An input could not be read (permissions, I/O error, corrupt compression).',
    remedy: 'The cause is attached; what was read before the error was processed.',
  },
  SL_INPUT_UNKNOWN_FORMAT: {
    stage: 'input',
    retryable: false,
    summary: 'No configured decoder recognised the input.',
    remedy: 'Name the decoder on the input (`decoder: <step>`) or add a decoder that reads this format; the first bytes are kept in quarantine.',
  },
  SL_INPUT_DROPPED: {
    stage: 'input',
    retryable: false,
    summary: 'Datagrams were lost before they could be decoded: the kernel\'s socket buffer or the listener\'s queue overflowed.',
    remedy: 'The count is in the run summary. Raise `receive_buffer` and `queue` on the udp input, add decode workers, or sample at the exporter.',
  },
  // --- decoding --------------------------------------------------------------------------------------------
  SL_DECODE_MALFORMED: {
    stage: 'decode',
    retryable: false,
    summary: 'A record is not well formed for its format.',
    remedy: 'The record is quarantined with its offset or line number and the raw bytes.',
  },
  SL_DECODE_TRUNCATED: {
    stage: 'decode',
    retryable: false,
    summary: 'A record or file ends before its declared length.',
    remedy: 'The partial record is quarantined; decoding went on with the next one.',
  },
  SL_DECODE_LINE_TOO_LONG: {
    stage: 'decode',
    retryable: false,
    summary: 'A line is longer than the decoder\'s limit.',
    remedy: 'The first bytes of the line are quarantined; raise the decoder\'s `max_line_bytes` if such lines are legitimate.',
  },
  SL_DECODE_UNSUPPORTED: {
    stage: 'decode',
    retryable: false,
    summary: 'A record uses a version or feature this decoder does not read.',
    remedy: 'The record is quarantined; the message names the version or feature.',
  },
  // --- enrichment ------------------------------------------------------------------------------------------
  SL_ENRICH_FAILED: {
    stage: 'enrich',
    retryable: false,
    summary: 'An enricher could not process an event.',
    remedy: 'The event goes on without that enricher\'s context and the issue is quarantined with the reason.',
  },
  SL_ENRICH_RELOAD_REJECTED: {
    stage: 'enrich',
    retryable: false,
    summary: 'A changed reference file could not be loaded; the previous data stays in use.',
    remedy: 'Fix the file; it is re-read on the next change.',
  },
  // --- models ----------------------------------------------------------------------------------------------
  SL_MODEL_FIT_FAILED: {
    stage: 'model',
    retryable: false,
    summary: 'A model could not be fitted on a window.',
    remedy: 'The window\'s events were still delivered to the event sinks; no alerts were produced for it.',
  },
  SL_MODEL_SCORE_FAILED: {
    stage: 'model',
    retryable: false,
    summary: 'A model failed while scoring a window, or returned scores that break its contract (wrong count, not finite).',
    remedy: 'The window\'s events were delivered; alerts from this model are missing for the window. The cause is attached.',
  },
  SL_MODEL_STATE_INVALID: {
    stage: 'model',
    retryable: false,
    summary: 'A stored model state could not be read (corrupt, or written by an incompatible version).',
    remedy: 'Delete the state to fit from scratch, or use the model version that wrote it.',
  },
  SL_MODEL_LATE_EVENT: {
    stage: 'model',
    retryable: false,
    summary: 'An event arrived after its model window was closed.',
    remedy: 'It was delivered to the event sinks but not scored; raise `window.lateness` if this is common.',
  },
  // --- sinks -----------------------------------------------------------------------------------------------
  SL_OUTPUT_UNWRITABLE: {
    stage: 'sink',
    retryable: false,
    summary: 'The output folder or a sink\'s file cannot be created or written.',
    remedy: 'Check that the path exists or can be created and that the user may write there.',
  },
  SL_SINK_UNAVAILABLE: {
    stage: 'sink',
    retryable: true,
    summary: 'The destination did not answer or answered that it is busy (connection refused, timeout, 429, 503).',
    remedy: 'Retried with backoff until the sink\'s deadline; then the batch is dead-lettered.',
  },
  SL_SINK_REJECTED: {
    stage: 'sink',
    retryable: false,
    summary: 'The destination refused an item for a reason retrying cannot fix (mapping error, 4xx).',
    remedy: 'The item is dead-lettered with the destination\'s reason.',
  },
  SL_SINK_DEADLINE: {
    stage: 'sink',
    retryable: false,
    summary: 'A batch could not be delivered before the sink\'s deadline.',
    remedy: 'The undelivered items are dead-lettered; raise `retry.deadline` or fix the destination.',
  },
  // --- runtime ---------------------------------------------------------------------------------------------
  SL_RUN_INTERRUPTED: {
    stage: 'runtime',
    retryable: true,
    summary: 'The run was stopped (SIGINT/SIGTERM) before all input was processed.',
    remedy: 'Outputs written so far are complete and finalised; run again to process the rest.',
  },
  SL_INTERNAL: {
    stage: 'runtime',
    retryable: false,
    summary: 'An unexpected error inside Sightline.',
    remedy: 'Please report it with the message and the cause.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type CoreErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes that first-party packages add for their own stage (`SL_NETFLOW_TEMPLATE_MISSING`…). A package declares
 * them with `defineErrorCodes` in its `src/error-codes.ts` and augments this interface so the codes type-check:
 *
 *   declare module '@sightline/core' { interface PackageErrorCodes { SL_NETFLOW_TEMPLATE_MISSING: true } }
 *
 * The reference page lists every package's codes (scripts/gen-docs.mjs reads each package's error-codes).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface PackageErrorCodes {}

/** Codes third-party plugins may use: `X_<PLUGIN>_<WHAT>`, upper case. */
export type ExtensionErrorCode = `X_${string}`;
export type ErrorCode = CoreErrorCode | Extract<keyof PackageErrorCodes, string> | ExtensionErrorCode;

const EXTENSION_CODE = /^X_[A-Z0-9]+(?:_[A-Z0-9]+)+$/;
const PACKAGE_CODE = /^SL_[A-Z0-9]+(?:_[A-Z0-9]+)+$/;
const registered = new Map<string, ErrorCodeInfo & { readonly package: string }>();

/**
 * Registers a package's error codes (call it at module load, from the package's `error-codes.ts`). Codes must be
 * `SL_…`, must not clash with core's or another package's, and need the same facts as core's.
 */
export function defineErrorCodes<T extends Record<string, ErrorCodeInfo>>(pkg: string, table: T): T {
  for (const [code, info] of Object.entries(table)) {
    if (!PACKAGE_CODE.test(code)) throw new Error(`${pkg}: error code ${code} must look like SL_<AREA>_<WHAT>`);
    const clash = Object.hasOwn(ERROR_CODES, code) ? '@sightline/core' : registered.get(code)?.package;
    if (clash !== undefined && clash !== pkg) throw new Error(`${pkg}: error code ${code} is already defined by ${clash}`);
    registered.set(code, { ...info, package: pkg });
  }
  return table;
}

/** Every code known in this process: core's and the registered packages'. */
export function allErrorCodes(): ReadonlyMap<string, ErrorCodeInfo & { readonly package: string }> {
  const all = new Map<string, ErrorCodeInfo & { readonly package: string }>();
  for (const [code, info] of Object.entries(ERROR_CODES)) all.set(code, { ...info, package: '@sightline/core' });
  for (const [code, info] of registered) all.set(code, info);
  return all;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (Object.hasOwn(ERROR_CODES, value) || registered.has(value) || EXTENSION_CODE.test(value));
}

export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as CoreErrorCode] : registered.get(code);
}
