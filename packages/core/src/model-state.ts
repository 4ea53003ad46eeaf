import type { ModelState } from './contracts/model.js';
import { SightlineError } from './errors/sightline-error.js';

/** A model state split for storage: JSON for the structure, raw bytes for the blobs. */
export interface EncodedModelState {
  readonly json: string;
  readonly blobs: Readonly<Record<string, Uint8Array>>;
}

/** Serialises a state for storage (a file pair, a Redis hash). Blobs are kept as bytes, not JSON arrays. */
export function encodeModelState(state: ModelState): EncodedModelState {
  const { blobs, ...rest } = state;
  return { json: JSON.stringify({ ...rest, blobNames: Object.keys(blobs ?? {}) }), blobs: blobs ?? {} };
}

/** Reads back what `encodeModelState` wrote. Throws SL_MODEL_STATE_INVALID when it is not a state. */
export function decodeModelState(encoded: EncodedModelState): ModelState {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(encoded.json) as Record<string, unknown>;
  } catch (cause) {
    throw new SightlineError('SL_MODEL_STATE_INVALID', 'model state is not valid JSON', { stage: 'model', cause });
  }
  for (const key of ['model', 'format', 'id', 'window', 'fittedAt', 'params']) {
    if (!(key in parsed)) throw new SightlineError('SL_MODEL_STATE_INVALID', `model state lacks "${key}"`, { stage: 'model' });
  }
  const names = (parsed['blobNames'] as string[] | undefined) ?? [];
  delete parsed['blobNames'];
  const blobs: Record<string, Uint8Array> = {};
  for (const n of names) {
    const b = encoded.blobs[n];
    if (b === undefined) throw new SightlineError('SL_MODEL_STATE_INVALID', `model state blob "${n}" is missing`, { stage: 'model' });
    blobs[n] = b;
  }
  return (names.length > 0 ? { ...parsed, blobs } : parsed) as unknown as ModelState;
}
