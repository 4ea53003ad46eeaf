import { parseArgs } from 'node:util';
import { CORE_VERSION, type PluginManifest, SightlineError, checkManifest, describeCause, discoverPluginPackages, importPluginPackage } from '@sightline/core';
import { BUILTIN_MANIFESTS } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo } from '../io.js';

export const PLUGINS_HELP = `Usage: sightline plugins [--json]

Lists the plugins this installation can use: the built-in ones, and packages installed next to the current
folder (or the sightline command) that declare themselves Sightline plugins ("sightline": {"plugin": true} in
package.json, or the keyword "sightline-plugin"), with kind, version and the core versions they support.
`;

interface Row {
  name: string;
  kind: string;
  version: string;
  core: string;
  compatible: boolean;
  origin: string;
  description: string;
  problem?: string;
}

export async function pluginsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.stdout.write(PLUGINS_HELP);
    return EXIT.OK;
  }
  const rows: Row[] = BUILTIN_MANIFESTS.map(({ manifest, pkg }) => row(manifest, `built-in (${pkg})`, true));
  for (const pkg of discoverPluginPackages([io.cwd, CLI_DIR])) {
    if (pkg.name.startsWith('@sightline/')) continue;
    try {
      for (const m of await importPluginPackage(pkg)) {
        try {
          rows.push(row(checkManifest(m, pkg.name), `${pkg.name}@${pkg.version}`, true));
        } catch (e) {
          const mm = m as Partial<PluginManifest>;
          rows.push({
            name: String(mm.name ?? '?'),
            kind: String(mm.kind ?? '?'),
            version: String(mm.version ?? '?'),
            core: String(mm.core ?? '?'),
            compatible: false,
            origin: `${pkg.name}@${pkg.version}`,
            description: String(mm.description ?? ''),
            problem: SightlineError.is(e) ? `${e.code}: ${e.message}` : describeCause(e),
          });
        }
      }
    } catch (e) {
      rows.push({ name: '?', kind: '?', version: pkg.version, core: '?', compatible: false, origin: `${pkg.name}@${pkg.version}`, description: '', problem: describeCause(e) });
    }
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ core: CORE_VERSION, plugins: rows }, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout.write(`@sightline/core ${CORE_VERSION}\n\n`);
  const w = { name: Math.max(4, ...rows.map((r) => r.name.length)), kind: 8, version: Math.max(7, ...rows.map((r) => r.version.length)), core: Math.max(4, ...rows.map((r) => r.core.length)) };
  io.stdout.write(`${'NAME'.padEnd(w.name)}  ${'KIND'.padEnd(w.kind)}  ${'VERSION'.padEnd(w.version)}  ${'CORE'.padEnd(w.core)}  ORIGIN\n`);
  for (const r of rows) {
    io.stdout.write(`${r.name.padEnd(w.name)}  ${r.kind.padEnd(w.kind)}  ${r.version.padEnd(w.version)}  ${r.core.padEnd(w.core)}  ${r.origin}${r.compatible ? '' : '  (NOT USABLE)'}\n`);
    io.stdout.write(`${' '.repeat(w.name + 2)}${r.description}\n`);
    if (r.problem !== undefined) io.stdout.write(`${' '.repeat(w.name + 2)}problem: ${r.problem}\n`);
  }
  return EXIT.OK;
}

function row(m: PluginManifest, origin: string, compatible: boolean): Row {
  return { name: m.name, kind: m.kind, version: m.version, core: m.core, compatible, origin, description: m.description };
}
