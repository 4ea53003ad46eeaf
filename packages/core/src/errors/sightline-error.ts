import { type ErrorCode, type Stage, errorCodeInfo, isErrorCode } from './error-codes.js';

const BRAND = Symbol.for('@sightline/core/SightlineError');

export interface SightlineErrorOptions {
  readonly stage?: Stage;
  readonly plugin?: string;
  readonly retryable?: boolean;
  readonly cause?: unknown;
  /** Structured facts for the reader: path, file, line, offset… Serialised with the error. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The plain-data form of an error: what crosses worker-thread and process boundaries and lands in quarantine. */
export interface SerializedError {
  readonly name: 'SightlineError';
  readonly code: ErrorCode;
  readonly message: string;
  readonly stage: Stage;
  readonly plugin?: string;
  readonly retryable: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: string;
}

/**
 * The one error type of Sightline. Recognise it with `SightlineError.is(err)` (a brand, so it works across
 * worker threads, realms and duplicate copies of core), not with `instanceof` alone.
 */
export class SightlineError extends Error {
  override readonly name = 'SightlineError';
  readonly code: ErrorCode;
  readonly stage: Stage;
  readonly plugin: string | undefined;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: SightlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = errorCodeInfo(code);
    this.code = code;
    this.stage = options.stage ?? info?.stage ?? 'runtime';
    this.plugin = options.plugin;
    this.retryable = options.retryable ?? info?.retryable ?? false;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static is(value: unknown): value is SightlineError {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[BRAND] === true) return true;
    const v = value as { name?: unknown; code?: unknown };
    return v.name === 'SightlineError' && isErrorCode(v.code);
  }

  static isCode(value: unknown, code: ErrorCode): value is SightlineError {
    return SightlineError.is(value) && value.code === code;
  }

  /** Wraps anything thrown into a SightlineError, keeping an existing one as it is. */
  static from(value: unknown, code: ErrorCode, message: string, options: SightlineErrorOptions = {}): SightlineError {
    if (SightlineError.is(value)) return value;
    return new SightlineError(code, `${message}: ${describeCause(value)}`, { ...options, cause: value });
  }

  static fromJSON(data: SerializedError): SightlineError {
    const opts: SightlineErrorOptions = {
      stage: data.stage,
      retryable: data.retryable,
      ...(data.plugin === undefined ? {} : { plugin: data.plugin }),
      ...(data.details === undefined ? {} : { details: data.details }),
      ...(data.cause === undefined ? {} : { cause: data.cause }),
    };
    return new SightlineError(data.code, data.message, opts);
  }

  toJSON(): SerializedError {
    return {
      name: 'SightlineError',
      code: this.code,
      message: this.message,
      stage: this.stage,
      retryable: this.retryable,
      ...(this.plugin === undefined ? {} : { plugin: this.plugin }),
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.cause === undefined ? {} : { cause: describeCause(this.cause) }),
    };
  }
}

/** A one-line description of anything thrown, for messages. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause) ?? String(cause);
  } catch {
    return String(cause);
  }
}
