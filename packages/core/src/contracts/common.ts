import type { ErrorCode, Stage } from '../errors/error-codes.js';

export type MaybePromise<T> = T | Promise<T>;

export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logger handed to plugins. Cheap when the level is off. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** What every plugin instance is given when it is created and on every call. */
export interface PluginContext {
  /** Name of the pipeline (its config's `name`). */
  readonly pipeline: string;
  /** Name of this step in the pipeline config (defaults to the plugin name). */
  readonly step: string;
  readonly logger: Logger;
  /** Aborted when the run is stopping; long operations should return early. */
  readonly signal: AbortSignal;
  /** Folder relative paths in the config are resolved from (the pipeline file's folder). */
  readonly baseDir: string;
  /** This run's output folder. */
  readonly runDir: string;
  /** Durable folder for this step's state across runs (model states, templates, caches); created on demand. */
  readonly stateDir: string;
  /** Resolves a path from the config against `baseDir`. */
  resolvePath(path: string): string;
}

/**
 * A record that could not be decoded, enriched, validated or scored: the reason and, where there is one, the
 * data itself. Issues are never thrown away: the runtime keeps every one in the quarantine store.
 */
export interface Issue {
  readonly code: ErrorCode;
  /** What is wrong, for a person: "NetFlow v9 data set 260 before its template (exporter 10.0.0.1:2055)". */
  readonly message: string;
  /** Input the record came from (file path, `udp://peer`), when known. */
  readonly source?: string;
  /** Byte offset of the record in its source. */
  readonly offset?: number;
  /** 1-based line number, for line-oriented inputs. */
  readonly line?: number;
  /** The bad record (bytes or text), truncated by the quarantine store to a bounded size. */
  readonly raw?: Uint8Array | string;
  /** Id of the event the issue is about, when there is one. */
  readonly event_id?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An issue as stored: with where and when it was recorded. */
export interface QuarantineRecord extends Omit<Issue, 'raw'> {
  readonly at: number;
  readonly pipeline: string;
  readonly stage: Stage;
  readonly plugin: string;
  /** `raw` as text when it was text, else base64 with `raw_encoding: 'base64'`. */
  readonly raw?: string;
  readonly raw_encoding?: 'text' | 'base64';
  readonly raw_truncated?: boolean;
}

/** Where issues go. Implementations: in memory (tests), files under the run folder, Redis (distributed). */
export interface QuarantineStore {
  put(records: readonly QuarantineRecord[]): Promise<void>;
  close(): Promise<void>;
}
