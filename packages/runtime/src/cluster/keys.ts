/**
 * Key and queue names. Every key of a pipeline shares one hash tag, `{sl:<pipeline>}`, so all of them land in the
 * same Redis Cluster slot: BullMQ flows (a parent and its children) and our Lua scripts must stay in one slot.
 * Job ids never contain `:` (BullMQ reserves it).
 */
export function clusterPrefix(pipeline: string): string {
  return `{sl:${pipeline}}`;
}

export const DECODE_QUEUE = 'decode';
export const MODEL_QUEUE = 'model';
export function sinkQueue(step: string): string {
  return `sink-${step}`;
}

export interface ClusterKeys {
  readonly prefix: string;
  blob(id: string): string;
  blobRefs(id: string): string;
  /** Bytes of event batches in flight. */
  readonly inflight: string;
  /** Bytes of uploaded input pieces in flight. */
  readonly inflightInput: string;
  /** Set (with a short TTL, refreshed) while `sightline submit` is still uploading a submission's inputs. */
  uploading(submission: string): string;
  /** How many pieces an uploaded input has, written once all are stored. */
  pieces(submission: string, index: number): string;
  outstanding(submission: string): string;
  submission(submission: string): string;
  readonly submissions: string;
}

export function clusterKeys(pipeline: string): ClusterKeys {
  const p = clusterPrefix(pipeline);
  return {
    prefix: p,
    blob: (id) => `${p}:blob:${id}`,
    blobRefs: (id) => `${p}:blobrefs:${id}`,
    inflight: `${p}:inflight`,
    inflightInput: `${p}:inflight-input`,
    uploading: (s) => `${p}:uploading:${s}`,
    pieces: (s, i) => `${p}:pieces:${s}:${i}`,
    outstanding: (s) => `${p}:outstanding:${s}`,
    submission: (s) => `${p}:submission:${s}`,
    submissions: `${p}:submissions`,
  };
}

/** Makes a string safe for a job id. */
export function jobIdPart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
