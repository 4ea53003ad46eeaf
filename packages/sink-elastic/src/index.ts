import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { ElasticSink } from './elastic-sink.js';
export { configSchema } from './config.schema.js';
export type { ElasticSinkConfig } from './config.schema.js';
export { ELASTIC_ERROR_CODES } from './error-codes.js';
export { clientOptions } from './client-options.js';
export { encodeBulk, halve } from './bulk-body.js';
export type { BulkChunk, EncodeResult } from './bulk-body.js';
export { classifyItem, classifyRequestError, retryAfterMs } from './outcome.js';
export { DEFAULT_TARGETS, Targets, documentId, eventDay, indexTemplates, templateName } from './targets.js';
