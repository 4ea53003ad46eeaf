export { manifest } from './manifest.js';
export { PortTags } from './port-tags.js';
export type { PortTagsConfig } from './config.schema.js';
