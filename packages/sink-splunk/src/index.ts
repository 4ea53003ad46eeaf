import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { SplunkSink } from './splunk-sink.js';
export { HecClient } from './hec-client.js';
export type { HecClientOptions, HecResponse } from './hec-client.js';
export { encodeHec, hecEvent } from './hec-event.js';
export type { HecChunk } from './hec-event.js';
export { configSchema } from './config.schema.js';
export type { SplunkSinkConfig } from './config.schema.js';
export { SPLUNK_ERROR_CODES } from './error-codes.js';
