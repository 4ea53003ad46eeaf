import { Redis, type RedisOptions } from 'ioredis';
import { type Logger, SightlineError, describeCause } from '@sightline/core';

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SightlineError('SL_CONFIG_INVALID', `cluster.redis: "${url}" is not a URL (use redis://host:port)`, { stage: 'config' });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new SightlineError('SL_CONFIG_INVALID', `cluster.redis: use redis:// or rediss://, not ${u.protocol}`, { stage: 'config' });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    db: Number.isInteger(db) ? db : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ needs commands to wait for a reconnect instead of failing fast.
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
  };
}

/**
 * A Redis connection that says clearly when Redis goes away and comes back, and reconnects with backoff (up to
 * 10 s between attempts) forever: a worker waits for Redis rather than crashing or dropping work.
 */
export function connectRedis(url: string, logger: Logger, role: string): Redis {
  let down = false;
  let lastLog = 0;
  const redis = new Redis({
    ...redisOptions(url),
    retryStrategy: (times) => Math.min(10_000, 200 * 2 ** Math.min(times, 6)),
    reconnectOnError: (e) => /READONLY|LOADING/.test(e.message),
    lazyConnect: false,
  });
  redis.on('error', (e: Error) => {
    const now = Date.now();
    if (!down || now - lastLog > 30_000) {
      const oom = /OOM/.test(e.message);
      logger.error(`${role}: Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} ${oom ? 'is out of memory' : 'is unavailable'}: ${describeCause(e)}; ${oom ? 'jobs will be retried' : 'waiting and reconnecting'}`, { code: oom ? 'SL_CLUSTER_REDIS_OOM' : 'SL_CLUSTER_REDIS_UNAVAILABLE' });
      lastLog = now;
    }
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.warn(`${role}: Redis is back; resuming`);
    down = false;
  });
  return redis;
}

/** Waits until Redis answers, or throws SL_CLUSTER_REDIS_UNAVAILABLE after `timeoutMs`. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await Promise.race([redis.ping(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000))])) === 'PONG') return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new SightlineError('SL_CLUSTER_REDIS_UNAVAILABLE', `Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} does not answer${last === undefined ? '' : `: ${describeCause(last)}`}`, { stage: 'runtime', retryable: true });
}
