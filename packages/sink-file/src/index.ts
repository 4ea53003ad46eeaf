export { manifest, VERSION } from './manifest.js';
export { FileSink, fileError } from './file-sink.js';
export { configSchema } from './config.schema.js';
export type { FileSinkConfig } from './config.schema.js';
export { csvCell, csvLine } from './csv.js';
export { columnsFor } from './columns.js';
