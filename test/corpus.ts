import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shared test corpus (real captures and logs from public projects, with reference outputs). It lives beside
 * the project (`../shared/corpus`) and is never copied in; SIGHTLINE_CORPUS overrides the location. Tests that use
 * it call `corpus()` and skip with the printed reason when it is absent:
 *
 *   const c = corpus();
 *   describe.skipIf(!c.available)(`flowbeat goldens${c.note}`, () => { … c.path('flowbeat-netflow/dat/ipfix.dat') … });
 */
export interface Corpus {
  readonly available: boolean;
  readonly dir: string;
  /** '' when available, else ` (skipped: …)` for test titles. */
  readonly note: string;
  path(...parts: string[]): string;
}

export const REPO_ROOT = join(import.meta.dirname, '..');

export function corpus(): Corpus {
  const dir = process.env['SIGHTLINE_CORPUS'] ?? join(REPO_ROOT, '../shared/corpus');
  const available = existsSync(join(dir, 'README.md'));
  if (!available) console.warn(`[corpus] ${dir} is absent: corpus tests are skipped (set SIGHTLINE_CORPUS to its location)`);
  return { available, dir, note: available ? '' : ` (skipped: no corpus at ${dir})`, path: (...parts) => join(dir, ...parts) };
}

/** True when a command is on the PATH (reference tools such as tshark, nfdump). */
export async function hasTool(name: string): Promise<boolean> {
  const { spawnSync } = await import('node:child_process');
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}
