#!/usr/bin/env node
// Writes the root tsconfig.json's project references from the workspace packages that have a tsconfig.json, and
// each package's references from its @sightline/* dependencies, so adding a package never means editing shared
// build files by hand. Runs before every build.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs = ['packages', 'examples']
  .flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((n) => join(root, d, n)) : []))
  .filter((d) => existsSync(join(d, 'package.json')) && existsSync(join(d, 'tsconfig.json')));
const byName = new Map(dirs.map((d) => [JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name, d]));

function writeIfChanged(path, value) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}

// Topological order keeps `tsc -b` output stable.
const order = [];
const seen = new Set();
function visit(name) {
  if (seen.has(name)) return;
  seen.add(name);
  const pkg = JSON.parse(readFileSync(join(byName.get(name), 'package.json'), 'utf8'));
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies }).filter((d) => byName.has(d) && d !== name);
  deps.sort().forEach(visit);
  order.push(name);
  const tsconfigPath = join(byName.get(name), 'tsconfig.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  tsconfig.references = deps.sort().map((d) => ({ path: relative(byName.get(name), byName.get(d)) }));
  if (tsconfig.references.length === 0) delete tsconfig.references;
  writeIfChanged(tsconfigPath, tsconfig);
}
[...byName.keys()].sort().forEach(visit);
writeIfChanged(join(root, 'tsconfig.json'), { files: [], references: order.map((n) => ({ path: relative(root, byName.get(n)) })) });
