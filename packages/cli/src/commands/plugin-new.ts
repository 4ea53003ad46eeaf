import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CORE_VERSION, PLUGIN_KINDS, type PluginKind } from '@sightline/core';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';

export const PLUGIN_NEW_HELP = `Usage: sightline plugin new <decoder|enricher|model|sink> <name> [options]

Creates a plugin package that builds and passes the Sightline conformance suite as generated: the manifest, a
config schema, a small working implementation to replace with yours, and a test running the conformance kit.

  <name>                plugin name: lower-case words joined by "-" (e.g. acme-webhook)
  --package <npm name>  package name (default: sightline-plugin-<name>)
  --dir <folder>        where to create it (default: ./<package name without scope>)
  --description <text>  one line saying what it does

Then: cd <folder> && npm install && npm test
`;

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SECTION: Record<PluginKind, string> = { decoder: 'decoders', enricher: 'enrichers', model: 'models', sink: 'sinks' };
const INTERFACE: Record<PluginKind, string> = { decoder: 'Decoder', enricher: 'Enricher', model: 'Model', sink: 'Sink' };

export function pascal(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The files of a new plugin package: relative path -> content. */
export function renderPlugin(kind: PluginKind, name: string, pkg: string, description: string): Map<string, string> {
  const vars: Record<string, string> = {
    package: pkg,
    name,
    Class: pascal(name),
    kind,
    section: SECTION[kind],
    Interface: INTERFACE[kind],
    // Raw for prose and comments (without `*/`), a JSON string literal (also valid TypeScript) for code and package.json.
    description: description.replace(/\*\//g, '* /'),
    descriptionLiteral: JSON.stringify(description),
    coreRange: `^${CORE_VERSION}`,
  };
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`);
  const root = join(CLI_DIR, 'templates', 'plugin');
  const read = (rel: string): string => fill(readFileSync(join(root, rel), 'utf8'));
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), join(rel, entry.name));
      else files.set(join(rel, entry.name.replace(/\.tmpl$/, '')), read(join(dir, entry.name)));
    }
  };
  walk('common', '');
  files.set('src/config.schema.ts', read(`kinds/${kind}.schema.ts.tmpl`));
  files.set(`src/${name}.ts`, read(`kinds/${kind}.ts.tmpl`));
  files.set('test/conformance.test.ts', read(`kinds/${kind}.test.ts.tmpl`));
  files.set('.gitignore', 'node_modules/\ndist/\n');
  return files;
}

export async function pluginCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      package: { type: 'string' },
      dir: { type: 'string' },
      description: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    io.stdout.write(PLUGIN_NEW_HELP);
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  const [sub, kind, name] = positionals;
  if (sub !== 'new' || positionals.length !== 3) throw new UsageError('usage: sightline plugin new <decoder|enricher|model|sink> <name>');
  if (!PLUGIN_KINDS.includes(kind as PluginKind)) throw new UsageError(`kind must be one of ${PLUGIN_KINDS.join(', ')}`);
  if (!NAME.test(name!)) throw new UsageError(`plugin name "${name}" must be lower-case words joined by "-" (e.g. acme-webhook)`);
  const pkg = values.package ?? `sightline-plugin-${name}`;
  const dir = resolve(io.cwd, values.dir ?? basename(pkg));
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty`);
  const files = renderPlugin(kind as PluginKind, name!, pkg, values.description ?? `A Sightline ${kind} (${name}).`);
  for (const [rel, content] of files) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  io.stdout.write(`Created ${kind} plugin "${name}" (package ${pkg}) in ${dir}:\n`);
  for (const rel of [...files.keys()].sort()) io.stdout.write(`  ${rel}\n`);
  io.stdout.write(`\nNext:\n  cd ${dir}\n  npm install\n  npm test      # builds and runs the ${kind} conformance suite\n`);
  return EXIT.OK;
}
