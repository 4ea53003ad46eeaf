/**
 * @sightline/console: the browser console over a pipeline's runs (served by `sightline serve`). A local web server
 * (loopback by default; a token when bound elsewhere) answers list, details, network, ingest and feedback queries
 * from bounded in-memory indexes of a run's files, and serves a single-page app built with Vite and Preact.
 */
import './error-codes.js';

export { CONSOLE_ERROR_CODES } from './error-codes.js';
export { BadRequest, Conflict, ConsoleService, NotFound } from './console-service.js';
export type { ConsoleServiceOptions, ListQuery } from './console-service.js';
export { buildConsoleApp } from './server/app.js';
export type { ConsoleAppOptions } from './server/app.js';
export { DEFAULT_PORT, UI_DIR, startConsole } from './server/start.js';
export type { ConsoleOptions, RunningConsole } from './server/start.js';
export { isLoopback, newToken } from './server/security.js';
export { AlertIndex, MATCH_FIELDS } from './data/alert-index.js';
export { DEFAULT_LIMITS, EventIndex } from './data/event-index.js';
export type { EventIndexLimits } from './data/event-index.js';
export { RatingIndex } from './data/rating-index.js';
export { RunCatalog } from './data/run-catalog.js';
export { RunData } from './data/run-data.js';
export type * from './api.js';
