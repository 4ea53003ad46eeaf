import { SightlineError } from '@sightline/core';

const PLUGIN = 'elastic';

/** What a bulk item's status means for delivery. */
export type ItemOutcome = { readonly ok: true } | { readonly ok: false; readonly error: SightlineError };

export interface BulkItemResponse {
  readonly status?: number;
  readonly _id?: string;
  readonly _index?: string;
  readonly error?: { readonly type?: string; readonly reason?: string; readonly caused_by?: { readonly type?: string; readonly reason?: string } };
}

/**
 * One bulk item: 2xx delivered; 409 on `create` means the document is already there (an earlier attempt landed),
 * so it is delivered too; 429 and 5xx are retried; any other 4xx (mapping errors, 403 on a read-only index, …)
 * cannot succeed by retrying and is dead-lettered with the cluster's reason.
 */
export function classifyItem(item: BulkItemResponse): ItemOutcome {
  const status = item.status ?? 0;
  if ((status >= 200 && status < 300) || status === 409) return { ok: true };
  const type = item.error?.type ?? 'unknown';
  const reason = item.error?.reason ?? '(no reason given)';
  const cause = item.error?.caused_by?.reason === undefined ? '' : ` (caused by ${item.error.caused_by.type ?? 'error'}: ${item.error.caused_by.reason})`;
  const message = `Elasticsearch refused document ${item._id ?? '?'} in ${item._index ?? '?'} with ${status} ${type}: ${reason}${cause}`;
  const details = { status, type, reason, index: item._index, id: item._id };
  if (status === 429 || status >= 500 || status === 0) return { ok: false, error: new SightlineError('SL_SINK_UNAVAILABLE', message, { stage: 'sink', plugin: PLUGIN, retryable: true, details }) };
  return { ok: false, error: new SightlineError('SL_SINK_REJECTED', message, { stage: 'sink', plugin: PLUGIN, retryable: false, details }) };
}

interface TransportErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly meta?: { readonly statusCode?: number; readonly headers?: Record<string, string | string[] | undefined>; readonly body?: unknown };
}

/** Seconds or an HTTP date in Retry-After, as ms. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, Math.round(s * 1000));
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export type RequestOutcome =
  | { readonly kind: 'too-large' }
  | { readonly kind: 'error'; readonly error: SightlineError; readonly retryAfterMs?: number };

function reasonOf(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const err = (body as { error?: unknown }).error;
    if (typeof err === 'object' && err !== null) {
      const e = err as { type?: string; reason?: string };
      return `${e.type ?? 'error'}: ${e.reason ?? ''}`.trim();
    }
    if (typeof err === 'string') return err;
  }
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : '';
}

/** A whole bulk request that failed: by HTTP status, or by the transport (connection refused, timeout, reset). */
export function classifyRequestError(err: unknown, target: string): RequestOutcome {
  const e = err as TransportErrorLike;
  const status = e.meta?.statusCode;
  if (e.name === 'ResponseError' && status !== undefined) {
    if (status === 413) return { kind: 'too-large' };
    const why = reasonOf(e.meta?.body);
    const message = `Elasticsearch at ${target} answered ${status}${why === '' ? '' : ` (${why})`}`;
    const details = { status };
    if (status === 401 || status === 403) return { kind: 'error', error: new SightlineError('SL_ELASTIC_AUTH_FAILED', message, { stage: 'sink', plugin: PLUGIN, details }) };
    if (status === 429 || status >= 500 || status === 408) {
      const after = retryAfterMs(e.meta?.headers?.['retry-after']);
      const error = new SightlineError('SL_SINK_UNAVAILABLE', message, { stage: 'sink', plugin: PLUGIN, retryable: true, details });
      return after === undefined ? { kind: 'error', error } : { kind: 'error', error, retryAfterMs: after };
    }
    return { kind: 'error', error: new SightlineError('SL_SINK_REJECTED', message, { stage: 'sink', plugin: PLUGIN, retryable: false, details }) };
  }
  if (e.name === 'ProductNotSupportedError') {
    return { kind: 'error', error: new SightlineError('SL_ELASTIC_UNSUPPORTED_VERSION', `${target} did not identify itself as Elasticsearch (no X-Elastic-Product header)`, { stage: 'sink', plugin: PLUGIN }) };
  }
  // ConnectionError, TimeoutError, RequestAbortedError, socket resets: the request may or may not have landed;
  // resending is safe because every document is a `create` with a deterministic id.
  return {
    kind: 'error',
    error: new SightlineError('SL_SINK_UNAVAILABLE', `Elasticsearch at ${target} could not be reached: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, { stage: 'sink', plugin: PLUGIN, retryable: true, cause: err }),
  };
}
