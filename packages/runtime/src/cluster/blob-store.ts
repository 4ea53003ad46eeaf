import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { SightlineError } from '@sightline/core';
import type { ClusterKeys } from './keys.js';

const RAW = 0;
const GZIP = 1;

// Store a payload once (NX) with its reference count, and count its bytes as in flight only when it is new:
// a retried job that stores the same payload again changes nothing.
const PUT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  redis.call('INCRBY', KEYS[3], string.len(ARGV[1]))
  return 1
end
return 0`;

// Drop a reference; the last one deletes the payload and takes its bytes out of the in-flight count.
const RELEASE = `
local left = redis.call('DECR', KEYS[2])
if left <= 0 then
  local size = redis.call('STRLEN', KEYS[1])
  redis.call('DEL', KEYS[1], KEYS[2])
  if size > 0 then redis.call('DECRBY', KEYS[3], size) end
  return 0
end
return left`;

/**
 * What a payload is: a piece of an uploaded input (held until its decode job completes, so a retried attempt
 * finds it) or a batch of events between stages. Each has half of `cluster.in_flight`: kept apart, uploads can
 * never fill the room decode jobs need for their batches, which would stall both.
 */
export type PayloadPool = 'input' | 'batch';

/** Pieces of uploaded inputs have ids starting with this. */
export const INPUT_PIECE = 'in-';

export function poolOf(id: string): PayloadPool {
  return id.startsWith(INPUT_PIECE) ? 'input' : 'batch';
}

/**
 * Job payloads by reference (claim check): batches and uploaded input pieces live in Redis keys with a TTL,
 * optionally gzip-compressed (`cluster.compress`; a leading byte says which, so workers with another setting
 * still read them), and jobs carry only their key. The bytes held at once are bounded by `limitBytes` (half for
 * input pieces, half for event batches): producers wait for room, so Redis memory follows the in-flight limit,
 * not the input's size.
 */
export class BlobStore {
  readonly #redis: Redis;
  readonly #keys: ClusterKeys;
  readonly #ttlMs: number;
  readonly #limit: number;
  readonly #gzip: boolean;

  constructor(redis: Redis, keys: ClusterKeys, ttlMs: number, limitBytes: number, compress: 'none' | 'gzip' = 'none') {
    this.#gzip = compress === 'gzip';
    this.#redis = redis;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
    this.#limit = limitBytes;
  }

  /** The bytes one pool may hold. */
  limit(_pool: PayloadPool): number {
    return Math.floor(this.#limit / 2);
  }

  #counter(pool: PayloadPool): string {
    return pool === 'input' ? this.#keys.inflightInput : this.#keys.inflight;
  }

  /** Bytes held now, in one pool or both. */
  async inflight(pool?: PayloadPool): Promise<number> {
    if (pool !== undefined) return Number((await this.#redis.get(this.#counter(pool))) ?? 0);
    const [a, b] = await this.#redis.mget(this.#keys.inflight, this.#keys.inflightInput);
    return Number(a ?? 0) + Number(b ?? 0);
  }

  /** Waits until the pool has room for more (always lets one through when the pool is empty). */
  async waitForRoom(pool: PayloadPool, signal?: AbortSignal): Promise<void> {
    const limit = this.limit(pool);
    for (let delay = 10; ; delay = Math.min(250, delay * 2)) {
      const used = await this.inflight(pool);
      if (used <= 0 || used < limit) return;
      if (signal?.aborted === true) throw signal.reason instanceof Error ? signal.reason : new SightlineError('SL_RUN_INTERRUPTED', 'interrupted while waiting for room in Redis', { stage: 'runtime' });
      await sleep(delay);
    }
  }

  /** The bytes `data` takes once stored (with the current compression). */
  encode(data: Uint8Array): Buffer {
    const body = this.#gzip ? gzipSync(data, { level: 1 }) : data;
    const z = Buffer.allocUnsafe(body.length + 1);
    z[0] = this.#gzip ? GZIP : RAW;
    z.set(body, 1);
    return z;
  }

  /** Stores a payload under `id` for `refs` consumers; returns the stored size. Idempotent. */
  async put(id: string, data: Uint8Array, refs: number): Promise<number> {
    return this.putEncoded(id, this.encode(data), refs);
  }

  /** Stores a payload already made by `encode`. */
  async putEncoded(id: string, z: Buffer, refs: number): Promise<number> {
    await this.#redis.eval(PUT, 3, this.#keys.blob(id), this.#keys.blobRefs(id), this.#counter(poolOf(id)), z, String(refs), String(this.#ttlMs));
    return z.length;
  }

  /** The payload, or undefined when it is not (or no longer) in Redis. */
  async find(id: string): Promise<Buffer | undefined> {
    const z = await this.#redis.getBuffer(this.#keys.blob(id));
    if (z === null) return undefined;
    if (z[0] === GZIP) return gunzipSync(z.subarray(1));
    if (z[0] === RAW) return z.subarray(1);
    throw new SightlineError('SL_CLUSTER_PAYLOAD_UNREADABLE', `payload ${id} has an unknown encoding (byte ${z[0]}): written by another Sightline version?`, { stage: 'runtime' });
  }

  /** The payload, or SL_CLUSTER_PAYLOAD_EXPIRED when it is gone. */
  async get(id: string): Promise<Buffer> {
    const z = await this.find(id);
    if (z === undefined) throw new SightlineError('SL_CLUSTER_PAYLOAD_EXPIRED', `payload ${id} is no longer in Redis (expired after cluster.blob_ttl, or already consumed)`, { stage: 'runtime' });
    return z;
  }

  /**
   * Recounts the bytes in flight from the payloads that exist. A payload that expires (its consumers failed for
   * good and nobody retried them) leaves a counter high; this brings it back. Approximate while payloads come
   * and go during the scan, exact again at the next pass.
   */
  async reconcile(): Promise<number> {
    const totals = { input: 0, batch: 0 };
    let cursor = '0';
    const base = this.#keys.blob('');
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 500);
      cursor = next;
      for (const k of found) totals[poolOf(k.slice(base.length))] += await this.#redis.strlen(k);
    } while (cursor !== '0');
    await this.#redis.mset(this.#keys.inflight, String(totals.batch), this.#keys.inflightInput, String(totals.input));
    return totals.input + totals.batch;
  }

  /** One consumer is done with the payload. */
  async release(id: string): Promise<void> {
    await this.#redis.eval(RELEASE, 3, this.#keys.blob(id), this.#keys.blobRefs(id), this.#counter(poolOf(id)));
  }
}
