import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { ProxyDecoder } from './decoder.js';
export { configSchema, FORMATS, withDefaults } from './config.schema.js';
export type { ProxyDecoderConfig, ProxyFormat } from './config.schema.js';
export { PROXY_ERROR_CODES } from './error-codes.js';
export { RecordDraft } from './to-event.js';
export {
  KNOWN_LAYOUTS,
  PROXYSG_BCREPORTERMAIN_V1_FIELDS,
  PROXYSG_BCREPORTERSSL_V1_FIELDS,
  PROXYSG_MAIN_FIELDS,
  PROXYSG_SSL_FIELDS,
  SPOT_FIELDS,
  compileLayout,
  repairLayout,
} from './wire/layouts.js';
export type { KnownLayoutName, Layout } from './wire/layouts.js';
export { ELFF_FIELD_SLOTS, Slot } from './wire/slots.js';
export { SQUID_NATIVE, compileSquidFormat } from './wire/squid-format.js';
export { Spans, tokenize, valueAt } from './wire/tokenize.js';
export { splitUri } from './wire/uri.js';
export type { UriParts } from './wire/uri.js';
export { generateProxyLog, generateProxyLogText } from './generate.js';
export type { GenerateOptions, GeneratedFormat } from './generate.js';
