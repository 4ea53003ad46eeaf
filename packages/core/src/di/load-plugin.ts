import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SightlineError, describeCause } from '../errors/sightline-error.js';

/** A plugin package found on disk. */
export interface PluginPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly entry: string;
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  exports?: unknown;
  keywords?: unknown;
  sightline?: { plugin?: unknown };
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Picks the ESM entry from an `exports` value: a string, or conditions (`import`, `node`, `default`), nested. */
function exportsEntry(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const e = exportsEntry(v);
      if (e !== undefined) return e;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const obj = value as Record<string, unknown>;
  if ('.' in obj) return exportsEntry(obj['.']);
  for (const condition of ['import', 'node', 'default']) {
    if (condition in obj) {
      const e = exportsEntry(obj[condition]);
      if (e !== undefined) return e;
    }
  }
  return undefined;
}

function packageAt(dir: string): PluginPackage | undefined {
  const pkg = readPackageJson(dir);
  if (pkg === undefined) return undefined;
  const rel = exportsEntry(pkg.exports) ?? pkg.main ?? 'index.js';
  return { name: pkg.name ?? dir, version: pkg.version ?? '0.0.0', dir, entry: resolve(dir, rel) };
}

/** node_modules folders from `fromDir` up to the file-system root. */
function nodeModulesChain(fromDir: string): string[] {
  const dirs: string[] = [];
  let dir = resolve(fromDir);
  for (;;) {
    dirs.push(join(dir, 'node_modules'));
    const parent = dirname(dir);
    if (parent === dir) return dirs;
    dir = parent;
  }
}

/**
 * Finds a plugin package by npm name (searched in node_modules from `fromDirs`, as Node does) or by path
 * (`./my-plugin`, absolute). Throws SL_PLUGIN_NOT_FOUND naming where it looked.
 */
export function findPluginPackage(spec: string, fromDirs: readonly string[]): PluginPackage {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    for (const base of fromDirs) {
      const dir = resolve(base, spec);
      if (existsSync(dir) && statSync(dir).isDirectory()) {
        const found = packageAt(dir);
        if (found !== undefined) return found;
      } else if (existsSync(dir)) {
        return { name: spec, version: '0.0.0', dir: dirname(dir), entry: dir };
      }
    }
    throw new SightlineError('SL_PLUGIN_NOT_FOUND', `plugin path "${spec}" does not exist (resolved from ${fromDirs.join(', ')})`, { stage: 'plugin' });
  }
  const searched: string[] = [];
  for (const base of fromDirs) {
    for (const nm of nodeModulesChain(base)) {
      if (searched.includes(nm)) continue;
      searched.push(nm);
      const found = existsSync(join(nm, spec, 'package.json')) ? packageAt(join(nm, spec)) : undefined;
      if (found !== undefined) return found;
    }
  }
  throw new SightlineError(
    'SL_PLUGIN_NOT_FOUND',
    `plugin "${spec}" is not built in and no package of that name is installed (looked in ${searched.slice(0, 4).join(', ')}${searched.length > 4 ? ', …' : ''}). Install it with \`npm install ${spec}\` next to the pipeline file; \`sightline plugins\` lists what is installed.`,
    { stage: 'plugin', details: { spec, searched } },
  );
}

/** Imports a plugin package and returns the manifests it exports (`manifests`, `manifest` or the default export). */
export async function importPluginPackage(pkg: PluginPackage): Promise<unknown[]> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(pkg.entry).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new SightlineError('SL_PLUGIN_LOAD_FAILED', `plugin package "${pkg.name}" (${pkg.entry}) could not be imported: ${describeCause(cause)}`, {
      stage: 'plugin',
      cause,
    });
  }
  const candidates = [mod['manifests'], mod['manifest'], mod['default']];
  for (const c of candidates) {
    if (Array.isArray(c) && c.length > 0) return c as unknown[];
    if (typeof c === 'object' && c !== null && 'kind' in c) return [c];
    if (typeof c === 'object' && c !== null) {
      const inner = (c as Record<string, unknown>)['manifests'] ?? (c as Record<string, unknown>)['manifest'];
      if (Array.isArray(inner)) return inner as unknown[];
      if (typeof inner === 'object' && inner !== null) return [inner];
    }
  }
  throw new SightlineError(
    'SL_PLUGIN_INVALID_MANIFEST',
    `plugin package "${pkg.name}" exports no manifest: export \`manifest\` (or \`manifests\`) built with definePlugin from @sightline/core`,
    { stage: 'plugin' },
  );
}

/**
 * Installed packages that declare themselves Sightline plugins (`"sightline": { "plugin": true }` in
 * package.json, or the keyword `sightline-plugin`), found in node_modules from `fromDirs` upwards.
 */
export function discoverPluginPackages(fromDirs: readonly string[]): PluginPackage[] {
  const found = new Map<string, PluginPackage>();
  const seen = new Set<string>();
  for (const base of fromDirs) {
    for (const nm of nodeModulesChain(base)) {
      if (seen.has(nm) || !existsSync(nm)) continue;
      seen.add(nm);
      for (const entry of safeReaddir(nm)) {
        const dirs = entry.startsWith('@') ? safeReaddir(join(nm, entry)).map((e) => join(nm, entry, e)) : [join(nm, entry)];
        for (const dir of dirs) {
          const pkg = readPackageJson(dir);
          if (pkg?.name === undefined || found.has(pkg.name)) continue;
          const declared = pkg.sightline?.plugin === true || (Array.isArray(pkg.keywords) && pkg.keywords.includes('sightline-plugin'));
          if (!declared) continue;
          const p = packageAt(dir);
          if (p !== undefined) found.set(pkg.name, p);
        }
      }
    }
  }
  return [...found.values()];
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
