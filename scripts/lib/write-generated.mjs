// Writes generated files, or with --check reports the stale ones and exits 1. Shared by the generators.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** @param {Map<string, string>} files absolute path -> content */
export function writeOrCheck(files, check = process.argv.includes('--check')) {
  let stale = 0;
  for (const [path, content] of files) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      /* missing */
    }
    if (current === content) continue;
    if (check) {
      console.error(`out of date: ${path}`);
      stale++;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      console.log(`wrote ${path}`);
    }
  }
  if (stale > 0) {
    console.error('run `npm run gen` and commit the result');
    process.exit(1);
  }
}
