/**
 * @sightline/core/testkit: the conformance kit. One suite per plugin kind, driven by the plugin's manifest and
 * sample data; run it under any test framework (`registerConformance`) or none (`runConformance`).
 */
export { decoderConformance } from './decoder-suite.js';
export type { DecoderConformanceOptions, DecoderSample } from './decoder-suite.js';
export { enricherConformance } from './enricher-suite.js';
export type { EnricherConformanceOptions } from './enricher-suite.js';
export { EventFixtures } from './fixtures.js';
export { mutate, prng, randomBytes, randomChunks } from './fuzz.js';
export { RecordingLogger, createTestContext, instantiate } from './harness.js';
export type { TestContextOptions } from './harness.js';
export { memoryWindow, modelConformance } from './model-suite.js';
export type { ModelConformanceOptions } from './model-suite.js';
export { sinkConformance } from './sink-suite.js';
export type { SinkConformanceOptions } from './sink-suite.js';
export { registerConformance, runConformance } from './suite.js';
export type { ConformanceCheck, ConformanceReport, ConformanceSuite, TestApi } from './suite.js';
export { FakeElastic } from './fake-elastic.js';
export type { ElasticFault, FakeElasticOptions, RecordedRequest, StoredDocument } from './fake-elastic.js';
export { FakeSplunk, splitHecBatch } from './fake-splunk.js';
export type { FakeSplunkOptions, IndexedEvent, SplunkFault } from './fake-splunk.js';
