import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Column,
  type DecodeContext,
  type Decoder,
  EVENT_KINDS,
  type EventKind,
  type Issue,
  type OdmEvent,
  PipelineContainer,
  type PluginManifest,
  SightlineError,
  TOKENS,
  deepFreeze,
  findPluginPackage,
  importPluginPackage,
  validateConfig,
} from '@sightline/core';
import { InMemoryDeadLetterStore, InMemoryQuarantineStore } from '@sightline/core';
import { StreamLogger, fileSource, peekSource, stdinSource, stepContext } from '@sightline/runtime';
import { columnsFor, csvLine } from '@sightline/sink-file';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';

export const DECODE_HELP = `Usage: sightline decode <file | -> [options]

Decodes one input (a file, gzip or not, or - for stdin) into open-data-model events and writes them as NDJSON
or CSV, without a pipeline file. The decoder is picked by content unless you name it. Records that cannot be
decoded are counted on stderr (and written with --quarantine), never silently dropped.

Options:
  -d, --decoder <name>     decoder to use (default: detect; \`sightline plugins\` lists them)
  -f, --format <fmt>       ndjson (default) or csv
      --columns <set>      csv columns: odm (default), spot (Apache Spot's ingest columns), or field,field,…
  -k, --kind <kind>        only events of this kind (flow, dns, proxy); csv needs one kind
  -o, --output <file>      write here instead of stdout
      --quarantine <file>  write the records that could not be decoded here (NDJSON)
      --plugin <package>   load a plugin package first (repeatable)
      --keep-raw           keep each record's original form in \`raw\`
  -h, --help               this help

Exit codes: 0 done (even with quarantined records); 4 unknown decoder; 5 input missing or not recognised.
`;

export async function decodeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      decoder: { type: 'string', short: 'd' },
      format: { type: 'string', short: 'f', default: 'ndjson' },
      columns: { type: 'string', default: 'odm' },
      kind: { type: 'string', short: 'k' },
      output: { type: 'string', short: 'o' },
      quarantine: { type: 'string' },
      plugin: { type: 'string', multiple: true, default: [] },
      'keep-raw': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(DECODE_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('decode takes exactly one input (a file, or - for stdin)');
  if (!['ndjson', 'csv'].includes(values.format)) throw new UsageError('--format must be ndjson or csv');
  const kind = values.kind as EventKind | undefined;
  if (kind !== undefined && !EVENT_KINDS.includes(kind)) throw new UsageError('--kind must be flow, dns or proxy');

  const registry = builtinRegistry();
  for (const spec of values.plugin) {
    const pkg = findPluginPackage(spec, [io.cwd, CLI_DIR]);
    for (const m of await importPluginPackage(pkg)) registry.register(m, `${pkg.name}@${pkg.version}`);
  }
  const manifests = registry
    .list()
    .map((p) => p.manifest)
    .filter((m): m is PluginManifest<'decoder'> => m.kind === 'decoder' && (values.decoder === undefined || m.name === values.decoder));
  if (manifests.length === 0) {
    throw new SightlineError('SL_PLUGIN_NOT_FOUND', values.decoder === undefined ? 'no decoders are installed' : `no decoder is named "${values.decoder}" (\`sightline plugins\` lists them)`, { stage: 'plugin' });
  }

  const logger = new StreamLogger({ level: 'warn', write: (l) => io.stderr.write(l) });
  const controller = new AbortController();
  const spec = { name: 'decode', baseDir: io.cwd, stateDir: resolve(io.cwd, '.sightline-state') } as Parameters<typeof stepContext>[0];
  const container = new PipelineContainer();
  container
    .provide(TOKENS.Logger, logger)
    .provide(TOKENS.QuarantineStore, new InMemoryQuarantineStore())
    .provide(TOKENS.DeadLetterStore, new InMemoryDeadLetterStore())
    .provide(TOKENS.Clock, () => Date.now());
  const decoders: { decoder: Decoder; name: string }[] = [];
  for (const m of manifests) {
    const config = {};
    validateConfig(m.configSchema, config);
    const ctx = stepContext(spec, { name: m.name }, logger, io.cwd, controller.signal);
    decoders.push({ decoder: await container.create(m, deepFreeze(config), ctx), name: m.name });
  }

  const path = positionals[0]!;
  const opened = path === '-' ? stdinSource(io.stdin) : await fileSource(resolve(io.cwd, path)).catch((e: unknown) => {
    throw SightlineError.isCode(e, 'SL_INPUT_UNREADABLE') ? new SightlineError('SL_INPUT_NOT_FOUND', (e as Error).message, { stage: 'input' }) : e;
  });
  const { head, source } = await peekSource(opened);
  let chosen = decoders.length === 1 && values.decoder !== undefined ? decoders[0] : undefined;
  if (chosen === undefined) {
    let best = 0;
    for (const d of decoders) {
      const c = d.decoder.sniff({ head, name: source.name, framing: source.framing });
      if (c > best) {
        best = c;
        chosen = d;
      }
    }
  }
  if (chosen === undefined) {
    throw new SightlineError('SL_INPUT_UNKNOWN_FORMAT', `no decoder recognised ${source.name} (tried ${decoders.map((d) => d.name).join(', ')}); name one with --decoder`, { stage: 'input' });
  }

  const out = values.output === undefined ? io.stdout : createWriteStream(resolve(io.cwd, values.output));
  const quarantine = values.quarantine === undefined ? undefined : createWriteStream(resolve(io.cwd, values.quarantine));
  const write = async (stream: NodeJS.WritableStream, text: string): Promise<void> => {
    if (!stream.write(text)) await new Promise((r) => stream.once('drain', r));
  };
  const ctx: DecodeContext = { ...stepContext(spec, { name: chosen.name }, logger, io.cwd, controller.signal), batchSize: 1000, keepRaw: values['keep-raw'] };
  let csvKind: EventKind | undefined = kind;
  let columns: readonly Column[] | undefined;
  let events = 0;
  let skipped = 0;
  const issueCounts = new Map<string, number>();
  let firstIssue: Issue | undefined;
  for await (const batch of chosen.decoder.decode(source, ctx)) {
    let text = '';
    for (const e of batch.events as OdmEvent[]) {
      if (kind !== undefined && e.event_kind !== kind) continue;
      if (values.format === 'csv') {
        csvKind ??= e.event_kind;
        if (e.event_kind !== csvKind) {
          skipped++;
          continue;
        }
        if (columns === undefined) {
          columns = columnsFor(values.columns === 'odm' || values.columns.startsWith('spot') ? (values.columns as 'odm') : values.columns.split(','), csvKind, 'events');
          text += csvLine(columns.map((c) => c.name), values.columns.startsWith('spot') ? '\t' : ',', false);
        }
        text += csvLine(columns.map((c) => c.get(e)), values.columns.startsWith('spot') ? '\t' : ',', false);
      } else text += `${JSON.stringify(e)}\n`;
      events++;
    }
    if (text !== '') await write(out, text);
    for (const i of batch.issues) {
      firstIssue ??= i;
      issueCounts.set(i.code, (issueCounts.get(i.code) ?? 0) + 1);
      if (quarantine !== undefined) {
        const raw = i.raw === undefined ? undefined : typeof i.raw === 'string' ? i.raw : Buffer.from(i.raw).toString('base64');
        await write(quarantine, `${JSON.stringify({ ...i, raw })}\n`);
      }
    }
  }
  if (out !== io.stdout) await new Promise<void>((r) => (out as NodeJS.WritableStream).end(r));
  if (quarantine !== undefined) await new Promise<void>((r) => quarantine.end(r));
  const issues = [...issueCounts.values()].reduce((a, b) => a + b, 0);
  io.stderr.write(`decoded ${source.name} with ${chosen.name}: ${events} events${skipped > 0 ? ` (${skipped} of other kinds skipped: csv takes one kind, use --kind)` : ''}`);
  if (issues === 0) io.stderr.write(', no problems\n');
  else {
    io.stderr.write(`, ${issues} records could not be decoded (${[...issueCounts].map(([c, k]) => `${c} ×${k}`).join(', ')})\n`);
    io.stderr.write(`  first: ${firstIssue?.line === undefined ? `offset ${firstIssue?.offset ?? '?'}` : `line ${firstIssue.line}`}: ${firstIssue?.message}\n`);
    if (quarantine === undefined) io.stderr.write('  (write them to a file with --quarantine <file>)\n');
  }
  for (const d of decoders) await d.decoder.close?.();
  return EXIT.OK;
}
