import { parseArgs } from 'node:util';
import { loadPipelineFile } from '@sightline/core';
import { planInputs, preparePipeline } from '@sightline/runtime';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';

export const VALIDATE_HELP = `Usage: sightline validate <pipeline.yaml>

Checks a pipeline without running it: the file's syntax and schema, that every plugin exists and is compatible
with this core, every step's settings against its plugin's schema, and that every input exists. Prints what
would run, or one message per problem with its path and line. Exit 0 when valid, else as \`sightline run\`.
`;

export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('validate takes exactly one pipeline file');
  const spec = loadPipelineFile(positionals[0]!, { env: io.env });
  const steps = await preparePipeline(spec, { registry: builtinRegistry(), pluginSearchDirs: [spec.baseDir, io.cwd, CLI_DIR] });
  await planInputs(spec); // fails when a file, glob or folder does not exist
  const inputs = spec.inputs.map((i) => {
    const d = i.decoder === 'auto' ? '' : ` (${i.decoder})`;
    switch (i.type) {
      case 'file':
        return `${i.path.join(', ')}${d}`;
      case 'directory':
        return `${i.path}/${i.pattern}${i.watch ? ' (watched)' : ''}${d}`;
      case 'udp':
        return `udp://${i.address}:${i.port}${d}`;
      case 'stdin':
        return `stdin${d}`;
      default:
        return `synthetic ${i.kind} × ${i.events}${d}`;
    }
  });
  const lines = [`${spec.file} is valid: pipeline "${spec.name}"`];
  lines.push(`  inputs:    ${inputs.length === 0 ? 'none' : inputs.join(', ')}`);
  for (const section of ['decoders', 'enrichers', 'models', 'sinks'] as const) {
    const s = steps.filter((p) => p.spec.section === section);
    lines.push(`  ${section.padEnd(10)} ${s.length === 0 ? 'none' : s.map((p) => (p.spec.name === p.manifest.name ? p.manifest.name : `${p.spec.name} (${p.manifest.name})`)).join(', ')}`);
  }
  lines.push(`  output:    ${spec.outputDir}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.OK;
}
