import { SightlineError } from '@sightline/core';

/** The `sightline` command's exit codes (documented in docs/reference/cli.md and `sightline help exit-codes`). */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 3,
  PLUGIN: 4,
  INPUT: 5,
  OUTPUT: 6,
  UNDELIVERED: 7,
  CONTRACT: 8,
  INTERRUPTED: 130,
} as const;

export const EXIT_DESCRIPTIONS: readonly [number, string][] = [
  [EXIT.OK, 'the run completed; quarantined input records (if any) are listed in the summary'],
  [EXIT.INTERNAL, 'an unexpected error inside Sightline (please report it)'],
  [EXIT.USAGE, 'the command line is wrong (unknown command or option, missing argument)'],
  [EXIT.CONFIG, 'the pipeline file is missing, not YAML/JSON, or does not match its schema'],
  [EXIT.PLUGIN, 'a plugin is unknown, incompatible with this core, badly configured, or failed to start'],
  [EXIT.INPUT, 'an input does not exist or could not be opened before the run started'],
  [EXIT.OUTPUT, 'the output folder or a sink\'s destination cannot be written'],
  [EXIT.UNDELIVERED, 'the run completed, but events were dead-lettered, datagrams were dropped, or an input could not be read to its end'],
  [EXIT.CONTRACT, 'the run completed, but a plugin broke its contract (malformed events, exceptions); see quarantine/plugin.ndjson'],
  [EXIT.INTERRUPTED, 'the run was interrupted (Ctrl-C / SIGTERM); outputs written so far are finalised'],
];

/** The exit code for an error that stopped a command. */
export function exitCodeFor(error: unknown): number {
  if (!SightlineError.is(error)) return EXIT.INTERNAL;
  const c = error.code;
  if (c === 'SL_OUTPUT_UNWRITABLE') return EXIT.OUTPUT;
  if (c === 'SL_RUN_INTERRUPTED') return EXIT.INTERRUPTED;
  if (c.startsWith('SL_CONFIG_')) return EXIT.CONFIG;
  if (c.startsWith('SL_PLUGIN_') || c === 'SL_EVENT_INVALID') return EXIT.PLUGIN;
  if (c.startsWith('SL_INPUT_')) return EXIT.INPUT;
  return EXIT.INTERNAL;
}
