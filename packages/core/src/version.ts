/** The running core's version. Kept equal to packages/core/package.json by a test. */
export const CORE_VERSION = '0.1.0';
