import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { SightlineError } from '@sightline/core';

const GLOB = /[*?[\]{}]/;

/** Expands file paths and globs (relative to `baseDir`) to existing files, sorted; throws SL_INPUT_NOT_FOUND for a pattern that matches nothing. */
export async function expandPaths(patterns: readonly string[], baseDir: string, where: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (!GLOB.test(p)) {
      const abs = isAbsolute(p) ? p : resolve(baseDir, p);
      try {
        await stat(abs);
      } catch {
        throw new SightlineError('SL_INPUT_NOT_FOUND', `${where}: ${p} does not exist (resolved to ${abs})`, { stage: 'input', details: { path: abs } });
      }
      out.push(abs);
      continue;
    }
    const matches = (await glob(p, { cwd: baseDir, absolute: true, onlyFiles: true, dot: false })).sort();
    if (matches.length === 0) throw new SightlineError('SL_INPUT_NOT_FOUND', `${where}: no file matches ${p} (from ${baseDir})`, { stage: 'input', details: { pattern: p } });
    out.push(...matches);
  }
  return out;
}

/** Files of a directory matching a glob, sorted. */
export async function listDirectory(dir: string, pattern: string, recursive: boolean, baseDir: string, where: string): Promise<string[]> {
  const abs = isAbsolute(dir) ? dir : resolve(baseDir, dir);
  try {
    if (!(await stat(abs)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new SightlineError('SL_INPUT_NOT_FOUND', `${where}: directory ${dir} does not exist (resolved to ${abs})`, { stage: 'input', details: { path: abs } });
  }
  return (await glob(recursive ? `**/${pattern}` : pattern, { cwd: abs, absolute: true, onlyFiles: true })).sort();
}
