import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer; nodeOptions?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeOptions === undefined ? [] : options.nodeOptions.split(' ')), BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A folder under the repository (so node_modules resolution finds @sightline/* and the example plugins). */
export function workDir(prefix = 'cli-'): string {
  const base = join(ROOT, '.scratch');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

export function pipeline(dir: string, yaml: string, name = 'pipeline.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

export function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'sl-cli-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
