export { main, MAIN_HELP } from './main.js';
export { EXIT, EXIT_DESCRIPTIONS, exitCodeFor } from './exit-codes.js';
export { BUILTIN_MANIFESTS, builtinRegistry } from './builtin-plugins.js';
export { renderPlugin } from './commands/plugin-new.js';
export { formatReport } from './report.js';
export type { CliIo } from './io.js';
