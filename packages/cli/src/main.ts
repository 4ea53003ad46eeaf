import { CORE_VERSION, allErrorCodes } from '@sightline/core';
import { RETRY_HELP, STATUS_HELP, SUBMIT_HELP, WORKER_HELP, retryFailedCommand, statusCommand, submitCommand, workerCommand } from './commands/cluster.js';
import { DECODE_HELP, decodeCommand } from './commands/decode.js';
import { DEMO_HELP, demoCommand } from './commands/demo.js';
import { PLUGIN_NEW_HELP, pluginCommand } from './commands/plugin-new.js';
import { PLUGINS_HELP, pluginsCommand } from './commands/plugins.js';
import { RUN_HELP, runCommand } from './commands/run.js';
import { SERVE_HELP, serveCommand } from './commands/serve.js';
import { SIMULATE_HELP, simulateCommand } from './commands/simulate.js';
import { VALIDATE_HELP, validateCommand } from './commands/validate.js';
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

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number>; help: string }> = {
  run: { run: runCommand, help: RUN_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  decode: { run: decodeCommand, help: DECODE_HELP },
  plugins: { run: pluginsCommand, help: PLUGINS_HELP },
  plugin: { run: pluginCommand, help: PLUGIN_NEW_HELP },
  simulate: { run: simulateCommand, help: SIMULATE_HELP },
  demo: { run: demoCommand, help: DEMO_HELP },
  worker: { run: workerCommand, help: WORKER_HELP },
  submit: { run: submitCommand, help: SUBMIT_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  'retry-failed': { run: retryFailedCommand, help: RETRY_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
};

function helpTopic(topic: string | undefined, io: CliIo): number {
  if (topic === undefined) {
    io.stdout.write(MAIN_HELP);
    return EXIT.OK;
  }
  if (topic === 'exit-codes') {
    io.stdout.write(`Exit codes of sightline:\n${EXIT_DESCRIPTIONS.map(([c, d]) => `  ${String(c).padStart(3)}  ${d}`).join('\n')}\n`);
    return EXIT.OK;
  }
  if (topic === 'errors') {
    io.stdout.write(`Error codes (docs/reference/errors.md has them in full):\n`);
    for (const [code, info] of allErrorCodes()) io.stdout.write(`  ${code.padEnd(30)} ${info.summary}\n`);
    return EXIT.OK;
  }
  const cmd = COMMANDS[topic];
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
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') return helpTopic(command === 'help' ? rest[0] : undefined, io);
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${CORE_VERSION}\n`);
      return EXIT.OK;
    }
    const cmd = COMMANDS[command];
    if (cmd === undefined) throw new UsageError(`unknown command "${command}"`);
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true)) {
      io.stderr.write(`sightline: ${e.message}\nRun \`sightline ${command !== undefined && COMMANDS[command] !== undefined ? `${command} ` : ''}--help\` for usage.\n`);
      return EXIT.USAGE;
    }
    printError(io, e);
    return exitCodeFor(e);
  }
}
