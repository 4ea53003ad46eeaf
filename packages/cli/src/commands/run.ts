import { parseArgs } from 'node:util';
import { loadPipelineFile, parseDuration } from '@sightline/core';
import { LocalRunner, type LogLevel, StreamLogger } from '@sightline/runtime';
import { builtinRegistry } from '../builtin-plugins.js';
import { EXIT } from '../exit-codes.js';
import { CLI_DIR, type CliIo, UsageError } from '../io.js';
import { ProgressRenderer } from '../progress.js';
import { formatReport } from '../report.js';

export const RUN_HELP = `Usage: sightline run <pipeline.yaml> [options]

Runs a pipeline on this machine (the embedded default: no server needed). Inputs are decoded, enriched and
delivered to the sinks; each model window is fitted and scored, and its top alerts delivered. Outputs go to a
new folder under the pipeline's \`output\` folder; the report at the end says where.

Options:
  -o, --output <dir>      output folder (overrides the pipeline's \`output\`)
      --state <dir>       state folder kept across runs (models, ratings); default <output>/state
      --validate <mode>   check plugins' events against the data model: off, sample (default), all
      --run-id <id>       name of the run's folder (default: the start time)
      --progress <mode>   auto (bar on a terminal, lines otherwise), bar, lines, off
      --progress-interval <duration>  how often progress is reported (default 200ms bar, 5s lines)
      --log-level <lvl>   debug, info, warn (default), error, silent
      --json              print the run summary as JSON on stdout instead of the report
  -q, --quiet             no progress and no report (exit code only)
  -h, --help              this help

Exit codes: 0 done; 3 bad config; 4 plugin problem; 5 input missing; 6 output unwritable; 7 events
dead-lettered or an input failed; 8 a plugin broke its contract; 130 interrupted. (\`sightline help exit-codes\`)
`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      state: { type: 'string' },
      validate: { type: 'string' },
      'run-id': { type: 'string' },
      progress: { type: 'string', default: 'auto' },
      'progress-interval': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(RUN_HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new UsageError('run takes exactly one pipeline file');
  if (values.validate !== undefined && !['off', 'sample', 'all'].includes(values.validate)) throw new UsageError('--validate must be off, sample or all');
  if (!['auto', 'bar', 'lines', 'off'].includes(values.progress)) throw new UsageError('--progress must be auto, bar, lines or off');
  const level = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) throw new UsageError('--log-level must be debug, info, warn, error or silent');

  const overrides: Record<string, unknown> = {};
  if (values.output !== undefined) overrides['output'] = values.output;
  if (values.state !== undefined) overrides['state'] = values.state;
  if (values.validate !== undefined) overrides['validate'] = values.validate;
  // CLI paths are relative to the working directory, config paths to the pipeline file.
  const spec = loadPipelineFile(positionals[0]!, { env: io.env, overrides: resolveCliPaths(overrides, io.cwd) });

  let intervalMs: number | undefined;
  if (values['progress-interval'] !== undefined) {
    try {
      intervalMs = parseDuration(values['progress-interval']);
    } catch {
      throw new UsageError('--progress-interval takes a duration such as 500ms or 5s');
    }
  }
  const renderer = new ProgressRenderer(io.stderr, values.quiet ? 'off' : (values.progress as 'auto'), intervalMs);
  const logger = new StreamLogger({ level: values.quiet ? 'silent' : level, write: (line) => renderer.log(line) });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: string): void => {
    interrupts++;
    if (interrupts > 1) {
      io.stderr.write(`\nsightline: ${signal} again, exiting now; files still in progress keep their .inprogress name\n`);
      process.exit(EXIT.INTERRUPTED);
    }
    renderer.log(`\nsightline: ${signal}: finishing the current batch and finalising outputs (again to force)\n`);
    controller.abort();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  try {
    const runner = new LocalRunner({
      spec,
      registry: builtinRegistry(),
      logger,
      signal: controller.signal,
      stdin: io.stdin,
      progressIntervalMs: renderer.intervalMs,
      onProgress: (p) => renderer.update(p),
      pluginSearchDirs: [spec.baseDir, io.cwd, CLI_DIR],
      ...(values['run-id'] === undefined ? {} : { runId: values['run-id'] }),
    });
    const summary = await runner.run();
    renderer.done();
    if (values.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (!values.quiet) io.stdout.write(formatReport(summary));
    if (summary.status === 'interrupted') return EXIT.INTERRUPTED;
    if (summary.violations.length > 0) return EXIT.CONTRACT;
    if (summary.counts.deadLettered > 0 || summary.inputFailures > 0 || summary.counts.dropped > 0) return EXIT.UNDELIVERED;
    return EXIT.OK;
  } finally {
    renderer.done();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

function resolveCliPaths(overrides: Record<string, unknown>, cwd: string): Record<string, unknown> {
  const out = { ...overrides };
  for (const k of ['output', 'state']) {
    const v = out[k];
    if (typeof v === 'string') out[k] = v.startsWith('/') ? v : `${cwd}/${v}`;
  }
  return out;
}
