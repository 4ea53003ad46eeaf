import type { AlertDetails, AlertPage, ApiError, ConsoleInfo, IngestSummary, Kind, NetworkGraph, QuarantinePage, RatingView, RerunStatus, RunList } from '../../src/api.js';

export type * from '../../src/api.js';

/** An answer the server refused, with its message. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, body: Partial<ApiError>) {
    super(body.message ?? `request failed (${status})`);
    this.status = status;
    this.code = body.error ?? 'error';
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: body === undefined ? {} : { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { message: text.slice(0, 300) };
  }
  if (!res.ok) throw new ApiFailure(res.status, parsed as Partial<ApiError>);
  return parsed as T;
}

/** Query parameters without the empty ones, in a URLSearchParams (values are encoded, never spliced). */
export function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

const run = (id: string): string => `/api/runs/${encodeURIComponent(id)}`;

export interface ListParams extends Record<string, string | number | undefined> {
  kind: Kind;
}

export const api = {
  info: () => call<ConsoleInfo>('GET', '/api/info'),
  runs: () => call<RunList>('GET', '/api/runs'),
  alerts: (id: string, params: ListParams) => call<AlertPage>('GET', `${run(id)}/alerts${query(params)}`),
  details: (id: string, n: number) => call<AlertDetails>('GET', `${run(id)}/alerts/${n}`),
  graph: (id: string, params: Record<string, string | number | undefined>) => call<NetworkGraph>('GET', `${run(id)}/graph${query(params)}`),
  ingest: (id: string) => call<IngestSummary>('GET', `${run(id)}/ingest`),
  quarantine: (id: string, file: number, offset: number) => call<QuarantinePage>('GET', `${run(id)}/quarantine/${file}${query({ offset, limit: 50 })}`),
  ratings: (runId?: string, compare?: string) => call<{ ratings: RatingView[] }>('GET', `/api/ratings${query({ run: runId, compare })}`),
  rate: (body: { run: string; n: number; rating: 1 | 2 | 3; scope: 'event' | 'pattern'; fields?: string[]; word?: boolean; note?: string; by?: string }) => call<RatingView>('POST', '/api/ratings', body),
  unrate: (id: string) => call<void>('DELETE', `/api/ratings/${encodeURIComponent(id)}`),
  rerunStatus: () => call<RerunStatus>('GET', '/api/rerun'),
  rerun: () => call<RerunStatus>('POST', '/api/rerun'),
};
