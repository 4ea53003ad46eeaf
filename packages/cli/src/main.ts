import { CORE_VERSION, allErrorCodes } from '@sightline/core';
import { EXIT, EXIT_DESCRIPTIONS, exitCodeFor } from './exit-codes.js';
import { type CliIo, UsageError, printError, processIo } from './io.js';

export const MAIN_HELP = `sightline ${CORE_VERSION}: network telemetry (NetFlow/IPFIX, DNS, web proxy) into an open data model,
enriched, scored for suspicious connects, and delivered to files, Elasticsearch or Splunk.

Usage: sightline <command> [options]

Commands:
  demo                             simulate a day with planted attacks and run the whole pipeline on it
  run <pipeline.yaml>              run a pipeline on this machine (no server needed)
  validate <pipeline.yaml>         check a pipeline file and its plugins without running it
  serve <pipeline.yaml>            open the console: investigate a pipeline's alerts in a browser and rate them
  feedback add|list|remove         add, list and remove analyst ratings (1 high, 2 medium, 3 low risk)
  decode <file | ->                decode one capture or log to NDJSON/CSV, no pipeline file needed
  plugins                          list installed plugins, their kinds and versions
  plugin new <kind> <name>         create a plugin package that passes the conformance suite
  simulate                         write a simulated enterprise day (NetFlow, DNS pcap, proxy logs) with planted attacks
  worker <pipeline.yaml>           run BullMQ workers for a pipeline (many hosts sharing a Redis)
  submit <pipeline.yaml> [inputs]  submit inputs as one window to the workers
  status <pipeline.yaml>           queue depths, rates, failed jobs with reasons
  retry-failed <pipeline.yaml>     send failed jobs back to the workers
  help [command | exit-codes | errors]

Start with the sample: sightline run examples/sample/sample.pipeline.yaml
Each command has --help. Docs: README.md, docs/reference/ (config, errors, data model, CLI).
`;

interface Command {
  readonly run: (argv: string[], io: CliIo) => Promise<number>;
  readonly help: string;
}

// Commands load when used, so \`sightline run\` does not pay for the console's web server or the simulator.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => import('./commands/run.js').then((m) => ({ run: m.runCommand, help: m.RUN_HELP })),
  validate: async () => import('./commands/validate.js').then((m) => ({ run: m.validateCommand, help: m.VALIDATE_HELP })),
  decode: async () => import('./commands/decode.js').then((m) => ({ run: m.decodeCommand, help: m.DECODE_HELP })),
  plugins: async () => import('./commands/plugins.js').then((m) => ({ run: m.pluginsCommand, help: m.PLUGINS_HELP })),
  plugin: async () => import('./commands/plugin-new.js').then((m) => ({ run: m.pluginCommand, help: m.PLUGIN_NEW_HELP })),
  simulate: async () => import('./commands/simulate.js').then((m) => ({ run: m.simulateCommand, help: m.SIMULATE_HELP })),
  demo: async () => import('./commands/demo.js').then((m) => ({ run: m.demoCommand, help: m.DEMO_HELP })),
  worker: async () => import('./commands/cluster.js').then((m) => ({ run: m.workerCommand, help: m.WORKER_HELP })),
  submit: async () => import('./commands/cluster.js').then((m) => ({ run: m.submitCommand, help: m.SUBMIT_HELP })),
  status: async () => import('./commands/cluster.js').then((m) => ({ run: m.statusCommand, help: m.STATUS_HELP })),
  'retry-failed': async () => import('./commands/cluster.js').then((m) => ({ run: m.retryFailedCommand, help: m.RETRY_HELP })),
  serve: async () => import('./commands/serve.js').then((m) => ({ run: m.serveCommand, help: m.SERVE_HELP })),
  feedback: async () => import('./commands/feedback.js').then((m) => ({ run: m.feedbackCommand, help: m.FEEDBACK_HELP })),
};

/** A command's handler and help, loaded on first use; undefined for an unknown name. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!() : undefined;
}

async function helpTopic(topic: string | undefined, io: CliIo): Promise<number> {
  if (topic === undefined) {
    io.stdout.write(MAIN_HELP);
    return EXIT.OK;
  }
  if (topic === 'exit-codes') {
    io.stdout.write(`Exit codes of sightline:\n${EXIT_DESCRIPTIONS.map(([c, d]) => `  ${String(c).padStart(3)}  ${d}`).join('\n')}\n`);
    return EXIT.OK;
  }
  if (topic === 'errors') {
    await import('./builtin-plugins.js'); // registers the built-in packages' error codes
    io.stdout.write(`Error codes (docs/reference/errors.md has them in full):\n`);
    for (const [code, info] of allErrorCodes()) io.stdout.write(`  ${code.padEnd(30)} ${info.summary}\n`);
    return EXIT.OK;
  }
  const cmd = await loadCommand(topic);
  if (cmd === undefined) {
    io.stderr.write(`sightline: no help for "${topic}"\n\n${MAIN_HELP}`);
    return EXIT.USAGE;
  }
  io.stdout.write(cmd.help);
  return EXIT.OK;
}

/** Runs the command line and returns the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') return await helpTopic(command === 'help' ? rest[0] : undefined, io);
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${CORE_VERSION}\n`);
      return EXIT.OK;
    }
    const cmd = await loadCommand(command);
    if (cmd === undefined) throw new UsageError(`unknown command "${command}"`);
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true)) {
      io.stderr.write(`sightline: ${e.message}\nRun \`sightline ${command !== undefined && Object.hasOwn(COMMANDS, command) ? `${command} ` : ''}--help\` for usage.\n`);
      return EXIT.USAGE;
    }
    printError(io, e);
    return exitCodeFor(e);
  }
}
