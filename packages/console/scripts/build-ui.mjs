#!/usr/bin/env node
// Builds the console's page (ui/ -> dist/ui) with Vite after type-checking it, unless the bundle is newer than
// every source file (so `npm run build` at the root stays quick when nothing in ui/ changed). --force rebuilds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(pkg, 'ui');
const stamp = join(pkg, 'dist', 'ui', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = Math.max(newest(ui), statSync(join(pkg, 'src', 'api.ts')).mtimeMs, statSync(join(pkg, 'package.json')).mtimeMs);
if (!process.argv.includes('--force') && existsSync(stamp) && statSync(stamp).mtimeMs > sources) {
  console.log('@sightline/console: page is up to date (dist/ui)');
  process.exit(0);
}
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(ui, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error('@sightline/console: the page (ui/) does not type-check; see above');
  process.exit(1);
}
const { build } = await import('vite');
await build({ configFile: join(ui, 'vite.config.ts') });
console.log('@sightline/console: page built into dist/ui');
