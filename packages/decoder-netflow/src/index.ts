/**
 * @sightline/decoder-netflow: the `netflow` decoder plugin. NetFlow v1/v5/v7, v9 (RFC 3954) and IPFIX (RFC 7011)
 * export packets from UDP, captures and raw files; nfdump CSV and nfcapd files; templates in memory, Redis or a
 * persistence file; the IANA information-element registry as a generated table.
 */
import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { NETFLOW_ERROR_CODES } from './error-codes.js';
export { configSchema } from './config.schema.js';
export type { NetflowConfig } from './config.schema.js';
export { NetflowDecoder } from './decoder.js';
export type { NetflowDecoderOptions } from './decoder.js';
export { FlowCollector } from './collector.js';
export type { CollectorOptions, CollectorStats, PacketMeta } from './collector.js';
export { InMemoryTemplateStore, TEMPLATE_STORE_FACTORY, templateKeyString } from './template-store.js';
export type { StoredTemplate, TemplateKey, TemplateStore, TemplateStoreConfig, TemplateStoreFactory } from './template-store.js';
export { RedisTemplateStore } from './redis-template-store.js';
export type { RedisTemplateStoreOptions } from './redis-template-store.js';
export { FileTemplateStore } from './file-template-store.js';
export { createNetflowDecoder, defaultTemplateStoreFactory } from './module.js';
export { sniffNetflow } from './sniff.js';
export type { NetflowFormat } from './sniff.js';
export { ianaElement, ianaElementByName, IANA_ELEMENT_COUNT } from './wire/registry.js';
export type { ElementInfo } from './wire/registry.js';
export type { TemplateField, TemplateRecord } from './wire/template.js';
export { parseFlags, parseNfdumpTime } from './inputs/nfdump-csv.js';
