import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { SightlineError } from '@sightline/core';
import type { ClusterKeys } from './keys.js';

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
 * Job payloads by reference (claim check): batches and uploaded input pieces live in Redis keys with a TTL,
 * gzip-compressed, and jobs carry only their key. The bytes held at once are bounded by `limitBytes`:
 * producers wait for room, so Redis memory follows the in-flight limit, not the input's size.
 */
export class BlobStore {
  readonly #redis: Redis;
  readonly #keys: ClusterKeys;
  readonly #ttlMs: number;
  readonly #limit: number;

  constructor(redis: Redis, keys: ClusterKeys, ttlMs: number, limitBytes: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
    this.#limit = limitBytes;
  }

  async inflight(): Promise<number> {
    return Number((await this.#redis.get(this.#keys.inflight)) ?? 0);
  }

  /** Waits until there is room for more payload (always lets one through when nothing is in flight). */
  async waitForRoom(signal?: AbortSignal): Promise<void> {
    for (let delay = 20; ; delay = Math.min(500, delay * 2)) {
      const used = await this.inflight();
      if (used <= 0 || used < this.#limit) return;
      if (signal?.aborted === true) return;
      await sleep(delay);
    }
  }

  /** Stores a payload under `id` for `refs` consumers; returns the compressed size. Idempotent. */
  async put(id: string, data: Uint8Array, refs: number): Promise<number> {
    const z = gzipSync(data, { level: 1 });
    await this.#redis.eval(PUT, 3, this.#keys.blob(id), this.#keys.blobRefs(id), this.#keys.inflight, z, String(refs), String(this.#ttlMs));
    return z.length;
  }

  /** The payload, or SL_CLUSTER_PAYLOAD_EXPIRED when it is gone. */
  async get(id: string): Promise<Buffer> {
    const z = await this.#redis.getBuffer(this.#keys.blob(id));
    if (z === null) throw new SightlineError('SL_CLUSTER_PAYLOAD_EXPIRED', `payload ${id} is no longer in Redis (expired after cluster.blob_ttl, or already consumed)`, { stage: 'runtime' });
    return gunzipSync(z);
  }

  /**
   * Recounts the bytes in flight from the payloads that exist. A payload that expires (its consumers failed for
   * good and nobody retried them) leaves the counter high; this brings it back. Approximate while payloads come
   * and go during the scan, exact again at the next pass.
   */
  async reconcile(): Promise<number> {
    let total = 0;
    let cursor = '0';
    const pattern = `${this.#keys.blob('')}*`;
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const k of found) total += await this.#redis.strlen(k);
    } while (cursor !== '0');
    await this.#redis.set(this.#keys.inflight, String(total));
    return total;
  }

  /** One consumer is done with the payload. */
  async release(id: string): Promise<void> {
    await this.#redis.eval(RELEASE, 3, this.#keys.blob(id), this.#keys.blobRefs(id), this.#keys.inflight);
  }
}
