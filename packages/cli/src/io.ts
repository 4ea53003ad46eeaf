import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SightlineError, describeCause, errorCodeInfo } from '@sightline/core';

/** Where a command writes: replaced in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

/** The cli package's folder (to find templates and plugins installed next to it). */
export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Prints an error as one clear message: what went wrong, with its code and what to do. */
export function printError(io: CliIo, error: unknown): void {
  if (SightlineError.is(error)) {
    const info = errorCodeInfo(error.code);
    io.stderr.write(`sightline: ${error.message}\n`);
    io.stderr.write(`  [${error.code}]${info === undefined ? '' : ` ${info.remedy}`}\n`);
  } else {
    io.stderr.write(`sightline: unexpected error: ${describeCause(error)}\n`);
    if (error instanceof Error && error.stack !== undefined && process.env['SIGHTLINE_DEBUG'] !== undefined) io.stderr.write(`${error.stack}\n`);
    io.stderr.write('  [SL_INTERNAL] Please report it; set SIGHTLINE_DEBUG=1 for the stack trace.\n');
  }
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}
