import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SightlineError, loadPipelineFile } from '@sightline/core';
import { DEFAULT_PORT, isLoopback, newToken, startConsole } from '@sightline/console';
import { LocalRunner, StreamLogger } from '@sightline/runtime';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError, printError } from '../io.js';

export const SERVE_HELP = `Usage: sightline serve <pipeline.yaml> [options]

Serves the console: a web page over the results of the pipeline's runs (the runs under its output folder) to
investigate suspicious connects (ranked lists per kind with context and reasons, a network view, the events
around an alert, the ingest summary) and to rate them 1 high / 2 medium / 3 low risk. Ratings are kept in the
pipeline's state folder and used by the models on the next run. Listens on 127.0.0.1 unless told otherwise;
any other address requires an access token.

Options:
  -o, --output <dir>   output folder (overrides the pipeline's \`output\`)
      --state <dir>    state folder where ratings are kept (default <output>/state)
      --host <addr>    address to listen on (default 127.0.0.1)
      --port <n>       port (default ${DEFAULT_PORT}; 0 picks a free one)
      --token <t>      access token required of every request (also SIGHTLINE_CONSOLE_TOKEN); made up and
                       printed when listening beyond loopback without one
      --allow-rerun    let the console start a new run of the pipeline, so ratings apply at once
  -h, --help           this help

Stop it with Ctrl-C.
`;

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      state: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      token: { type: 'string' },
      'allow-rerun': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('serve takes exactly one pipeline file');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a whole number from 0 to 65535');
  const overrides: Record<string, unknown> = {};
  for (const k of ['output', 'state'] as const) {
    const v = values[k];
    if (v !== undefined) overrides[k] = v.startsWith('/') ? v : join(io.cwd, v);
  }
  const pipelineFile = positionals[0]!;
  const load = () => loadPipelineFile(pipelineFile, { env: io.env, overrides });
  const spec = load();

  if (values['allow-rerun']) {
    // A re-run must end by itself: inputs that wait for more (stdin, UDP, watched folders) would never finish.
    const endless = spec.inputs.find((i) => i.type === 'stdin' || i.type === 'udp' || (i.type === 'directory' && i.watch));
    if (endless !== undefined) throw new UsageError(`--allow-rerun needs a pipeline whose inputs end; input ${endless.index + 1} (${endless.type}${endless.type === 'directory' ? ', watched' : ''}) waits for more`);
  }

  let token = values.token ?? io.env['SIGHTLINE_CONSOLE_TOKEN'];
  if (token === '') token = undefined;
  if (token === undefined && !isLoopback(values.host)) token = newToken();

  let running = false;
  const rerun = async (): Promise<string> => {
    if (running) throw new SightlineError('SL_INTERNAL', 'a run is already going');
    running = true;
    try {
      const runSpec = load();
      const runner = new LocalRunner({
        spec: runSpec,
        registry: builtinRegistry(),
        logger: new StreamLogger({ level: 'warn', write: (l) => io.stderr.write(l) }),
        pluginSearchDirs: [runSpec.baseDir, io.cwd, CLI_DIR],
      });
      const summary = await runner.run();
      io.stderr.write(`serve: run ${basename(summary.runDir)} ${summary.status} (${summary.counts.eventsDecoded} events, ${summary.counts.alerts} alerts)\n`);
      return basename(summary.runDir);
    } finally {
      running = false;
    }
  };

  let console_;
  try {
    console_ = await startConsole({
      pipeline: spec.name,
      outputDir: spec.outputDir,
      ratingsFile: join(spec.stateDir, 'feedback', 'ratings.ndjson'),
      host: values.host,
      port,
      ...(token === undefined ? {} : { token }),
      ...(values['allow-rerun'] ? { rerun } : {}),
    });
  } catch (e) {
    printError(io, e);
    return EXIT.CONFIG;
  }
  const runs = await console_.service.runs();
  io.stdout.write(`Sightline console for pipeline "${spec.name}": ${console_.url}\n`);
  io.stdout.write(`  runs     ${spec.outputDir} (${runs.runs.length} run${runs.runs.length === 1 ? '' : 's'}${runs.runs[0] === undefined ? '; run the pipeline to see results' : `, newest ${runs.runs[0].id}`})\n`);
  io.stdout.write(`  ratings  ${join(spec.stateDir, 'feedback', 'ratings.ndjson')}\n`);
  if (!console_.ui) io.stdout.write('  note     the page is not built (npm run build); only the API answers [SL_CONSOLE_UI_MISSING]\n');
  if (token !== undefined && values.token === undefined && io.env['SIGHTLINE_CONSOLE_TOKEN'] === undefined) io.stdout.write('  token    made up for this session (listening beyond loopback); it is in the address above\n');
  if (values['allow-rerun']) io.stdout.write('  re-runs  allowed from the Feedback view\n');
  io.stdout.write('Press Ctrl-C to stop.\n');

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await console_.close();
  io.stderr.write('serve: stopped\n');
  return EXIT.OK;
}
