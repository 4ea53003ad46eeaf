/**
 * @sightline/core: the open data model, the plugin contracts and their in-memory twins, the plugin registry,
 * the pipeline config and the one coded error type. Everything a plugin author needs; no I/O of its own beyond
 * reading config files.
 */
import 'reflect-metadata';

export { CORE_VERSION } from './version.js';

// errors
export { ERROR_CODES, allErrorCodes, defineErrorCodes, errorCodeInfo, isErrorCode } from './errors/error-codes.js';
export type { CoreErrorCode, ErrorCode, ErrorCodeInfo, ExtensionErrorCode, PackageErrorCodes, Stage } from './errors/error-codes.js';
export { SightlineError, describeCause } from './errors/sightline-error.js';
export type { SerializedError, SightlineErrorOptions } from './errors/sightline-error.js';

// data model
export { EVENT_KINDS, isEventKind } from './model/event.js';
export type { ContextBlock, DnsEvent, DnsRecord, Envelope, EventKind, EventOfKind, FlowEvent, OdmEvent, ProxyEvent, ScoreBlock, TiHit } from './model/event.js';
export { CONTEXT_FIELDS, ENVELOPE_FIELDS, KIND_FIELDS, SCORE_FIELDS } from './model/generated/odm-schemas.js';
export { contextSchema, dnsSchema, envelopeSchema, flowSchema, pipelineSchema, proxySchema, scoreSchema } from './model/generated/odm-schemas.js';
export { EventIdWriter, assignEventId, computeEventId, identityFieldIndex, identityFields } from './model/event-id.js';
export { fmix32, murmur3x86128 } from './model/murmur3.js';
export { isValidEvent, validateEvent } from './model/validate-event.js';
export type { EventValidation } from './model/validate-event.js';
export { createAjv, describeAjvError, instancePathToDotted } from './model/ajv.js';
export type { JsonSchema } from './model/json-schema.js';
export { decodeModelState, encodeModelState } from './model-state.js';
export type { EncodedModelState } from './model-state.js';

// contracts
export type { Issue, LogFields, Logger, MaybePromise, PluginContext, QuarantineRecord, QuarantineStore } from './contracts/common.js';
export type { InputChunk, InputSource } from './contracts/input.js';
export type { DecodeBatch, DecodeContext, Decoder, SniffProbe } from './contracts/decoder.js';
export type { EnrichResult, Enricher } from './contracts/enricher.js';
export type { FitContext, Model, ModelReport, ModelState, ModelWindow, OpenWindow, Rating, RiskRating, ScoreOutcome, WindowRecipe } from './contracts/model.js';
export type { DeadLetter, DeadLetterStore, HealthResult, ItemFailure, Sink, SinkBatch, SinkResult, Stream } from './contracts/sink.js';
export { PLUGIN_KINDS } from './contracts/manifest.js';
export type { PluginFactory, PluginInstances, PluginKind, PluginManifest, ServiceResolver } from './contracts/manifest.js';

// plugins and DI
export { definePlugin } from './di/define-plugin.js';
export type { PluginDefinition } from './di/define-plugin.js';
export { TOKENS, pluginFactoryToken } from './di/tokens.js';
export type { PipelineInfo } from './di/tokens.js';
export { type CheckManifestOptions, PluginRegistry, checkManifest } from './di/registry.js';
export type { RegisteredPlugin } from './di/registry.js';
export { PipelineContainer } from './di/pipeline-container.js';
export { discoverPluginPackages, findPluginPackage, importPluginPackage } from './di/load-plugin.js';
export type { PluginPackage } from './di/load-plugin.js';

// config
export { loadPipelineFile, parsePipelineConfig, formatProblems, splitConfigPath, substituteEnv } from './config/pipeline-config.js';
export type { ClusterSpec, InputSpec, ModelStepSpec, PipelineSpec, RetrySpec, SinkStepSpec, StepSection, StepSpec } from './config/pipeline-config.js';
export { CONFIG_DEFS_ID, compileConfigSchema, configDefsSchema, deepFreeze, validateConfig } from './config/config-ajv.js';
export type { ConfigProblem } from './config/config-ajv.js';
export { formatBytes, formatDuration, parseDuration, parseSize } from './config/units.js';

// I/O helpers for decoders
export { readLines } from './io/lines.js';
export type { Line, ReadLinesOptions } from './io/lines.js';
export { memorySource } from './io/sources.js';

// delivery
export { DEFAULT_RETRY_POLICY, RetryingSink } from './sink/retrying-sink.js';
export { runPool } from './sink/pool.js';
export type { DeliveryReport, RetryPolicy, RetryingSinkOptions } from './sink/retrying-sink.js';

// mappings
export * from './mappings/spot.js';
export * from './mappings/table.js';
export * from './mappings/ecs.js';
export * from './mappings/cim.js';
export * from './mappings/ocsf.js';

// reference plugins (the in-memory twins)
export * from './reference/index.js';
